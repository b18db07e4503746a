// The session end to end in main, on real SoftHSM2 tokens (the training cards, moved in and out
// of the reader), the real PKCS#11 processes, and the identity service over HTTPS with mutual
// TLS and its CA pinned: each card case from issue 5.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { AppError } from '../../../main/api/app-error';
import type { AuditEventInput } from '../../../main/audit/sink';
import { createSession } from '../../../main/auth/session';
import type { SessionService } from '../../../main/auth/session-service';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';
import type { SpineClient } from '../../../main/spine/client';
import type { AuthState } from '../../../preload/contract';
import type { TrainingCards } from '../../smartcard/cards';
import { trainingClientId, trainingClientKeyFile } from '../../spine-sandbox/identity/index';
import { softhsmAvailable } from '../../smartcard/softhsm';
import {
  cardMover,
  startIdentityServer,
  tempDir,
  trainingCardsIn,
  until,
  type IdentityServer,
} from './support';

const noSpine = {} as SpineClient;

describe.skipIf(!softhsmAvailable())('clinical session on SoftHSM2 cards and the identity service', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let cards: TrainingCards;
  let identity: IdentityServer;
  let session: SessionService | null = null;
  let audited: AuditEventInput[] = [];
  let inReader: string | null = null;

  beforeAll(async () => {
    dir = await tempDir('smsp-auth-int-');
    cards = await trainingCardsIn(dir.path);
    identity = await startIdentityServer(dir.path, cards.caCertFile);
  }, 120_000);

  afterAll(async () => {
    await identity?.close();
    await dir?.remove();
  });

  afterEach(async () => {
    await session?.close();
    session = null;
    if (inReader) await cardMover(cards).remove(inReader);
    inReader = null;
  });

  async function open(overrides: Record<string, unknown> = {}): Promise<SessionService> {
    audited = [];
    const dataDir = join(dir.path, 'data');
    await mkdir(dataDir, { recursive: true });
    const config = AppConfig.parse({
      environment: 'training',
      workstation: 'WS-INT',
      smartcard: {
        modules: [cards.module],
        module: cards.module,
        env: { SOFTHSM2_CONF: cards.conf },
        pollMs: 100,
      },
      identity: {
        provider: 'cis',
        url: identity.url,
        caFile: identity.tls.caFile,
        clientCertFile: identity.tls.clientCertFile,
        clientKeyFile: identity.tls.clientKeyFile,
      },
      ...overrides,
    });
    session = await createSession({
      config,
      dataDir,
      log: silentLogger,
      events: new EventBus(),
      audit: {
        record: async (event) => {
          audited.push(event);
          return { sequence: audited.length };
        },
      },
      spine: noSpine,
      platform: { host: 'test-host' },
    });
    return session;
  }

  async function insert(s: SessionService, id: string) {
    await cardMover(cards).insert(id);
    inReader = id;
    await until(() => s.state().stage === 'card-present', `card ${id} to be seen`);
  }

  async function remove(id: string) {
    await cardMover(cards).remove(id);
    inReader = null;
  }

  async function failure(promise: Promise<AuthState>): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  const pin = (digits: string) => Buffer.from(digits);

  it('PHARMACIST: one role with access; card out locks, same card + passcode unlocks', async () => {
    const s = await open();
    await insert(s, '555000000001');
    const buffer = pin('123456');
    const state = await s.login(buffer);
    expect(buffer.every((byte) => byte === 0)).toBe(true);
    expect(state.user).toEqual({ uuid: '555000000001', displayName: 'PHARMACIST, Test' });
    expect(state.roles).toEqual([
      expect.objectContaining({
        roleProfileId: '555000000101',
        odsCode: 'FQ001',
        organisationName: 'Riverside Pharmacy',
        jobRoleCode: 'S8000:G8000:R1290',
        activityCodes: ['B0264', 'B0370', 'B0401', 'B0168'],
        hasAccess: true,
      }),
    ]);
    const working = await s.selectRole('555000000101');
    expect(working.features).toEqual(
      expect.arrayContaining(['patients.search', 'scr.view', 'scr.emergencyAccess']),
    );
    await remove('555000000001');
    await until(() => s.state().stage === 'locked', 'the lock on card removal');
    expect(s.rbacSubject()).toBeNull();
    await cardMover(cards).insert('555000000001');
    inReader = '555000000001';
    await until(() => s.state().cardPresent === true, 'the card back in the reader');
    expect((await s.unlock(pin('123456'))).stage).toBe('role-selected');
    expect(JSON.stringify(audited)).not.toContain('123456');
  });

  it('GENERALPRACTICE: the GP role may set consent, upload and see sensitive records', async () => {
    const s = await open();
    await insert(s, '555000000002');
    await s.login(pin('234567'));
    const state = await s.selectRole('555000000201');
    expect(state.features).toEqual(
      expect.arrayContaining(['consent.set', 'gpSummary.upload', 'patients.viewSensitive']),
    );
  });

  it('GOVERNANCE: the Privacy Officer may view the audit trail but not search for patients', async () => {
    const s = await open();
    await insert(s, '555000000003');
    await s.login(pin('345678'));
    const state = await s.selectRole('555000000301');
    expect(state.features).toContain('audit.view');
    expect(state.features).not.toContain('patients.search');
  });

  it('NOROLES: refused with the Registration Authority message', async () => {
    const s = await open();
    await insert(s, '555000000004');
    const error = await failure(s.login(pin('456789')));
    expect(error.code).toBe('NO_ROLES');
    expect(error.message).toContain('contact your Registration Authority');
    expect(s.state().user).toBeNull();
  });

  it('LOCUM: two roles; the choice is remembered for this user on this workstation', async () => {
    const s = await open();
    await insert(s, '555000000005');
    const listed = await s.login(pin('567890'));
    expect(listed.roles.map((role) => role.odsCode)).toEqual(['FQ001', 'FQ002']);
    await s.selectRole('555000000502');
    await s.logout();
    const again = await s.login(pin('567890'));
    expect(again.lastRoleProfileId).toBe('555000000502');
  });

  it('EXPIRED: an expired card certificate is refused', async () => {
    const s = await open();
    await insert(s, '555000000006');
    const error = await failure(s.login(pin('678901')));
    expect(error.code).toBe('CERTIFICATE_EXPIRED');
    expect(s.state().stage).toBe('card-present');
  });

  it('wrong passcode: PIN_INCORRECT with what the token says, and the right one still works', async () => {
    const s = await open();
    await insert(s, '555000000001');
    const error = await failure(s.login(pin('000000')));
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.message).toMatch(/passcode is not right/);
    expect(audited.map((entry) => `${entry.type}:${entry.outcome}`)).toContain('session.login:failure');
    expect((await s.login(pin('123456'))).stage).toBe('authenticated');
  });

  it('a different card while locked ends the first session before the second user signs in', async () => {
    const s = await open();
    const ended: string[] = [];
    s.onEnded((event) => void ended.push(`${event.userUuid}:${event.reason}`));
    await insert(s, '555000000001');
    await s.login(pin('123456'));
    await s.selectRole('555000000101');
    await remove('555000000001');
    await until(() => s.state().stage === 'locked', 'the lock');
    await insert(s, '555000000002');
    expect(ended).toEqual(['555000000001:different-card']);
    expect(s.state().user).toBeNull();
    expect((await s.login(pin('234567'))).user?.displayName).toBe('GENERALPRACTICE, Test');
  });

  it('CIS2: the same card signs the OIDC card assertion and the session gets the roles from userinfo', async () => {
    const s = await open({
      identity: {
        provider: 'cis2',
        url: identity.url,
        caFile: identity.tls.caFile,
        clientCertFile: identity.tls.clientCertFile,
        clientKeyFile: identity.tls.clientKeyFile,
        cis2: {
          clientId: trainingClientId,
          privateKeyFile: trainingClientKeyFile(join(dir.path, 'identity')),
        },
      },
    });
    await insert(s, '555000000003');
    const state = await s.login(pin('345678'));
    expect(state.user?.displayName).toBe('GOVERNANCE, Test');
    expect(state.roles.map((role) => [role.roleProfileId, role.hasAccess])).toEqual([['555000000301', true]]);
    expect(audited.find((entry) => entry.type === 'session.login')?.detail).toMatchObject({
      provider: 'cis2',
    });
  });

  it('refuses an identity service whose certificate does not chain to the pinned CA', async () => {
    const other = await tempDir('smsp-auth-other-');
    try {
      const { createTlsFiles } = await import('../../unit/auth/pki');
      const foreign = await createTlsFiles(other.path, 'CN=Someone Else CA, O=elsewhere');
      const s = await open({
        identity: {
          provider: 'cis',
          url: identity.url,
          caFile: foreign.caFile,
          clientCertFile: identity.tls.clientCertFile,
          clientKeyFile: identity.tls.clientKeyFile,
        },
      });
      await insert(s, '555000000001');
      const error = await failure(s.login(pin('123456')));
      expect(error.code).toBe('TLS_ERROR');
      expect(s.state().user).toBeNull();
    } finally {
      await other.remove();
    }
  });
});
