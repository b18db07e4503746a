// startCardService with a fake launcher: token list diffs become inserted/removed events, and a
// monitor that cannot be kept alive fails closed (every card reported gone, so the session locks).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardEvent, CardToken } from '../../../native/pkcs11/card-service';
import type { Pkcs11ChildHandle, Pkcs11Launcher } from '../../../native/pkcs11/launcher';
import { isRequestMessage } from '../../../native/pkcs11/protocol';
import { startCardService } from '../../../native/pkcs11/start';

const card: CardToken = { slotId: '01', label: 'PHARMACIST, Test', serial: 'abc', manufacturer: 'fake' };

/** Monitors answer scans with `tokens` (and die at once while `monitorDead`); sessions log in. */
interface FakeState {
  tokens: CardToken[];
  monitorDead: boolean;
  /** How long the fake session process takes to answer a login. */
  loginMs?: number;
}

function fakeLauncher(state: FakeState): Pkcs11Launcher {
  return {
    launch({ name }): Pkcs11ChildHandle {
      const onMessage: Array<(m: unknown) => void> = [];
      const onExit: Array<(c: number | null) => void> = [];
      let exited = false;
      const exit = () => {
        if (exited) return;
        exited = true;
        setTimeout(() => onExit.forEach((l) => l(1)), 1);
      };
      return {
        pid: undefined,
        send(message) {
          if (exited || !isRequestMessage(message)) return;
          if (name === 'monitor' && state.monitorDead) return exit();
          const op = message.request.op;
          const value =
            op === 'scan'
              ? state.tokens
              : op === 'login'
                ? { token: card, certificateDer: new Uint8Array(1) }
                : 'ok';
          const delay = op === 'login' ? (state.loginMs ?? 1) : 1;
          setTimeout(() => onMessage.forEach((l) => l({ id: message.id, ok: true, value })), delay);
        },
        onMessage: (l) => void onMessage.push(l),
        onExit: (l) => void onExit.push(l),
        kill: exit,
      };
    },
  };
}

describe('card service events (fake PKCS#11 processes)', () => {
  let dir: string;
  let module: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smsp-cs-unit-'));
    module = join(dir, 'fake-module.so');
    await writeFile(module, '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns token list changes into events, and reports every card gone when the monitor gives up', async () => {
    const state: FakeState = { tokens: [], monitorDead: false };
    const service = await startCardService({
      modules: [module],
      module,
      launcher: fakeLauncher(state),
      pollMs: 10,
      maxRestarts: 2,
    });
    const events: CardEvent[] = [];
    service.onEvent((e) => events.push(e));
    try {
      state.tokens = [card];
      await expect.poll(() => events.map((e) => e.type)).toEqual(['inserted']);
      expect(service.tokens()).toEqual([card]);
      state.monitorDead = true;
      await expect.poll(() => service.status().monitor.state, { timeout: 5_000 }).toBe('failed');
      expect(events.map((e) => e.type)).toEqual(['inserted', 'removed']);
      expect(service.tokens()).toEqual([]);
      expect(service.status().monitor.reason).toMatch(/gave up after 2 restarts/);
      // No new sessions without a monitor to see the card leave.
      const pin = Buffer.from('123456');
      await expect(service.login(card, pin)).rejects.toMatchObject({ code: 'CARD_MODULE_FAILED' });
      expect([...pin].every((b) => b === 0)).toBe(true);
    } finally {
      await service.close();
    }
  });

  it('refuses a login that completes after its card has left', async () => {
    const state: FakeState = { tokens: [card], monitorDead: false, loginMs: 200 };
    const service = await startCardService({
      modules: [module],
      module,
      launcher: fakeLauncher(state),
      pollMs: 10,
    });
    try {
      expect(service.tokens()).toEqual([card]);
      const pending = service.login(card, Buffer.from('123456'));
      state.tokens = [];
      await expect(pending).rejects.toMatchObject({ code: 'CARD_REMOVED' });
      await expect(service.sign(new Uint8Array([1]))).rejects.toMatchObject({ code: 'CARD_ABSENT' });
    } finally {
      await service.close();
    }
  });
});
