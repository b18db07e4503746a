// The training card reader through the real dispatcher: its insert/remove move token folders
// and the card service's monitor sees them as real PKCS#11 token changes. Outside training the
// operations are refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../main/api/handler';
import type { CardEvent } from '../../../native/pkcs11/card-service';
import { startCardService, type Pkcs11CardService } from '../../../native/pkcs11/start';
import { provisionTrainingCards, trainingRoster, type TrainingCards } from '../../smartcard/cards';
import { softhsmAvailable, softhsmModule } from '../../smartcard/softhsm';
import { testRuntime } from '../../support/runtime';

const caller: Caller = { channel: 'test-host', origin: 'http://127.0.0.1' };

describe.skipIf(!softhsmAvailable())('training card reader', () => {
  let dir: string;
  let set: TrainingCards;
  let service: Pkcs11CardService;
  const events: CardEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smsp-training-'));
    set = await provisionTrainingCards(dir);
    service = await startCardService({
      modules: [softhsmModule],
      module: softhsmModule,
      env: { SOFTHSM2_CONF: set.conf },
      pollMs: 100,
    });
    service.onEvent((e) => events.push(e));
  });

  afterAll(async () => {
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const training = () =>
    testRuntime({
      environment: 'training',
      smartcard: {
        modules: [softhsmModule],
        pollMs: 100,
        env: {},
        trainingReader: { storeDir: set.storeDir, cardsDir: set.cardsDir },
      },
    });

  async function eventually(check: () => boolean, what: string, ms = 3_000): Promise<number> {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > ms) throw new Error(`${what} not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - started;
  }

  it('lists every training card as out of the reader, with its display name', async () => {
    const result = await training().dispatch('training.cards', {}, caller);
    expect(result).toEqual({
      ok: true,
      value: {
        cards: trainingRoster.map((c) => ({ id: c.id, displayName: c.displayName, inserted: false })),
      },
    });
  });

  it('inserts a card, swaps it for another, and removes it: each a real token event', async () => {
    const runtime = training();
    const inserted = await runtime.dispatch('training.insertCard', { cardId: '555000000001' }, caller);
    expect(inserted).toMatchObject({ ok: true });
    await eventually(
      () => service.tokens().some((t) => t.label === 'PHARMACIST, Test'),
      'PHARMACIST inserted',
    );

    const swapped = await runtime.dispatch('training.insertCard', { cardId: '555000000005' }, caller);
    expect(
      swapped.ok &&
        (swapped.value as { cards: { id: string; inserted: boolean }[] }).cards.filter((c) => c.inserted),
    ).toEqual([{ id: '555000000005', displayName: 'LOCUM, Test', inserted: true }]);
    await eventually(
      () =>
        service
          .tokens()
          .map((t) => t.label)
          .join() === 'LOCUM, Test',
      'LOCUM alone in the reader',
    );
    expect(events.some((e) => e.type === 'removed' && e.token.label === 'PHARMACIST, Test')).toBe(true);

    const removed = await runtime.dispatch('training.removeCard', {}, caller);
    expect(removed).toMatchObject({ ok: true });
    await eventually(() => service.tokens().length === 0, 'the reader empty');
  });

  it('refuses an unknown card and a path-like id', async () => {
    const runtime = training();
    expect(await runtime.dispatch('training.insertCard', { cardId: '999999999999' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await runtime.dispatch('training.insertCard', { cardId: '../store' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('refuses every training operation outside the training environment', async () => {
    for (const environment of ['path-to-live', 'live'] as const) {
      const runtime = testRuntime({
        environment,
        smartcard: {
          modules: [softhsmModule],
          pollMs: 100,
          env: {},
          trainingReader: { storeDir: set.storeDir, cardsDir: set.cardsDir },
        },
      });
      for (const [op, input] of [
        ['training.cards', {}],
        ['training.insertCard', { cardId: '555000000001' }],
        ['training.removeCard', {}],
      ] as const) {
        expect(await runtime.dispatch(op, input, caller)).toMatchObject({
          ok: false,
          error: { code: 'NOT_AUTHORISED' },
        });
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(service.tokens()).toEqual([]);
  });
});
