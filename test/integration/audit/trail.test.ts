// The audit trail as the app uses it: entries committed in the worker thread, attributed to the
// acting user, searchable, and refused (fail closed) when the store cannot be opened or written.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { AppError } from '../../../main/api/app-error';
import { attachActor, openAuditTrail, type AuditTrail } from '../../../main/audit/trail';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';

let dir: string;
const opened: AuditTrail[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-trail-'));
});
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
  rmSync(dir, { recursive: true, force: true });
  // The witness folder sits beside the audit folder (witnessDirFor), so it goes too.
  rmSync(`${dir}-witness`, { recursive: true, force: true });
});

async function open(events = new EventBus(), config: Partial<AppConfig> = {}): Promise<AuditTrail> {
  const trail = await openAuditTrail({
    config: AppConfig.parse({ workstation: 'PHARM-01', asid: '200000001234', ...config }),
    dataDir: dir,
    log: silentLogger,
    events,
    platform: { host: 'test-host' },
  });
  opened.push(trail);
  return trail;
}

const actor = {
  userUuid: '555021935107',
  displayName: 'PHARMACIST, Ann',
  roleProfileId: '555021936108',
  jobRoleCode: 'S8000:G8000:R8008',
  odsCode: 'FA123',
};

describe('openAuditTrail', () => {
  it('commits entries with sequence numbers, the actor, workstation and ASID, and finds them again', async () => {
    const trail = await open();
    attachActor(trail, () => actor);
    const a = await trail.record({ type: 'session.login', outcome: 'success' });
    const b = await trail.record({
      type: 'scr.view',
      outcome: 'success',
      nhsNumber: '9990402132',
      messageId: 'MSG-1',
      accessReason: 'emergency',
      accessReasonText: 'Patient unconscious',
      detail: { pin: '1234', section: 'medications' },
    });
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    const page = await trail.reader.search({ nhsNumber: '9990402132', page: 1, pageSize: 25 });
    expect(page.total).toBe(1);
    const entry = page.entries[0];
    expect(entry).toMatchObject({
      sequence: 2,
      type: 'scr.view',
      userUuid: actor.userUuid,
      roleProfileId: actor.roleProfileId,
      odsCode: 'FA123',
      workstation: 'PHARM-01',
      asid: '200000001234',
      accessReason: 'emergency',
      accessReasonText: 'Patient unconscious',
    });
    expect(entry?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entry?.tzOffset).toMatch(/^[+-]\d\d:\d\d$/);
    // No PIN ever reaches the trail.
    expect(entry?.detail).not.toContain('1234');
    expect((await trail.reader.search({ user: 'pharmacist', page: 1, pageSize: 25 })).total).toBe(2);
    expect((await trail.reader.search({ eventType: 'session.', page: 1, pageSize: 25 })).total).toBe(1);
    expect((await trail.reader.search({ messageId: 'MSG-1', page: 1, pageSize: 25 })).total).toBe(1);
  });

  it('continues the sequence after a restart', async () => {
    const first = await open();
    await first.record({ type: 'app.start', outcome: 'info' });
    await first.close();
    opened.splice(0);
    const second = await open();
    expect((await second.record({ type: 'app.start', outcome: 'info' })).sequence).toBe(2);
  });

  it('keeps no plaintext NHS number or name in the database file or its WAL', async () => {
    const trail = await open();
    attachActor(trail, () => actor);
    await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
    const files = () => ['audit.db', 'audit.db-wal'].filter((f) => existsSync(join(dir, f)));
    const leaks = () =>
      files().filter((f) => {
        const bytes = readFileSync(join(dir, f));
        return bytes.includes(Buffer.from('9990402132')) || bytes.includes(Buffer.from('PHARMACIST'));
      });
    // While open the entry sits in the WAL; after close it is checkpointed into the database.
    expect(files()).toContain('audit.db-wal');
    expect(leaks()).toEqual([]);
    await trail.close();
    opened.splice(0);
    expect(leaks()).toEqual([]);
  });

  it('fails closed with AUDIT_UNAVAILABLE and an event when the key does not match', async () => {
    const trail = await open();
    await trail.record({ type: 'app.start', outcome: 'info' });
    await trail.close();
    opened.splice(0);
    const before = readFileSync(join(dir, 'audit.db'));
    writeFileSync(join(dir, 'audit.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
    const events = new EventBus();
    const seen: string[] = [];
    events.subscribe((name, payload) => seen.push(`${name}:${JSON.stringify(payload)}`));
    const broken = await open(events);
    expect(broken.status().available).toBe(false);
    const rejection = await broken.record({ type: 'scr.view', outcome: 'success' }).catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(AppError);
    expect((rejection as AppError).code).toBe('AUDIT_UNAVAILABLE');
    expect((rejection as AppError).message).toMatch(/key does not match.*clinical functions are stopped/);
    expect(seen.some((s) => s.startsWith('audit.unavailable'))).toBe(true);
    expect(readFileSync(join(dir, 'audit.db')).equals(before)).toBe(true);
  });

  it('refuses a key file readable by others', async () => {
    writeFileSync(join(dir, 'audit.key'), randomBytes(32).toString('hex'));
    chmodSync(join(dir, 'audit.key'), 0o644);
    const trail = await open();
    expect(trail.status().available).toBe(false);
    await expect(trail.record({ type: 'x', outcome: 'info' })).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
    });
  });

  it('refuses a basic_text key store unless the administrator allows it', async () => {
    const platform = {
      host: 'electron' as const,
      auditKeys: { protection: 'basic-text' as const, loadOrCreate: async () => randomBytes(32) },
    };
    const make = (allow: boolean) =>
      openAuditTrail({
        config: AppConfig.parse({ audit: { allowBasicTextKeyStore: allow } }),
        dataDir: dir,
        log: silentLogger,
        events: new EventBus(),
        platform,
      });
    const refused = await make(false);
    opened.push(refused);
    expect(refused.status().message).toMatch(/no secure key store/);
    await refused.close();
    const allowed = await make(true);
    opened.push(allowed);
    expect((await allowed.record({ type: 'x', outcome: 'info' })).sequence).toBe(1);
  });

  // A full disk needs a small filesystem of its own: root mounts a 2 MiB tmpfs (and removes it).
  const asRoot = process.getuid?.() === 0;
  it.skipIf(!asRoot)(
    'fails closed when the disk is full, without a gap in the sequence, and recovers',
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), 'smsp-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint]);
      const trails: AuditTrail[] = [];
      try {
        const events = new EventBus();
        const seen: string[] = [];
        events.subscribe((name) => seen.push(name));
        const trail = await openAuditTrail({
          config: AppConfig.parse({ workstation: 'PHARM-01' }),
          dataDir: mountPoint,
          log: silentLogger,
          events,
          platform: { host: 'test-host' },
        });
        trails.push(trail);
        let last = (await trail.record({ type: 'a', outcome: 'info' })).sequence;
        // Fill what is left of the filesystem.
        const filler = join(mountPoint, 'filler');
        try {
          writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
        } catch {
          // ENOSPC: the file holds whatever fitted
        }
        let failure: unknown = null;
        for (let i = 0; i < 5_000 && failure === null; i += 1) {
          try {
            last = (await trail.record({ type: 'b', outcome: 'info', detail: { text: 'x'.repeat(500) } }))
              .sequence;
          } catch (error) {
            failure = error;
          }
        }
        expect(failure).toBeInstanceOf(AppError);
        expect((failure as AppError).code).toBe('AUDIT_UNAVAILABLE');
        expect((failure as AppError).message).toMatch(/disk is full/);
        expect(seen).toContain('audit.unavailable');
        expect(trail.status().available).toBe(false);
        rmSync(filler);
        // Space again: the next entry follows the last committed one, nothing was skipped.
        expect((await trail.record({ type: 'c', outcome: 'info' })).sequence).toBe(last + 1);
        expect(trail.status().available).toBe(true);
      } finally {
        for (const t of trails) await t.close();
        execFileSync('umount', [mountPoint]);
        rmSync(mountPoint, { recursive: true, force: true });
        rmSync(`${mountPoint}-witness`, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(asRoot)('fails closed when the database cannot be written (read-only folder)', async () => {
    const trail = await open();
    await trail.record({ type: 'a', outcome: 'info' });
    chmodSync(join(dir, 'audit.db'), 0o400);
    chmodSync(join(dir, 'audit.db-wal'), 0o400);
    chmodSync(dir, 0o500);
    try {
      await expect(trail.record({ type: 'b', outcome: 'info' })).rejects.toMatchObject({
        code: 'AUDIT_UNAVAILABLE',
      });
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
