// Never losing an entry: a process appending entries and reporting each committed sequence
// number is killed with SIGKILL at random moments. After every kill, every reported entry is in
// the store and the whole chain verifies (issue 6 proof).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../../../native/sqlite';
import { AuditStore } from '../../../main/audit/store';

const root = resolve(import.meta.dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'smsp-crash-'));
const bundleDir = mkdtempSync(join(tmpdir(), 'smsp-crash-bundle-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  // The witness folder sits beside the audit folder (witnessDirFor), so it goes too.
  rmSync(`${dataDir}-witness`, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

// The child and its worker are bundled the way esbuild.config.mjs bundles the app (CommonJS,
// worker as a sibling audit-worker.cjs), so each round starts in milliseconds and the crash
// test also exercises the bundled worker path.
beforeAll(async () => {
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: ['better-sqlite3-multiple-ciphers'],
    logLevel: 'error' as const,
    nodePaths: [join(root, 'node_modules')],
  };
  await build({
    ...common,
    entryPoints: [join(import.meta.dirname, 'append-child.ts')],
    outfile: join(bundleDir, 'child.cjs'),
  });
  await build({
    ...common,
    entryPoints: [join(root, 'main/audit/store-worker.ts')],
    outfile: join(bundleDir, 'audit-worker.cjs'),
  });
});

const ROUNDS = 20;

/** Runs the child until it has reported at least one entry, then kills it after a random delay. */
function round(killAfterMs: number): Promise<number[]> {
  return new Promise((resolveRound, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'append-child.ts'), dataDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const reported: number[] = [];
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child never reported an entry:\n${stderr}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') return;
      reported.push(Number(line));
      if (!timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}:\n${stderr}`));
      else resolveRound(reported);
    });
  });
}

describe('audit store under SIGKILL', () => {
  it(`keeps every reported entry and a valid chain across ${ROUNDS} kills`, async () => {
    const everReported = new Set<number>();
    let totalReported = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const reported = await round(5 + Math.floor(Math.random() * 150));
      expect(reported.length).toBeGreaterThan(0);
      reported.forEach((s) => everReported.add(s));
      totalReported += reported.length;

      const store = AuditStore.open(join(dataDir, 'audit.db'), readKeyFile(join(dataDir, 'audit.key')));
      try {
        const check = store.checkChain();
        expect(check.firstBad).toBeNull();
        const head = store.chainHead().sequence;
        // Every sequence number ever reported as committed is present (sequences have no gaps,
        // so present means at most the head).
        expect(Math.max(...everReported)).toBeLessThanOrEqual(head);
        expect(check.entries).toBe(head);
      } finally {
        store.close();
      }
    }
    expect(everReported.size).toBe(totalReported);
  }, 110_000);
});
