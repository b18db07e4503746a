// The test host's local launch channel and `smsp launch` (issue 14): only this OS user can open
// it, one JSON line each way, and the command's exit codes.
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLaunchChannel, sendLaunchRequest, type LaunchChannel } from '../../../main/launch/channel';
import type { LaunchOutcome } from '../../../main/launch/service';
import { run } from '../../../main/cli/launch';
import { silentLogger } from '../../../main/log/logger';

const open: LaunchChannel[] = [];
afterEach(async () => {
  for (const channel of open.splice(0)) await channel.close();
  vi.restoreAllMocks();
});

async function channel(
  answer: (url: string) => LaunchOutcome,
  dir = mkdtempSync(join(tmpdir(), 'smsp-launch-')),
) {
  const seen: string[] = [];
  const opened = await openLaunchChannel(
    dir,
    async (url) => {
      seen.push(url);
      return answer(url);
    },
    silentLogger,
  );
  open.push(opened);
  return { dir, seen, path: opened.path };
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out };
}

describe.skipIf(process.platform === 'win32')('launch channel (Unix socket)', () => {
  it('listens on a 0600 socket in a data folder closed to other users', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsp-launch-'));
    chmodSync(dir, 0o755);
    const { path } = await channel(() => ({ outcome: 'opened', message: 'Opened' }), dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('carries one URL in and one outcome out', async () => {
    const { seen, path } = await channel(() => ({ outcome: 'waiting', message: 'Waiting' }));
    const url = 'scr-desktop://patient?nhsNumber=9000000009&source=PMR';
    expect(await sendLaunchRequest(path, url)).toEqual({ outcome: 'waiting', message: 'Waiting' });
    expect(seen).toEqual([url]);
  });

  it('refuses a request that is not one JSON line with a URL, or is too long, without handling it', async () => {
    const { seen, path } = await channel(() => ({ outcome: 'opened', message: 'Opened' }));
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const socket = connect(path, () => socket.write(text));
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
      });
    expect(JSON.parse(await raw('nhsNumber=9000000009\n'))).toMatchObject({ outcome: 'refused' });
    expect(JSON.parse(await raw(`{"url":"${'x'.repeat(5000)}"}`))).toMatchObject({
      outcome: 'refused',
      message: 'Refused: the request is too long.',
    });
    expect(seen).toEqual([]);
  });

  it('replaces a socket left behind by a stopped app, but never one in use or a file that is not a socket', async () => {
    const { dir } = await channel(() => ({ outcome: 'opened', message: 'Opened' }));
    await expect(
      openLaunchChannel(dir, async () => ({ outcome: 'opened', message: '' }), silentLogger),
    ).rejects.toThrow(/already using this data folder/);
    const other = mkdtempSync(join(tmpdir(), 'smsp-launch-'));
    writeFileSync(join(other, 'launch.sock'), 'not a socket');
    await expect(
      openLaunchChannel(other, async () => ({ outcome: 'opened', message: '' }), silentLogger),
    ).rejects.toThrow(/not a socket/);
  });

  it('smsp launch prints one JSON line and exits 0 opened/waiting/confirm, 3 refused, 4 no app, 2 usage', async () => {
    let next: LaunchOutcome = { outcome: 'opened', message: 'Opened' };
    const { dir } = await channel(() => next);
    const url = 'scr-desktop://patient?nhsNumber=9000000009';
    for (const outcome of ['opened', 'waiting', 'confirm'] as const) {
      next = { outcome, message: outcome };
      const { code, out } = await cli([url, '--data-dir', dir]);
      expect([code, JSON.parse(out)]).toEqual([0, { outcome, message: outcome }]);
    }
    next = { outcome: 'refused', message: 'Refused: no' };
    expect(await cli([url, '--data-dir', dir])).toMatchObject({ code: 3 });
    const empty = mkdtempSync(join(tmpdir(), 'smsp-launch-'));
    const none = await cli([url, '--data-dir', empty]);
    expect(none.code).toBe(4);
    expect(none.out).toMatch(/^smsp launch: No SCR Desktop app is running/);
    expect((await cli([])).code).toBe(2);
    expect((await cli([url, 'extra'])).code).toBe(2);
    expect((await cli([url, '--data-dir'])).code).toBe(2);
  });
});
