// Issue 12, findings 3 and 8 and the clock, through the real trail, worker, witness and
// dispatcher: the signing key lives outside the database; signed checkpoints go to a witness
// beside the audit folder; a chain cut off or changed behind the database's back is found at
// start-up or by the background check, audited, and closes clinical functions until a privacy
// officer (R0001 with B0011) acknowledges it; a clock skew against Spine's Date header is
// audited and noted in the entries that follow.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEncryptedDatabase, readKeyFile } from '../../../native/sqlite';
import { EventBus } from '../../../main/api/event-bus';
import { createRuntime, type Runtime } from '../../../main/app/runtime';
import { signingKeyFromSeed } from '../../../main/audit/signing-key';
import { auditMigrations } from '../../../main/audit/store';
import { attachActor, openAuditTrail, type AuditTrail } from '../../../main/audit/trail';
import { readWitness } from '../../../main/audit/witness';
import type { RbacSubject } from '../../../main/auth/rbac';
import { signedOutSession } from '../../../main/auth/session-service';
import { AppConfig } from '../../../main/config/schema';
import { clinicalUnavailable } from '../../../main/clinical/service';
import { silentLogger } from '../../../main/log/logger';
import { AuditIntegrity, AuditPage } from '../../../preload/contract';

const privacyOfficer = { jobRoleCode: 'S8000:G8000:R0001', activityCodes: ['B0011', 'B0015'] };
const r0001Only = { jobRoleCode: 'S8000:G8000:R0001', activityCodes: [] };
const pharmacist = { jobRoleCode: 'S8000:G8000:R8008', activityCodes: ['B0264', 'B0370'] };
const actor = {
  userUuid: '555021939111',
  displayName: 'GOVERNANCE, Sam',
  roleProfileId: '555021940112',
  jobRoleCode: 'S8000:G8000:R0001',
  odsCode: 'FQ001',
};
const caller = { channel: 'test-host' as const, origin: 'http://127.0.0.1' };

let root: string;
let dataDir: string;
let witnessFile: string;
let open: { trail: AuditTrail; runtime: Runtime; events: string[] } | null = null;
let subject: RbacSubject | null = null;

async function start(overrides: Record<string, unknown> = {}) {
  const config = AppConfig.parse({ workstation: 'PHARM-01', ...overrides });
  const events = new EventBus();
  const seen: string[] = [];
  events.subscribe((name) => seen.push(name));
  const trail = await openAuditTrail({
    config,
    dataDir,
    log: silentLogger,
    events,
    platform: { host: 'test-host' },
  });
  attachActor(trail, () => actor);
  const session = { ...signedOutSession(), rbacSubject: () => subject, actor: () => actor };
  const runtime = createRuntime({
    config,
    host: 'test-host',
    log: silentLogger,
    events,
    audit: trail,
    session,
    spine: {
      request: async () => {
        throw new Error('no Spine');
      },
      enqueue: async () => {
        throw new Error('no Spine');
      },
      outbox: async () => [],
      close: async () => undefined,
    },
    clinical: clinicalUnavailable(),
    closers: [trail.close],
  });
  open = { trail, runtime, events: seen };
  return open;
}

async function stop() {
  await open?.runtime.close();
  open = null;
}

/** Someone holding the database key, acting on the file while the app is closed. */
function tamper(sql: string) {
  const db = openEncryptedDatabase({
    file: join(dataDir, 'audit.db'),
    key: readKeyFile(join(dataDir, 'audit.key')),
    migrations: auditMigrations,
  });
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

async function recordViews(trail: AuditTrail, n: number) {
  for (let i = 0; i < n; i += 1)
    await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
}

async function entriesOfType(runtime: Runtime, eventType: string) {
  const previous = subject;
  subject = privacyOfficer;
  const page = await runtime.dispatch('audit.search', { eventType, pageSize: 200 }, caller);
  subject = previous;
  return AuditPage.parse(page.ok ? page.value : null).entries;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'smsp-integrity-'));
  dataDir = join(root, 'data');
  witnessFile = join(root, 'data-witness', 'audit-witness.ndjson');
  subject = null;
});
afterEach(async () => {
  await stop();
  rmSync(root, { recursive: true, force: true });
});

describe('finding 3: the export key and the witness live outside the audit database', () => {
  it('finding 3: the signing key is a separate 0600 file, not a table of the database', async () => {
    const { trail } = await start();
    await recordViews(trail, 3);
    const bundle = await trail.reader.exportBundle({}, actor);
    const keyFile = join(dataDir, 'audit-signing.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(bundle.keyFingerprint).toBe(signingKeyFromSeed(readKeyFile(keyFile)).fingerprint);
    await stop();
    const db = openEncryptedDatabase({
      file: join(dataDir, 'audit.db'),
      key: readKeyFile(join(dataDir, 'audit.key')),
      migrations: auditMigrations,
    });
    try {
      const tables = db
        .prepare<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
        .all();
      expect(tables.map((t) => t.name)).not.toContain('export_key');
      const blobs = db
        .prepare<{ n: number }>(`SELECT count(*) AS n FROM sqlite_schema WHERE sql LIKE '%pkcs8%'`)
        .get();
      expect(blobs?.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('finding 3: signed checkpoints go to a 0600 witness beside the audit folder at start-up, export and close', async () => {
    const { trail } = await start();
    await recordViews(trail, 4);
    await trail.reader.exportBundle({}, actor);
    const status = AuditIntegrity.parse(trail.integrity.status());
    expect(status.witness.file).toBe(witnessFile);
    expect(['journald', 'syslog', 'unavailable']).toContain(status.witness.systemLog);
    await stop();
    const reading = readWitness(witnessFile);
    expect(reading.problems).toEqual([]);
    expect(reading.checkpoints.map((c) => [c.kind, c.sequence])).toEqual([
      ['key-new', 0],
      ['start-up', 0],
      ['export', 5],
      ['close', 5],
    ]);
    expect(reading.checkpoints.every((c) => c.workstation === 'PHARM-01' && /Z$/.test(c.at))).toBe(true);
    expect(statSync(witnessFile).mode & 0o777).toBe(0o600);
    // A second start with the same key records no key change; a new key (a reinstall) is witnessed.
    await start();
    await stop();
    rmSync(join(dataDir, 'audit-signing.key'));
    const { runtime } = await start();
    const kinds = readWitness(witnessFile).checkpoints.map((c) => c.kind);
    expect(kinds.slice(4)).toEqual(['start-up', 'close', 'key-new', 'start-up']);
    const change = readWitness(witnessFile).checkpoints[6];
    expect(change?.previousKeyId).toBe(readWitness(witnessFile).checkpoints[0]?.keyId);
    expect(await entriesOfType(runtime, 'audit.key.new')).toHaveLength(1);
  });

  it('finding 3: HAZ-050 entries cut off the end are found at the next start-up, audited, and close clinical functions until a privacy officer acknowledges', async () => {
    const first = await start();
    await recordViews(first.trail, 10);
    await stop();
    tamper('DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE sequence > 7;');
    const { trail, runtime, events } = await start();
    const status = trail.integrity.status();
    expect(status).toMatchObject({ state: 'broken', clinicalClosed: true });
    expect(status.breaks[0]).toMatchObject({ foundBy: 'start-up', sequence: 8, acknowledged: null });
    expect(status.breaks[0]?.reason).toMatch(/cut off: the witness saw seq 10, the database ends at seq 7/);
    expect(events).toContain('audit.integrity');
    expect(await entriesOfType(runtime, 'audit.integrity.break')).toHaveLength(1);

    // Clinical operations are refused for everyone; the governance screen stays open.
    subject = pharmacist;
    expect(
      await runtime.dispatch('patients.search', { mode: 'nhs-number', nhsNumber: '9000000009' }, caller),
    ).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/privacy officer/) },
    });
    // R0001 alone may look but not acknowledge; R0001 with B0011 may.
    subject = r0001Only;
    expect(await runtime.dispatch('audit.integrity', {}, caller)).toMatchObject({ ok: true });
    const id = status.breaks[0]?.id ?? '';
    expect(
      await runtime.dispatch(
        'audit.acknowledgeBreak',
        { breakId: id, note: 'Investigated: restored backup' },
        caller,
      ),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
    subject = privacyOfficer;
    const acknowledged = await runtime.dispatch(
      'audit.acknowledgeBreak',
      { breakId: id, note: 'Investigated: restored backup' },
      caller,
    );
    expect(acknowledged).toMatchObject({ ok: true, value: { clinicalClosed: false } });
    const ack = await entriesOfType(runtime, 'audit.integrity.acknowledged');
    expect(ack).toHaveLength(1);
    expect(ack[0]).toMatchObject({ userUuid: actor.userUuid });
    expect(ack[0]?.detail).toMatch(/Investigated: restored backup/);
    subject = pharmacist;
    expect(
      await runtime.dispatch('patients.search', { mode: 'nhs-number', nhsNumber: '9000000009' }, caller),
    ).not.toMatchObject({
      error: { code: 'AUDIT_UNAVAILABLE' },
    });
    await stop();
    // The acknowledgement is the new baseline: the next start opens normally.
    const again = await start();
    expect(again.trail.integrity.status()).toMatchObject({ clinicalClosed: false, breaks: [] });
  });

  it('finding 3: HAZ-050 an unacknowledged break is found again at every start', async () => {
    const first = await start();
    await recordViews(first.trail, 5);
    await stop();
    tamper('DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE sequence = 5;');
    await start();
    await stop();
    const { trail } = await start();
    expect(trail.integrity.status()).toMatchObject({ clinicalClosed: true });
  });
});

describe('finding 8: the chain is checked at start-up and in full in the background', () => {
  it('finding 8: an entry changed in place behind the last checkpoint is found by the background check', async () => {
    const first = await start();
    await recordViews(first.trail, 12);
    await stop();
    tamper(
      `DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET nhs_number = '9990281025' WHERE sequence = 4;`,
    );
    const { trail } = await start();
    // The start-up part passes: the head still matches the witness.
    expect(trail.integrity.status().startupCheck).toMatchObject({ fromSequence: 12, toSequence: 12 });
    await waitFor(() => trail.integrity.status().fullCheck.state === 'done');
    expect(trail.integrity.status()).toMatchObject({
      state: 'broken',
      clinicalClosed: true,
      breaks: [{ foundBy: 'background', sequence: 4 }],
    });
    expect(trail.integrity.status().breaks[0]?.reason).toMatch(/seq 4 was changed/);
  });

  it('finding 8: an intact chain is reported intact after the full check', async () => {
    const first = await start();
    await recordViews(first.trail, 20);
    await stop();
    const { trail } = await start();
    await waitFor(() => trail.integrity.status().fullCheck.state === 'done');
    expect(trail.integrity.status()).toMatchObject({
      state: 'intact',
      clinicalClosed: false,
      fullCheck: { entries: 20 },
    });
  });
});

describe('clock: UTC with offset, time sync at start-up, skew against Spine', () => {
  it('clock: a skew beyond audit.maxClockSkewSeconds is audited, shown, and noted in the entries that follow', async () => {
    const { trail, runtime, events } = await start({ audit: { maxClockSkewSeconds: 60 } });
    trail.integrity.observeServerDate(new Date(Date.now() - 30_000).toUTCString());
    // HTTP dates have whole seconds: the skew reads 30 or 31.
    expect(trail.integrity.status().clock).toMatchObject({ withinLimit: true });
    expect([30, 31]).toContain(trail.integrity.status().clock.skewSeconds);
    trail.integrity.observeServerDate(new Date(Date.now() - 95_000).toUTCString());
    expect(trail.integrity.status().clock).toMatchObject({ withinLimit: false, limitSeconds: 60 });
    expect([95, 96]).toContain(trail.integrity.status().clock.skewSeconds);
    expect(events).toContain('audit.integrity');
    await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
    const skew = await waitForEntries(runtime, 'clock.skew', 1);
    expect(skew[0]?.detail).toMatch(/"skewSeconds":9[56]/);
    const views = await entriesOfType(runtime, 'scr.view');
    expect(views[0]?.detail).toMatch(/"clockSkew":\{"limitSeconds":60,"skewSeconds":9[56]\}/);
    expect(views[0]?.tzOffset).toMatch(/^[+-]\d\d:\d\d$/);
    trail.integrity.observeServerDate(new Date().toUTCString());
    await waitForEntries(runtime, 'clock.skew.resolved', 1);
    await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
    expect((await entriesOfType(runtime, 'scr.view'))[0]?.detail).toBeNull();
    // The time-sync status at start-up is known or honestly unknown.
    expect(['yes', 'no', 'unknown']).toContain(trail.integrity.status().clock.synchronised);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}

async function waitForEntries(runtime: Runtime, type: string, n: number) {
  for (let i = 0; i < 100; i += 1) {
    const found = await entriesOfType(runtime, type);
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${type} entry`);
}
