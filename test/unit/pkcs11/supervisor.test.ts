// The watchdog with a fake launcher: crashes and hangs fail the calls in flight with
// CARD_MODULE_FAILED, the process is restarted with back-off, and the supervisor gives up after
// a bounded number of restarts and says so.
import { afterEach, describe, expect, it } from 'vitest';
import { CardError } from '../../../native/pkcs11/card-service';
import type { Pkcs11ChildHandle, Pkcs11Launcher } from '../../../native/pkcs11/launcher';
import { isRequestMessage, type Pkcs11Request } from '../../../native/pkcs11/protocol';
import { Supervisor, type SupervisorStatus } from '../../../native/pkcs11/supervisor';

type Behaviour = (request: Pkcs11Request, child: FakeChild) => unknown | 'hang' | 'crash';

class FakeChild implements Pkcs11ChildHandle {
  private static nextPid = 1000;
  readonly pid = FakeChild.nextPid++;
  private messageListeners: Array<(m: unknown) => void> = [];
  private exitListeners: Array<(c: number | null) => void> = [];
  exited = false;
  killed = false;
  constructor(private readonly behaviour: Behaviour) {}
  send(message: unknown): void {
    if (this.exited || !isRequestMessage(message)) return;
    const outcome = this.behaviour(message.request, this);
    if (outcome === 'hang') return;
    if (outcome === 'crash') {
      setTimeout(() => this.exit(139), 1);
      return;
    }
    setTimeout(() => {
      if (!this.exited)
        for (const l of this.messageListeners) l({ id: message.id, ok: true, value: outcome });
    }, 1);
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (c: number | null) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.killed = true;
    setTimeout(() => this.exit(null), 1);
  }
  exit(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    for (const l of this.exitListeners) l(code);
  }
}

function fakeLauncher(behaviour: Behaviour): Pkcs11Launcher & { children: FakeChild[] } {
  const children: FakeChild[] = [];
  return {
    children,
    launch() {
      const child = new FakeChild(behaviour);
      children.push(child);
      return child;
    },
  };
}

const configure = { op: 'configure', module: '/x.so', role: 'session', mode: 'persistent' } as const;
const supervisors: Supervisor[] = [];

function supervise(
  launcher: Pkcs11Launcher,
  extra: Partial<ConstructorParameters<typeof Supervisor>[0]> = {},
) {
  const statuses: SupervisorStatus[] = [];
  const s = new Supervisor({
    name: 'session',
    launcher,
    env: {},
    configure,
    callTimeoutMs: 200,
    backoffMs: 10,
    maxRestarts: 3,
    onStatus: (st) => statuses.push(st),
    ...extra,
  });
  supervisors.push(s);
  return { s, statuses };
}

async function failure(promise: Promise<unknown>): Promise<CardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error('expected a CardError');
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

describe('PKCS#11 process supervisor', () => {
  it('fails a call in flight with CARD_MODULE_FAILED when the process crashes, then restarts it', async () => {
    let crashNext = true;
    const launcher = fakeLauncher((req) => {
      if (req.op === 'sign' && crashNext) {
        crashNext = false;
        return 'crash';
      }
      return req.op === 'sign' ? 'signed' : 'ok';
    });
    const { s } = supervise(launcher);
    await s.start();
    const error = await failure(s.call({ op: 'sign', data: new Uint8Array([1]) }));
    expect(error.code).toBe('CARD_MODULE_FAILED');
    await expect(s.call({ op: 'sign', data: new Uint8Array([1]) })).resolves.toBe('signed');
    expect(launcher.children).toHaveLength(2);
  });

  it('kills a process that does not answer within the deadline (a deadlocked module)', async () => {
    let hang = true;
    const launcher = fakeLauncher((req) => {
      if (req.op === 'scan' && hang) {
        hang = false;
        return 'hang';
      }
      return req.op === 'scan' ? [] : 'ok';
    });
    const { s } = supervise(launcher);
    await s.start();
    const started = Date.now();
    const error = await failure(s.call({ op: 'scan' }));
    expect(error.code).toBe('CARD_MODULE_FAILED');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(launcher.children[0]?.killed).toBe(true);
    await expect(s.call({ op: 'scan' })).resolves.toEqual([]);
  });

  it('pings an idle process and restarts it when a ping goes unanswered', async () => {
    let first = true;
    const launcher = fakeLauncher((req, child) => {
      if (req.op === 'ping' && first && child.pid === launcher.children[0]?.pid) {
        first = false;
        return 'hang';
      }
      return req.op === 'ping' ? 'pong' : 'ok';
    });
    const { s } = supervise(launcher, { pingMs: 20 });
    await s.start();
    await until(() => launcher.children.length === 2 && s.status().state === 'ready');
    expect(launcher.children[0]?.killed).toBe(true);
  });

  it('gives up after the bounded number of restarts, says so, and fails calls at once', async () => {
    const launcher = fakeLauncher((req) => (req.op === 'configure' ? 'crash' : 'ok'));
    const { s, statuses } = supervise(launcher);
    const error = await failure(s.start());
    expect(error.code).toBe('CARD_MODULE_FAILED');
    expect(launcher.children).toHaveLength(4); // the first start and 3 restarts
    expect(s.status().state).toBe('failed');
    expect(statuses.at(-1)?.reason).toMatch(/gave up after 3 restarts/);
    const started = Date.now();
    expect((await failure(s.call({ op: 'scan' }))).code).toBe('CARD_MODULE_FAILED');
    expect(Date.now() - started).toBeLessThan(50);
    expect(launcher.children).toHaveLength(4);
  });

  it('waits longer between each restart (back-off)', async () => {
    const times: number[] = [];
    const launcher = fakeLauncher((req) => {
      if (req.op === 'configure') times.push(Date.now());
      return req.op === 'configure' ? 'crash' : 'ok';
    });
    const { s } = supervise(launcher, { backoffMs: 40 });
    await failure(s.start());
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(gaps).toHaveLength(3);
    expect(gaps[1] ?? 0).toBeGreaterThan((gaps[0] ?? 0) + 20);
    expect(gaps[2] ?? 0).toBeGreaterThan((gaps[1] ?? 0) + 40);
  });
});
