// `npm run --silent smsp -- sandbox --port 0` prints one JSON line when ready and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { identityOf, retrievalQuery, send, syncRequest } from './client';
import type { SandboxHandle } from '../../spine-sandbox/index';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

it('prints the ready line, answers over mutual TLS, and exits on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
  dirs.push(dir);
  // tsx directly (not through npm) so the signal reaches the sandbox's own process.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/tools/smsp.ts', 'sandbox', '--port', '0', '--data-dir', dir],
    {
      cwd: join(import.meta.dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ready line in 30 s')), 30_000);
      createInterface({ input: child.stdout }).once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const ready = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(ready).sort()).toEqual(
      [
        'ca',
        'clientAsid',
        'clientCert',
        'clientKey',
        'clientPartyKey',
        'spineAsid',
        'spinePartyKey',
        'url',
      ].sort(),
    );
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    for (const file of [ready.ca, ready.clientCert, ready.clientKey])
      expect((await stat(file ?? '')).isFile()).toBe(true);
    const handle = ready as unknown as SandboxHandle;
    const { body, headers } = syncRequest(handle, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
    const reply = await send(handle.url, identityOf(handle), { path: '/sync-service', headers, body });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('QUPA_IN000009UK03');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
