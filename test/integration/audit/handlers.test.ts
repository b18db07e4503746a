// audit.search / audit.export through the real dispatcher and the real trail: governance roles
// (B0011 or R0001) get results and a verifiable bundle; other roles are refused in main, and the
// refusal is itself audited; reading the trail is audited before results are returned.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { AuditExportResult, AuditPage, AuditReviewQueue } from '../../../preload/contract';
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
  // The witness folder sits beside the audit folder (witnessDirFor), so it goes too.
  rmSync(`${dir}-witness`, { recursive: true, force: true });
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

describe('the privacy officer’s screen (issue 13)', () => {
  /** A second runtime on the same trail, as the Electron host builds it (save dialog, open folder). */
  const electronRuntime = (choose: (name: string) => Promise<string | null>, shown: string[]) =>
    createRuntime({
      config: AppConfig.parse({ workstation: 'PHARM-01' }),
      host: 'electron',
      log: silentLogger,
      audit: trail,
      session: { ...signedOutSession(), rbacSubject: () => subject, actor: () => actor },
      spine: runtime.services.spine,
      clinical: clinicalUnavailable(),
      exportLocation: { choose, show: (folder) => void shown.push(folder) },
      closers: [],
    });

  it('HAZ-095 exports exactly the filtered view: same entries as the search, filter in the manifest', async () => {
    for (let i = 0; i < 5; i += 1) {
      await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9990402132' });
      await trail.record({ type: 'spine.request', outcome: 'success', nhsNumber: '9990402132' });
      await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9000000009' });
    }
    subject = governance;
    const filter = { nhsNumber: '9990402132', eventType: 'scr.', hideTechnical: true };
    const page = await runtime.dispatch('audit.search', filter, caller);
    const shown = AuditPage.parse(page.ok ? page.value : null);
    expect(shown.total).toBe(5);
    const exported = await runtime.dispatch('audit.export', { filter }, caller);
    const bundle = AuditExportResult.parse(exported.ok ? exported.value : null);
    expect(bundle.entries).toBe(shown.total);
    expect(bundle.verification).toMatchObject({ intact: true, trusted: true, entries: 5 });
    const manifest = JSON.parse(readFileSync(join(bundle.folder, 'manifest.json'), 'utf8')) as {
      filter: unknown;
    };
    expect(manifest.filter).toEqual(filter);
    // Technical events are there when asked for.
    const all = await runtime.dispatch('audit.search', { nhsNumber: '9990402132' }, caller);
    expect(all.ok && AuditPage.parse(all.value).entries.some((e) => e.type === 'spine.request')).toBe(true);
  });

  it('saves where the user chose in Electron, verified there; cancelling writes nothing; only that folder opens', async () => {
    subject = governance;
    const shown: string[] = [];
    const target = join(dir, 'chosen', 'my-export');
    mkdirSync(join(dir, 'chosen'));
    const electron = electronRuntime(async () => target, shown);
    const exported = await electron.dispatch('audit.export', {}, caller);
    const bundle = AuditExportResult.parse(exported.ok ? exported.value : null);
    expect(bundle.folder).toBe(target);
    expect(existsSync(join(target, 'manifest.json'))).toBe(true);
    expect(bundle.verification).toMatchObject({ intact: true, trusted: true });
    expect(await electron.dispatch('audit.showExport', { folder: target }, caller)).toMatchObject({
      ok: true,
    });
    expect(shown).toEqual([target]);
    expect(await electron.dispatch('audit.showExport', { folder: dir }, caller)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });

    const before = AuditPage.parse(
      await trail.reader.search({ eventType: 'audit.export', page: 1, pageSize: 10 }),
    ).total;
    const cancelled = await electronRuntime(async () => null, shown).dispatch('audit.export', {}, caller);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const after = (await trail.reader.search({ eventType: 'audit.export', page: 1, pageSize: 10 })).total;
    expect(after).toBe(before);
  });

  it('HAZ-095 records a review with its note, takes it off the queue, and refuses a review of one’s own access', async () => {
    const other = { ...actor, userUuid: '555000000001', displayName: 'PHARMACIST, Test' };
    await trail.record({
      type: 'scr.access',
      outcome: 'success',
      nhsNumber: '9000000009',
      accessReason: 'emergency',
      actor: other,
    });
    await trail.record({
      type: 'scr.access',
      outcome: 'success',
      nhsNumber: '9000000009',
      accessReason: 'legal',
      actor,
    });
    subject = governance;
    const queue = await runtime.dispatch('audit.reviewQueue', {}, caller);
    const items = AuditReviewQueue.parse(queue.ok ? queue.value : null).items;
    expect(items.map((i) => [i.reasons[0], i.ownAccess])).toEqual([
      ['legal', true],
      ['emergency', false],
    ]);
    const own = items[0]?.entry.sequence ?? 0;
    const theirs = items[1]?.entry.sequence ?? 0;
    expect(
      await runtime.dispatch('audit.markReviewed', { sequence: own, note: 'fine' }, caller),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORISED' },
    });
    expect(
      await runtime.dispatch('audit.markReviewed', { sequence: theirs, note: 'Checked' }, caller),
    ).toMatchObject({
      ok: true,
    });
    const left = await runtime.dispatch('audit.reviewQueue', {}, caller);
    expect(AuditReviewQueue.parse(left.ok ? left.value : null).items.map((i) => i.entry.sequence)).toEqual([
      own,
    ]);
    const reviews = await trail.reader.search({ eventType: 'audit.reviewed', page: 1, pageSize: 10 });
    expect(reviews.entries.map((e) => [e.outcome, e.displayName, JSON.parse(e.detail ?? '{}').note])).toEqual(
      [
        ['success', 'GOVERNANCE, Sam', 'Checked'],
        ['refused', 'GOVERNANCE, Sam', undefined],
      ],
    );
  });
});
