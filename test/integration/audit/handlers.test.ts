// audit.search / audit.export through the real dispatcher and the real trail: governance roles
// (B0011 or R0001) get results and a verifiable bundle; other roles are refused in main, and the
// refusal is itself audited; reading the trail is audited before results are returned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { createRuntime, type Runtime } from '../../../main/app/runtime';
import { attachActor, openAuditTrail, type AuditTrail } from '../../../main/audit/trail';
import { verifyBundle } from '../../../main/audit/verify';
import type { RbacSubject } from '../../../main/auth/rbac';
import { signedOutSession } from '../../../main/auth/session-service';
import { AppConfig } from '../../../main/config/schema';
import { clinicalUnavailable } from '../../../main/clinical/service';
import { AuditExportResult, AuditPage } from '../../../preload/contract';
import { silentLogger } from '../../../main/log/logger';

const governance = { jobRoleCode: 'S8000:G8000:R0001', activityCodes: [] };
const pharmacist = { jobRoleCode: 'S8000:G8000:R8008', activityCodes: ['B0264', 'B0370'] };
const actor = {
  userUuid: '555021939111',
  displayName: 'GOVERNANCE, Sam',
  roleProfileId: '555021940112',
  jobRoleCode: 'S8000:G8000:R0001',
  odsCode: 'FA123',
};

let dir: string;
let trail: AuditTrail;
let runtime: Runtime;
let subject: RbacSubject | null;
const caller = { channel: 'test-host' as const, origin: 'http://127.0.0.1' };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-audit-handlers-'));
  const config = AppConfig.parse({ workstation: 'PHARM-01' });
  const events = new EventBus();
  trail = await openAuditTrail({
    config,
    dataDir: dir,
    log: silentLogger,
    events,
    platform: { host: 'test-host' },
  });
  subject = null;
  const session = { ...signedOutSession(), rbacSubject: () => subject, actor: () => actor };
  attachActor(trail, () => actor);
  runtime = createRuntime({
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
});
afterEach(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit handlers', () => {
  it('refuses other roles in main and audits the refusal', async () => {
    subject = pharmacist;
    const result = await runtime.dispatch('audit.search', {}, caller);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
    subject = governance;
    const page = await runtime.dispatch('audit.search', { eventType: 'access.refused' }, caller);
    expect(page).toMatchObject({ ok: true, value: { total: 1 } });
  });

  it('lets the governance role search, page and export; the search itself is audited first', async () => {
    for (let i = 0; i < 30; i += 1)
      await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
    subject = governance;
    const first = await runtime.dispatch('audit.search', { nhsNumber: '9990402132', pageSize: 25 }, caller);
    // 30 views + the audit.search entry carrying the searched NHS number.
    expect(first).toMatchObject({ ok: true, value: { total: 31, page: 1 } });
    const second = await runtime.dispatch('audit.search', { nhsNumber: '9990402132', page: 2 }, caller);
    expect(second.ok && AuditPage.parse(second.value).entries.length).toBe(7); // 32 now: this search added one
    const exported = await runtime.dispatch('audit.export', {}, caller);
    expect(exported.ok).toBe(true);
    const bundle = AuditExportResult.parse(exported.ok ? exported.value : null);
    // 30 views, 2 searches and the export entry, committed before the bundle was written.
    expect(bundle.entries).toBe(33);
    const verdict = await verifyBundle(bundle.folder, { trusted: [bundle.keyFingerprint] });
    expect(verdict).toMatchObject({ intact: true, trusted: true, entries: 33 });
    // The in-app result carries the same verdict the offline verifier gives.
    expect(bundle.verification).toEqual({
      intact: true,
      trusted: true,
      entries: 33,
      signer: verdict.signer,
      problems: [],
    });
  });

  it('rejects malformed criteria before the handler', async () => {
    subject = governance;
    expect(await runtime.dispatch('audit.search', { nhsNumber: '123' }, caller)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});
