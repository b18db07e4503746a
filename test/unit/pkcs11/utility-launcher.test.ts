// The Electron utilityProcess adapter against a fake utilityProcess: the bundled entry and the
// role are what get forked, the module environment is passed without main's own, messages go
// both ways, and exit/kill behave once.
import { describe, expect, it } from 'vitest';
import type { UtilityProcessApi, UtilityProcessLike } from '../../../main/electron/electron-api';
import { pkcs11EntryPath, utilityProcessLauncher } from '../../../main/electron/pkcs11-launcher';

class FakeUtilityProcess implements UtilityProcessLike {
  readonly pid = 4242;
  readonly posted: unknown[] = [];
  kills = 0;
  private readonly listeners = new Map<string, Array<(value: never) => void>>();
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  on(event: 'message' | 'exit', listener: (value: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  kill(): boolean {
    this.kills += 1;
    return true;
  }
  emit(event: 'message' | 'exit', value: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(value as never);
  }
}

function fakeApi() {
  const forks: Array<{
    path: string;
    args: string[] | undefined;
    options: unknown;
    child: FakeUtilityProcess;
  }> = [];
  const api: UtilityProcessApi = {
    fork(path, args, options) {
      const child = new FakeUtilityProcess();
      forks.push({ path, args, options, child });
      return child;
    },
  };
  return { api, forks };
}

describe('utilityProcess PKCS#11 launcher', () => {
  it('forks the bundled entry with the role and only the module environment', () => {
    const { api, forks } = fakeApi();
    process.env.SMSP_SECRET_FOR_TEST = 'must-not-leak';
    try {
      const entry = pkcs11EntryPath('/opt/scr');
      expect(entry).toBe('/opt/scr/dist/main/pkcs11-process.cjs');
      const handle = utilityProcessLauncher(api, entry).launch({
        name: 'monitor',
        env: {
          SOFTHSM2_CONF: '/cards/softhsm2.conf',
          LD_PRELOAD: '/tmp/evil.so',
          NODE_OPTIONS: '--require x',
          OPENSSL_CONF: '/tmp/crafted.cnf',
        },
      });
      expect(handle.pid).toBe(4242);
      const fork = forks[0];
      expect(fork?.path).toBe(entry);
      expect(fork?.args).toEqual(['monitor']);
      const env = (fork?.options as { env: Record<string, string> }).env;
      expect(env.SOFTHSM2_CONF).toBe('/cards/softhsm2.conf');
      expect(env.SMSP_SECRET_FOR_TEST).toBeUndefined();
      // Nothing in the configuration may preload code into the process that loads the module.
      expect(env.LD_PRELOAD).toBeUndefined();
      expect(env.NODE_OPTIONS).toBeUndefined();
      // Finding 6: an allow-list, not a deny-list — OPENSSL_CONF would load an engine library.
      expect(env.OPENSSL_CONF).toBeUndefined();
    } finally {
      delete process.env.SMSP_SECRET_FOR_TEST;
    }
  });

  it('passes messages both ways, reports exit once, and neither sends nor kills after exit', () => {
    const { api, forks } = fakeApi();
    const handle = utilityProcessLauncher(api, '/e.cjs').launch({ name: 'session', env: {} });
    const child = forks[0]?.child as FakeUtilityProcess;
    const received: unknown[] = [];
    const exits: Array<number | null> = [];
    handle.onMessage((m) => received.push(m));
    handle.onExit((c) => exits.push(c));
    handle.send({ id: 1, request: { op: 'ping' } });
    expect(child.posted).toEqual([{ id: 1, request: { op: 'ping' } }]);
    child.emit('message', { id: 1, ok: true, value: 'pong' });
    expect(received).toEqual([{ id: 1, ok: true, value: 'pong' }]);
    handle.kill();
    expect(child.kills).toBe(1);
    child.emit('exit', 9);
    child.emit('exit', 9);
    expect(exits).toEqual([9]);
    handle.send({ id: 2, request: { op: 'ping' } });
    handle.kill();
    expect(child.posted).toHaveLength(1);
    expect(child.kills).toBe(1);
  });
});
