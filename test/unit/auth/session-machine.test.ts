// The session state machine with a fake card service and a fake clock: what a user at the card
// reader would notice (stages, errors that say what to do, locking, switching users, timeouts)
// and what the audit trail must hold (every step, never the PIN, fail closed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { AppError } from '../../../main/api/app-error';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';
import { CardError } from '../../../native/pkcs11/card-service';
import { startSessionMachine } from '../../../main/auth/session-machine';
import { createRoleMemory } from '../../../main/auth/role-memory';
import type { SessionService } from '../../../main/auth/session-service';
import { createIssuer, createSoftCard, type SoftCard } from './pki';
import {
  FakeCards,
  FakeIdentity,
  RecordingAudit,
  fakeCard,
  noAccessRole,
  pharmacistRole,
  recordEvents,
} from './fakes';

let alice: SoftCard;
let bob: SoftCard;
let nobody: SoftCard;
let mixed: SoftCard;

beforeAll(async () => {
  const ca = await createIssuer('CN=Unit SubCA, OU=CA, O=nhs');
  [alice, bob, nobody, mixed] = await Promise.all([
    createSoftCard(ca, '555000000001'),
    createSoftCard(ca, '555000000005'),
    createSoftCard(ca, '555000000004'),
    createSoftCard(ca, '555000000008'),
  ]);
});

const people = () => ({
  '555000000001': { name: 'PHARMACIST, Test', roles: [pharmacistRole] },
  '555000000005': {
    name: 'LOCUM, Test',
    roles: [
      { ...pharmacistRole, roleProfileId: '555000000501' },
      {
        ...pharmacistRole,
        roleProfileId: '555000000502',
        odsCode: 'FQ002',
        organisationName: 'Hillside Pharmacy',
      },
    ],
  },
  '555000000004': { name: 'NOROLES, Test', roles: [] },
  '555000000008': {
    name: 'ADMINONLY, Test',
    roles: [noAccessRole, { ...pharmacistRole, roleProfileId: '555000000802' }],
  },
});

interface Rig {
  session: SessionService;
  cards: FakeCards;
  identity: FakeIdentity;
  audit: RecordingAudit;
  events: ReturnType<typeof recordEvents>;
}

let dataDir: string;
let rigs: Rig[] = [];

function rig(policies: Partial<AppConfig['policies']> = {}): Rig {
  const bus = new EventBus();
  const events = recordEvents(bus);
  const cards = new FakeCards();
  const identity = new FakeIdentity(people());
  const audit = new RecordingAudit();
  const session = startSessionMachine({
    policies: AppConfig.parse({ policies }).policies,
    log: silentLogger,
    events: bus,
    audit,
    cards,
    identity,
    roles: createRoleMemory(dataDir, 'WS-TEST'),
  });
  const made = { session, cards, identity, audit, events };
  rigs.push(made);
  return made;
}

const pin = (digits: string) => Buffer.from(digits, 'utf8');

/** Fake timers and Date, but not setImmediate (settle() needs it). */
const useFakeClock = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

/** Lets queued card events settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function signIn(
  r: Rig,
  card = fakeCard(alice, '123456', 'S-ALICE'),
  role = pharmacistRole.roleProfileId,
) {
  r.cards.insert(card);
  await settle();
  await r.session.login(pin(card.pin));
  return r.session.selectRole(role);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'smsp-session-'));
});

afterEach(async () => {
  vi.useRealTimers();
  for (const r of rigs) await r.session.close();
  rigs = [];
  rmSync(dataDir, { recursive: true, force: true });
});

describe('signing in', () => {
  it('goes from no card to card present to authenticated with the roles, then to the chosen role', async () => {
    const r = rig();
    expect(r.session.state().stage).toBe('no-card');
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE'));
    await settle();
    expect(r.session.state().stage).toBe('card-present');
    expect(r.events.map((e) => e.name)).toContain('card.inserted');

    const authenticated = await r.session.login(pin('123456'));
    expect(authenticated.stage).toBe('authenticated');
    expect(authenticated.user).toEqual({ uuid: '555000000001', displayName: 'PHARMACIST, Test' });
    expect(authenticated.roles).toEqual([{ ...pharmacistRole, hasAccess: true }]);
    expect(r.session.rbacSubject()).toBeNull();

    const working = await r.session.selectRole('555000000101');
    expect(working.stage).toBe('role-selected');
    expect(working.features).toEqual(
      expect.arrayContaining(['patients.search', 'scr.view', 'scr.emergencyAccess']),
    );
    expect(working.features).not.toContain('audit.view');
    expect(r.session.rbacSubject()?.activityCodes).toContain('B0264');
    expect(r.session.actor()).toMatchObject({
      userUuid: '555000000001',
      roleProfileId: '555000000101',
      odsCode: 'FQ001',
    });
    expect(r.identity.selected).toEqual(['555000000101']);

    const stages = r.events
      .filter((e) => e.name === 'session.changed')
      .map((e) => (e.payload as { stage: string }).stage);
    expect(stages).toEqual(['card-present', 'authenticating', 'authenticated', 'role-selected']);
    expect(r.audit.types()).toEqual([
      'session.cardInserted:info',
      'session.login:success',
      'session.roleSelected:success',
    ]);
    // The login and role entries name who and which role, although the session held neither yet.
    const named = r.audit.entries.filter((e) => e.type !== 'session.cardInserted');
    expect(named.map((e) => [e.actor?.userUuid, e.actor?.roleProfileId])).toEqual([
      ['555000000001', null],
      ['555000000001', '555000000101'],
    ]);
  });

  it('says how many tries are left after a wrong passcode, zeroes every passcode buffer and never audits it', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE'));
    await settle();
    const first = await expectCode(r.session.login(pin('999999')), 'PIN_INCORRECT');
    expect(first.message).toMatch(/2 tries left/);
    const second = await expectCode(r.session.login(pin('888888')), 'PIN_INCORRECT');
    expect(second.message).toMatch(/1 try left/);
    expect(r.session.state().stage).toBe('card-present');
    await r.session.login(pin('123456'));
    expect(r.session.state().stage).toBe('authenticated');
    for (const buffer of r.cards.pinsSeen) expect(buffer.every((byte) => byte === 0)).toBe(true);
    const audited = JSON.stringify(r.audit.entries);
    for (const typed of ['999999', '888888', '123456']) expect(audited).not.toContain(typed);
    expect(r.audit.types()).toContain('session.login:failure');
  });

  it('tells a locked-card user to contact their Registration Authority or use self-service unlock', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE', new CardError('PIN_LOCKED', 'locked')));
    await settle();
    const error = await expectCode(r.session.login(pin('123456')), 'PIN_LOCKED');
    expect(error.message).toMatch(/Registration Authority/);
    expect(error.message).toMatch(/self-service unlock/);
  });

  it('refuses an expired certificate with a message about renewing the card', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE', new CardError('CERTIFICATE_EXPIRED', 'expired')));
    await settle();
    const error = await expectCode(r.session.login(pin('123456')), 'CERTIFICATE_EXPIRED');
    expect(error.message).toMatch(/expired/);
    expect(r.session.state().user).toBeNull();
  });

  it('turns away a user with no roles, saying to contact their Registration Authority', async () => {
    const r = rig();
    r.cards.insert(fakeCard(nobody, '456789', 'S-NOBODY'));
    await settle();
    const error = await expectCode(r.session.login(pin('456789')), 'NO_ROLES');
    expect(error.message).toBe(
      'You have no roles that can use this system — contact your Registration Authority.',
    );
    expect(r.session.state()).toMatchObject({ stage: 'card-present', user: null });
    expect(r.audit.types()).toContain('session.login:refused');
  });

  it('lists roles with and without access and refuses to act in one without', async () => {
    const r = rig();
    r.cards.insert(fakeCard(mixed, '111111', 'S-MIXED'));
    await settle();
    const state = await r.session.login(pin('111111'));
    expect(state.roles.map((role) => [role.roleProfileId, role.hasAccess])).toEqual([
      ['555000000801', false],
      ['555000000802', true],
    ]);
    await expectCode(r.session.selectRole('555000000801'), 'NOT_AUTHORISED');
    await expectCode(r.session.selectRole('not-mine'), 'INVALID_INPUT');
    expect((await r.session.selectRole('555000000802')).stage).toBe('role-selected');
  });

  it('fails closed: when the audit trail cannot be written the login does not complete', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE'));
    await settle();
    r.audit.failing = true;
    await expectCode(r.session.login(pin('123456')), 'AUDIT_UNAVAILABLE');
    expect(r.session.state()).toMatchObject({ stage: 'card-present', user: null });
    expect(r.session.actor()).toBeNull();
  });

  it('zeroes the passcode even when it is refused before the card is asked', async () => {
    const r = rig();
    const buffer = pin('123456');
    await expectCode(r.session.login(buffer), 'CARD_ABSENT');
    expect(buffer.every((byte) => byte === 0)).toBe(true);
    expect(r.cards.loginCalls).toBe(0);
  });

  it('does not act in a role, or unlock, when the audit trail cannot record it', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE'));
    await settle();
    await r.session.login(pin('123456'));
    r.audit.failing = true;
    await expectCode(r.session.selectRole('555000000101'), 'AUDIT_UNAVAILABLE');
    expect(r.session.state().stage).toBe('authenticated');
    expect(r.session.rbacSubject()).toBeNull();
    r.audit.failing = false;
    await r.session.selectRole('555000000101');
    await r.session.lock();
    r.audit.failing = true;
    await expectCode(r.session.unlock(pin('123456')), 'AUDIT_UNAVAILABLE');
    expect(r.session.state().stage).toBe('locked');
  });

  it('refuses an identity service answer that names someone other than the card holder', async () => {
    const r = rig();
    const impostor = fakeCard(alice, '123456', 'S-ALICE');
    r.identity.answerAs = '555000000005';
    r.cards.insert(impostor);
    await settle();
    await expectCode(r.session.login(pin('123456')), 'IDENTITY_SERVICE_ERROR');
    expect(r.session.state().user).toBeNull();
  });

  it('offers the role this user last chose on this workstation', async () => {
    const first = rig();
    const locum = fakeCard(bob, '567890', 'S-BOB');
    await signIn(first, locum, '555000000502');
    await first.session.logout();
    first.cards.remove();
    await settle();
    first.cards.insert(locum);
    await settle();
    const state = await first.session.login(pin('567890'));
    expect(state.lastRoleProfileId).toBe('555000000502');
  });

  it('drops back to the card prompt when the card leaves before a role is chosen', async () => {
    const r = rig();
    r.cards.insert(fakeCard(alice, '123456', 'S-ALICE'));
    await settle();
    await r.session.login(pin('123456'));
    r.cards.remove();
    await settle();
    expect(r.session.state()).toMatchObject({ stage: 'no-card', user: null });
  });
});

describe('card removal, locking and switching user', () => {
  it('locks at once when the card leaves (default policy) and unlocks with the same card and passcode', async () => {
    const r = rig();
    const card = fakeCard(alice, '123456', 'S-ALICE');
    await signIn(r, card);
    r.cards.remove();
    await settle();
    expect(r.session.state().stage).toBe('locked');
    expect(r.session.rbacSubject()).toBeNull();
    expect(r.events.find((e) => e.name === 'session.locked')?.payload).toEqual({ reason: 'card-removed' });
    await expectCode(r.session.unlock(pin('123456')), 'CARD_ABSENT');
    r.cards.insert(card);
    await settle();
    expect(r.session.state()).toMatchObject({ stage: 'locked', cardPresent: true });
    await expectCode(r.session.unlock(pin('000000')), 'PIN_INCORRECT');
    expect(r.session.state().stage).toBe('locked');
    const unlocked = await r.session.unlock(pin('123456'));
    expect(unlocked.stage).toBe('role-selected');
    expect(unlocked.selectedRole?.roleProfileId).toBe('555000000101');
    expect(r.audit.types()).toEqual(
      expect.arrayContaining(['session.locked:success', 'session.unlocked:success']),
    );
  });

  it('ends the session and wipes patient context before a different card can be used', async () => {
    const r = rig();
    const order: string[] = [];
    r.session.onEnded((ended) => {
      order.push(`ended:${ended.userUuid}:${ended.reason}:${r.session.state().user === null}`);
    });
    await signIn(r);
    r.cards.remove();
    await settle();
    r.events.length = 0;
    r.cards.insert(fakeCard(bob, '567890', 'S-BOB'));
    await settle();
    expect(order).toEqual(['ended:555000000001:different-card:true']);
    // The next person is told why the screen changed (issue 13: no silent logout).
    expect(r.session.state().signedOutReason).toBe('different-card');
    const stages = r.events
      .filter((e) => e.name === 'session.changed')
      .map((e) => (e.payload as { stage: string; user: unknown }).stage);
    expect(stages).toEqual(['ended', 'card-present']);
    for (const e of r.events.filter((event) => event.name === 'session.changed')) {
      expect(JSON.stringify(e.payload)).not.toContain('PHARMACIST');
    }
    const next = await r.session.login(pin('567890'));
    expect(next.user?.displayName).toBe('LOCUM, Test');
    expect(next.signedOutReason).toBeNull();
    expect(r.identity.loggedOut).toContain('555000000001');
  });

  it('logs out on card removal when the administrator chose that policy', async () => {
    const r = rig({ cardRemoval: 'logout' });
    const ended: string[] = [];
    r.session.onEnded((e) => void ended.push(e.reason));
    await signIn(r);
    r.cards.remove();
    await settle();
    expect(r.session.state()).toMatchObject({
      stage: 'no-card',
      user: null,
      signedOutReason: 'card-removed',
    });
    expect(ended).toEqual(['card-removed']);
  });

  it('keeps working when the policy says to ignore card removal', async () => {
    const r = rig({ cardRemoval: 'ignore' });
    await signIn(r);
    r.cards.remove();
    await settle();
    expect(r.session.state()).toMatchObject({ stage: 'role-selected', cardPresent: false });
    // …but another person's card still ends the session.
    r.cards.insert(fakeCard(bob, '567890', 'S-BOB'));
    await settle();
    expect(r.session.state()).toMatchObject({ stage: 'card-present', user: null });
  });

  it('locks on request and logs out on request', async () => {
    const r = rig();
    await signIn(r);
    expect((await r.session.lock()).stage).toBe('locked');
    expect(r.events.find((e) => e.name === 'session.locked')?.payload).toEqual({ reason: 'user' });
    expect((await r.session.unlock(pin('123456'))).stage).toBe('role-selected');
    expect((await r.session.logout()).stage).toBe('card-present');
    expect(r.audit.types()).toContain('session.ended:info');
  });
});

describe('timeouts (fake clock)', () => {
  it('warns before the idle timeout with a countdown, and "Stay logged in" restarts it', async () => {
    useFakeClock();
    const r = rig({ idleTimeoutMinutes: 15, idleWarningSeconds: 120 });
    await signIn(r);
    await vi.advanceTimersByTimeAsync(13 * 60_000 - 1_000);
    expect(r.events.some((e) => e.name === 'session.timeoutWarning')).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(3_000);
    const warnings = r.events.filter((e) => e.name === 'session.timeoutWarning').map((e) => e.payload);
    expect(warnings.slice(0, 4)).toEqual([
      { secondsRemaining: 120 },
      { secondsRemaining: 119 },
      { secondsRemaining: 118 },
      { secondsRemaining: 117 },
    ]);
    await r.session.staySignedIn();
    await vi.advanceTimersByTimeAsync(12 * 60_000);
    expect(r.session.state().stage).toBe('role-selected');
    expect(r.audit.types()).toContain('session.staySignedIn:success');
  });

  it('ends the session when the countdown reaches zero, and activity before the warning postpones it', async () => {
    useFakeClock();
    const r = rig({ idleTimeoutMinutes: 15, idleWarningSeconds: 120 });
    const ended: string[] = [];
    r.session.onEnded((e) => void ended.push(e.reason));
    await signIn(r);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    r.session.touch();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(r.session.state().stage).toBe('role-selected');
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 1_000);
    expect(ended).toEqual(['idle']);
    expect(r.session.state().user).toBeNull();
    expect(r.session.state().signedOutReason).toBe('idle');
  });

  it('ends the session at the absolute limit even while the user is active', async () => {
    useFakeClock();
    const r = rig({ absoluteLimitHours: 1, idleTimeoutMinutes: 15 });
    const ended: string[] = [];
    r.session.onEnded((e) => void ended.push(e.reason));
    await signIn(r);
    for (let minute = 0; minute < 61; minute += 5) {
      r.session.touch();
      await vi.advanceTimersByTimeAsync(5 * 60_000);
    }
    expect(ended).toEqual(['absolute-limit']);
    expect(r.session.state().signedOutReason).toBe('absolute-limit');
  });
});
