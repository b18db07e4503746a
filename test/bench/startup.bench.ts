// Start-up (issue 15): from the launcher's process starting (`npm start` after `npm run build`:
// dist/tools/start.cjs, test/tools/start.ts built into one file; training mode, an audit store of
// 1,000,000 entries) to the sign-in screen painted in Chromium, Chromium's launch included. The computer-misuse warning is shown and
// acknowledged on the way, as at every start (the click is the bench's; it is not skipped).
// Goals: under 1.5 s warm, under 3 s cold. Card provisioning is reused (made once per checkout
// in .smsp/card-template, copied into the data folder once), as in `npm start`.
//  - cold: the first launch after the files a launch reads (the build, the data folder with its
//    audit database, node_modules, Chromium) are dropped from the page cache (`dd iflag=nocache`
//    per file) and with a new Chromium profile;
//  - warm: the launches after it, same data folder and profile.
// As `npm start` does where it opens Chromium, the browser is launched as soon as the launcher has
// opened its doorway (test/tools/doorway.ts), alongside the sandbox, cards and host starting; the
// doorway sends it on to the host once the host is ready.
// Each stage's cost is listed (medians): the launcher's own start, the training set-up (Spine
// sandbox, cards), the host process (module loading, configuration, services with the audit
// store, listening), Chromium's launch, the page to the misuse warning painted, and the
// acknowledgement to the sign-in screen painted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs } from '../e2e/playwright.config';
import { softhsmAvailable } from '../smartcard/softhsm';
import { stopGroup } from '../support/process-group';

const ENTRIES = 1_000_000;
const WARM_RUNS = 5;
const root = resolve(import.meta.dirname, '..', '..');
const benchDir = join(root, '.smsp', 'bench-startup');
const storeTemplate = join(benchDir, 'store-1m');
const chromiumPath = process.env['SMSP_CHROMIUM'] ?? '/usr/bin/chromium';

interface LauncherReady {
  readonly launchUrl: string;
  /** Milliseconds since the launcher's process started (see start.ts `timings`). */
  readonly timings?: Readonly<Record<string, number>>;
}

interface Launch {
  readonly stages: Readonly<Record<string, number>>;
  readonly total: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** A 1,000,000-entry audit store and its key, seeded once per checkout (about a minute). */
function ensureStore(): void {
  const marker = join(storeTemplate, 'entries');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(ENTRIES)) return;
  rmSync(storeTemplate, { recursive: true, force: true });
  mkdirSync(storeTemplate, { recursive: true, mode: 0o700 });
  process.stdout.write(`seeding an audit store of ${ENTRIES.toLocaleString('en-GB')} entries (once)…\n`);
  const seeded = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/tools/smsp.ts',
      'audit',
      'seed',
      '--db',
      join(storeTemplate, 'audit.db'),
      '--key-file',
      join(storeTemplate, 'audit.key'),
      '--entries',
      String(ENTRIES),
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (seeded.status !== 0) throw new Error('seeding the audit store failed');
  writeFileSync(marker, String(ENTRIES));
}

/** A data folder whose workstation holds the million-entry store (copied, then reused). */
function prepareDataDir(): string {
  const dataDir = join(benchDir, 'data');
  rmSync(dataDir, { recursive: true, force: true });
  const workstation = join(dataDir, 'workstation');
  mkdirSync(workstation, { recursive: true, mode: 0o700 });
  for (const file of ['audit.db', 'audit.key']) cpSync(join(storeTemplate, file), join(workstation, file));
  return dataDir;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Drops the launch's files from the page cache, file by file (`dd iflag=nocache count=0` asks the
 * kernel to forget a file's cached pages), so the next launch reads them from disk.
 */
function dropFromCache(dirs: readonly string[]): number {
  let files = 0;
  for (const dir of dirs) {
    for (const file of statSync(dir).isDirectory() ? filesUnder(dir) : [dir]) {
      spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
      files += 1;
    }
  }
  return files;
}

/** Waits until `page` has produced a frame after `locator` became visible (painted, not just in the DOM). */
async function painted(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/** The launcher's stdout, line by line, in order (bounded wait for each). */
function lineReader(child: ChildProcess, stderr: () => string): () => Promise<string> {
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let ended: Error | null = null;
  const failures: ((error: Error) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const next = waiting.shift();
    failures.shift();
    if (next) next(line);
    else queued.push(line);
  });
  child.once('exit', (code) => {
    ended = new Error(`the launcher stopped (exit ${code}):\n${stderr()}`);
    for (const fail of failures.splice(0)) fail(ended);
    waiting.length = 0;
  });
  return () => {
    const line = queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.reject(ended);
    return new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the launcher said nothing for 60 s:\n${stderr()}`)),
        60_000,
      );
      waiting.push((value) => {
        clearTimeout(timer);
        resolveLine(value);
      });
      failures.push((error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  };
}

/**
 * One launch as `npm start` makes it where it opens Chromium: the launcher opens its doorway at
 * once (--door-json prints it; `npm start` opens its own Chromium there), the browser is launched
 * and sent to the doorway straight away, and the doorway sends it on when the host is ready.
 */
async function launchOnce(dataDir: string, profileDir: string): Promise<Launch> {
  const started = performance.now();
  const launcher = spawn(
    process.execPath,
    ['dist/tools/start.cjs', '--headless', '--door-json', '--ready-json', '--data-dir', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' }, detached: true },
  );
  let stderr = '';
  launcher.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const nextLine = lineReader(launcher, () => stderr);
  try {
    const door = (JSON.parse(await nextLine()) as { door: string }).door;
    const doorOpen = performance.now() - started;
    const readyLine = nextLine().then((line) => ({
      ready: JSON.parse(line) as LauncherReady,
      at: performance.now() - started,
    }));
    readyLine.catch(() => undefined);
    const browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    try {
      const browserUp = performance.now() - started;
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(door, { timeout: 60_000 });
      const accept = page.getByRole('button', { name: 'I understand' });
      await accept.waitFor({ state: 'visible', timeout: 30_000 });
      if (!(await page.getByRole('heading', { name: /Authorised use only/ }).isVisible()))
        throw new Error('the computer-misuse warning was not shown');
      await painted(page);
      const warning = performance.now() - started;
      await accept.click();
      await page.getByRole('heading', { name: 'Insert or tap your smartcard' }).waitFor({ state: 'visible' });
      await painted(page);
      const signIn = performance.now() - started;
      const { ready, at: launcherReady } = await readyLine;
      const t = ready.timings ?? {};
      const stages: Record<string, number> = {};
      let previous = 0;
      for (const [name, at] of Object.entries(t)) {
        stages[`launcher: ${name}`] = at - previous;
        previous = at;
      }
      stages['launcher: ready line read'] = launcherReady - previous;
      stages['Chromium launch (from the doorway, alongside)'] = browserUp - doorOpen;
      const bothUp = Math.max(browserUp, launcherReady);
      stages['Chromium waited for the host'] = Math.max(0, launcherReady - browserUp);
      stages['page to misuse warning painted'] = warning - bothUp;
      stages['acknowledged to sign-in painted'] = signIn - warning;
      return { stages, total: signIn };
    } finally {
      await browser.close();
    }
  } finally {
    await stopGroup(launcher);
  }
}

export async function run(): Promise<void> {
  if (!softhsmAvailable()) {
    process.stdout.write('startup: skipped — SoftHSM2 is not installed (apt-get install softhsm2)\n');
    return;
  }
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    process.stdout.write(
      'startup: skipped — run `npm run build` first (the goal is measured after a build)\n',
    );
    return;
  }
  ensureStore();
  const dataDir = prepareDataDir();
  const profileDir = join(benchDir, 'chromium-profile');
  rmSync(profileDir, { recursive: true, force: true });
  // Card provisioning is reused, as `npm start` reuses it: one untimed launch copies the cards in.
  await launchOnce(dataDir, join(benchDir, 'chromium-profile-setup'));
  rmSync(join(benchDir, 'chromium-profile-setup'), { recursive: true, force: true });
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const dropped = dropFromCache([
    join(root, 'dist'),
    dataDir,
    join(root, 'node_modules'),
    join(root, 'main'),
    join(root, 'test'),
    '/usr/lib/chromium',
  ]);
  const cold = await launchOnce(dataDir, profileDir);
  const warm: Launch[] = [];
  for (let i = 0; i < WARM_RUNS; i += 1) warm.push(await launchOnce(dataDir, profileDir));
  const rows = Object.keys(cold.stages);
  process.stdout.write(
    `audit store ${ENTRIES.toLocaleString('en-GB')} entries; load average ${load} (at the start)\n` +
      `cold: ${dropped} files dropped from the page cache first, new Chromium profile; warm: median of ${WARM_RUNS}\n` +
      `  stage                                         cold ms   warm ms\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `  ${row.padEnd(44)} ${(cold.stages[row] ?? NaN).toFixed(0).padStart(8)} ${median(
        warm.map((w) => w.stages[row] ?? NaN),
      )
        .toFixed(0)
        .padStart(9)}\n`,
    );
  }
  const warmTotal = median(warm.map((w) => w.total));
  process.stdout.write(
    `  process start → sign-in painted, cold    ${cold.total.toFixed(0).padStart(8)} ms  (goal < 3000: ${cold.total < 3000 ? 'met' : 'MISSED'})\n` +
      `  process start → sign-in painted, warm    ${warmTotal.toFixed(0).padStart(8)} ms  (goal < 1500: ${warmTotal < 1500 ? 'met' : 'MISSED'}; runs ${warm.map((w) => w.total.toFixed(0)).join(', ')})\n` +
      `  load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (at the end)\n`,
  );
}
