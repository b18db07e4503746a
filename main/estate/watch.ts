// `--watch DIR` (issue 16): branches drop bundle folders into a shared folder; each one that has
// settled (no file changed for `settleMs`) is ingested and moved to DIR/ingested/ (ingested or
// already held) or DIR/refused/ (with the reason beside it in refused/NAME.reason.txt).
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestBundle, type IngestLine, type IngestOptions } from './ingest';

export const INGESTED = 'ingested';
export const REFUSED = 'refused';

function settled(dir: string, settleMs: number, now: number): boolean {
  if (!existsSync(join(dir, 'manifest.json'))) return false;
  let newest = statSync(dir).mtimeMs;
  for (const name of readdirSync(dir)) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  return now - newest >= settleMs;
}

function freeName(folder: string, name: string): string {
  let candidate = name;
  for (let i = 1; existsSync(join(folder, candidate)); i += 1) candidate = `${name}.${i}`;
  return candidate;
}

/** One pass over the folder: every settled bundle is ingested and moved. */
export async function watchOnce(
  root: string,
  options: IngestOptions & { readonly settleMs?: number },
  report: (line: IngestLine) => void,
): Promise<number> {
  for (const sub of [INGESTED, REFUSED]) mkdirSync(join(root, sub), { recursive: true, mode: 0o700 });
  let refused = 0;
  const now = Date.now();
  const names = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== INGESTED && d.name !== REFUSED)
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const dir = join(root, name);
    if (!settled(dir, options.settleMs ?? 2_000, now)) continue;
    const line = await ingestBundle(dir, options);
    const target = line.outcome === 'refused' ? REFUSED : INGESTED;
    const moved = freeName(join(root, target), name);
    renameSync(dir, join(root, target, moved));
    if (line.outcome === 'refused') {
      refused += 1;
      writeFileSync(join(root, REFUSED, `${moved}.reason.txt`), `${line.reason ?? ''}\n`, { mode: 0o600 });
    }
    report({ ...line, bundle: join(root, target, moved) });
  }
  return refused;
}

/** Polls until `signal` aborts; every pass is one bounded walk over the folder. */
export async function watchFolder(
  root: string,
  options: IngestOptions & { readonly settleMs?: number; readonly intervalMs?: number },
  report: (line: IngestLine) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    await watchOnce(root, options, report);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs ?? 2_000);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
