// The auth.* operations through the real dispatcher: the passcode is checked for shape before
// anything touches the card, failures come back as envelopes with a code and a sentence (never
// a stack), and a signed-in role opens the RBAC-gated operations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { createRuntime, type Runtime } from '../../../main/app/runtime';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';
import { startSessionMachine } from '../../../main/auth/session-machine';
import { createRoleMemory } from '../../../main/auth/role-memory';
import type { Caller } from '../../../main/api/handler';
import type { SpineClient } from '../../../main/spine/client';
import type { ClinicalService } from '../../../main/clinical/service';
import { createIssuer, createSoftCard, type SoftCard } from './pki';
import { FakeCards, FakeIdentity, RecordingAudit, fakeCard, pharmacistRole } from './fakes';

const caller: Caller = { channel: 'test-host', origin: 'http://127.0.0.1' };
let card: SoftCard;
let dataDir: string;
let runtime: Runtime | null = null;

beforeAll(async () => {
  card = await createSoftCard(await createIssuer('CN=Handlers SubCA, OU=CA, O=nhs'), '555000000001');
});

afterEach(async () => {
  await runtime?.services.session.close();
  runtime = null;
  rmSync(dataDir, { recursive: true, force: true });
});

function build() {
  dataDir = mkdtempSync(join(tmpdir(), 'smsp-auth-handlers-'));
  const cards = new FakeCards();
  const audit = new RecordingAudit();
  const events = new EventBus();
  const config = AppConfig.parse({});
  const session = startSessionMachine({
    policies: config.policies,
    log: silentLogger,
    events,
    audit,
    cards,
    identity: new FakeIdentity({ '555000000001': { name: 'PHARMACIST, Test', roles: [pharmacistRole] } }),
    roles: createRoleMemory(dataDir, 'WS'),
  });
  runtime = createRuntime({
    config,
    host: 'test-host',
    log: silentLogger,
    events,
    audit,
    session,
    spine: {} as SpineClient,
    clinical: { close: async () => undefined } as unknown as ClinicalService,
  });
  return { runtime, cards, audit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('auth operations', () => {
  it('refuses a passcode that is not 6 to 8 digits before the card is asked', async () => {
    const { runtime: rt, cards } = build();
    cards.insert(fakeCard(card, '123456', 'S1'));
    await settle();
    for (const pin of ['12345', '123456789', '12345a', '']) {
      const result = await rt.dispatch('auth.login', { pin }, caller);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(cards.loginCalls).toBe(0);
  });

  it('turns a wrong passcode into an envelope with tries left and no stack trace', async () => {
    const { runtime: rt, cards } = build();
    cards.insert(fakeCard(card, '123456', 'S1'));
    await settle();
    const result = await rt.dispatch('auth.login', { pin: '654321' }, caller);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'PIN_INCORRECT',
        message: 'The passcode is not right. You have 2 tries left before your smartcard locks.',
        detail: { triesRemaining: 2 },
      },
    });
  });

  it('signs in, selects a role, opens the RBAC-gated features, locks and logs out', async () => {
    const { runtime: rt, cards } = build();
    cards.insert(fakeCard(card, '123456', 'S1'));
    await settle();
    const login = await rt.dispatch('auth.login', { pin: '123456' }, caller);
    expect(login).toMatchObject({ ok: true, value: { stage: 'authenticated' } });
    const chosen = await rt.dispatch('auth.selectRole', { roleProfileId: '555000000101' }, caller);
    expect(chosen).toMatchObject({ ok: true, value: { stage: 'role-selected' } });
    expect(rt.services.session.rbacSubject()?.activityCodes).toContain('B0264');
    expect(await rt.dispatch('auth.activity', {}, caller)).toEqual({ ok: true, value: { ok: true } });
    expect(await rt.dispatch('auth.lock', {}, caller)).toMatchObject({
      ok: true,
      value: { stage: 'locked' },
    });
    expect(rt.services.session.rbacSubject()).toBeNull();
    expect(await rt.dispatch('auth.unlock', { pin: '123456' }, caller)).toMatchObject({
      ok: true,
      value: { stage: 'role-selected' },
    });
    expect(await rt.dispatch('auth.logout', {}, caller)).toMatchObject({
      ok: true,
      value: { stage: 'card-present' },
    });
    expect(await rt.dispatch('auth.state', {}, caller)).toMatchObject({ ok: true, value: { user: null } });
  });

  it('says to insert the card when there is none', async () => {
    const { runtime: rt } = build();
    const result = await rt.dispatch('auth.login', { pin: '123456' }, caller);
    expect(result).toMatchObject({ ok: false, error: { code: 'CARD_ABSENT' } });
  });
});
