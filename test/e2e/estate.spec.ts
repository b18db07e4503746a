// The Estate view end to end (issue 16): three training workstations' exports, made by the app's
// own audit store and exporter, are ingested into a real PostgreSQL cluster (plus a tampered
// bundle, an untrusted signer, a duplicate and a bundle missing from one series); the privacy
// officer signs in, finds one patient's accesses across all three workstations, reviews an
// emergency access, and sees each workstation's health. The review reaches the estate store and
// the reviewer's own trail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { AuditStore } from '../../main/audit/store';
import { OpeningHours } from '../../main/config/schema';
import { ingestBundle } from '../../main/estate/ingest';
import { openEstateStore } from '../../main/estate/open';
import { readKeyFile } from '../../native/sqlite';
import { trainingWorkstation } from '../support/estate';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { test as base, expect, openApp } from './fixtures';
import { signIn } from './login-helper';

interface Estate {
  readonly cluster: PostgresCluster;
  readonly outcomes: Record<string, string>;
}

/** The app's default hours, as the test host's configuration has them. */
const openingHours = OpeningHours.parse({});

const test = base.extend<{ estate: Estate }>({
  estate: async ({}, use) => {
    const root = mkdtempSync(join(tmpdir(), 'smsp-e2e-estate-'));
    const cluster = startPostgres();
    try {
      const store = await openEstateStore(cluster.url);
      const outcomes: Record<string, string> = {};
      const trust: string[] = [];
      const month = (m: number) => new Date(Date.UTC(2026, m - 1, 1)).toISOString();
      for (const [i, id] of ['BRANCH-01', 'BRANCH-02', 'BRANCH-03'].entries()) {
        const ws = trainingWorkstation(join(root, 'ws'), id, `FQ10${i + 1}`);
        trust.push(ws.fingerprint);
        for (const m of [9, 10, 11]) {
          ws.seed(120, new Date(Date.UTC(2026, m - 1, 26)), 20);
          const dir = ws.exportTo(join(root, `${id}-${m}`), { from: month(m), to: month(m + 1) });
          // BRANCH-03's October never arrives: a gap in its series.
          if (id === 'BRANCH-03' && m === 10) continue;
          outcomes[`${id}-${m}`] = (await ingestBundle(dir, { store, trust, openingHours })).outcome;
        }
        ws.close();
      }
      outcomes['duplicate'] = (
        await ingestBundle(join(root, 'BRANCH-01-9'), { store, trust, openingHours })
      ).outcome;
      const stranger = trainingWorkstation(join(root, 'ws'), 'BRANCH-66');
      stranger.seed(10, new Date(Date.UTC(2026, 10, 3)));
      outcomes['untrusted'] = (
        await ingestBundle(stranger.exportTo(join(root, 'stranger')), { store, trust, openingHours })
      ).outcome;
      stranger.close();
      const tampered = join(root, 'BRANCH-02-11', 'audit.ndjson');
      writeFileSync(tampered, readFileSync(tampered, 'utf8').replace('"outcome":"0"', '"outcome":"8"'));
      outcomes['tampered'] = (
        await ingestBundle(join(root, 'BRANCH-02-11'), { store, trust, openingHours })
      ).outcome;
      await store.close();
      await use({ cluster, outcomes });
    } finally {
      cluster.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
  appEnv: async ({ estate }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'smsp-e2e-estate-admin-'));
    const adminFile = join(dir, 'config.json');
    // The connection secret lives in the administrator's configuration, never in a user file.
    writeFileSync(adminFile, JSON.stringify({ estate: { store: estate.cluster.url } }), { mode: 0o600 });
    await use({ SMSP_ADMIN_CONFIG: adminFile });
    rmSync(dir, { recursive: true, force: true });
  },
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('the privacy officer finds a patient across three workstations and reviews an emergency access', async ({
  page,
  app,
  estate,
  shot,
}) => {
  expect(estate.outcomes).toMatchObject({
    'BRANCH-01-9': 'ingested',
    'BRANCH-03-11': 'ingested',
    duplicate: 'duplicate',
    untrusted: 'refused',
    tampered: 'refused',
  });
  await openApp(page, app);
  await signIn(page, 'GOVERNANCE');
  await nav(page).getByRole('button', { name: 'Estate' }).click();
  await expect(page.getByRole('heading', { name: 'Estate audit review' })).toBeVisible();

  await page.getByLabel('NHS number').fill('9000000009');
  await page.getByRole('button', { name: 'Search estate' }).click();
  const table = page.getByRole('table', { name: 'Estate audit entries' });
  await expect(table).toBeVisible();
  const workstations = await table.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(new Set(workstations)).toEqual(new Set(['BRANCH-01', 'BRANCH-02', 'BRANCH-03']));
  const patients = await table.locator('tbody tr td:nth-child(6)').allTextContents();
  expect(patients.every((p) => p === '900 000 0009')).toBe(true);
  await shot(page, 'estate-patient-search');

  const queue = page.getByRole('list', { name: 'Accesses waiting for review' });
  const waiting = page.getByRole('status').filter({ hasText: 'waiting for review' });
  await expect(waiting).toBeVisible();
  const before = Number(/^(\d+)/.exec((await waiting.textContent()) ?? '')?.[1]);
  expect(before).toBeGreaterThan(0);
  // Each access says why it waits, in words, as the workstation's own queue does.
  const reasonWords = /^(Emergency access|Legal access|Restricted record|Outside opening hours)$/;
  const why = (item: Locator) =>
    item.getByRole('list', { name: 'Why it is waiting' }).getByRole('listitem').allTextContents();
  const newest = await why(queue.locator(':scope > li').first());
  expect(newest.length).toBeGreaterThan(0);
  expect(newest.every((w) => reasonWords.test(w))).toBe(true);

  // The reason filter: only the emergency accesses, each saying so; one is reviewed.
  const reason = page.getByLabel('Reason', { exact: true });
  await reason.selectOption({ label: 'Emergency access' });
  await expect(waiting).not.toHaveText(`${before} accesses waiting for review`);
  const emergencies = Number(/^(\d+)/.exec((await waiting.textContent()) ?? '')?.[1]);
  expect(emergencies).toBeGreaterThan(0);
  expect(emergencies).toBeLessThan(before);
  for (const item of await queue.locator(':scope > li').all()) {
    expect(await why(item)).toContain('Emergency access');
  }
  const first = queue.locator(':scope > li').first();
  await first.getByLabel('Review note').fill('Patient unconscious; confirmed with the pharmacist on duty');
  await first.getByRole('button', { name: 'Mark reviewed' }).click();
  await expect(waiting).toHaveText(`${emergencies - 1} accesses waiting for review`);
  await reason.selectOption({ label: 'Any reason' });
  await expect(waiting).toHaveText(`${before - 1} accesses waiting for review`);

  const health = page.getByRole('table', { name: 'Workstation health' });
  await expect(health.getByRole('row', { name: /BRANCH-03/ })).toContainText('missing seq');
  await expect(health.getByRole('row', { name: /BRANCH-01/ })).toContainText('None');
  await expect(page.getByRole('list', { name: 'Refused bundles' })).toContainText('signer not trusted');
  await shot(page, 'estate-reviewed');

  // The review and the searches are in the privacy officer's own trail.
  const workstation = join(app.dataDir, 'workstation');
  const trail = AuditStore.open(join(workstation, 'audit.db'), readKeyFile(join(workstation, 'audit.key')));
  try {
    const types = trail.search({ page: 1, pageSize: 200, eventType: 'estate.' }).entries.map((e) => e.type);
    expect(types).toContain('estate.search');
    expect(types).toContain('estate.reviewed');
  } finally {
    trail.close();
  }
});

test('a pharmacist has no Estate view and the bridge refuses its searches', async ({ page, app }) => {
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await expect(nav(page).getByRole('button', { name: 'Estate' })).toHaveCount(0);
  const result = await page.evaluate(async () => {
    const bridge = (
      window as unknown as { smsp: { invoke: (op: string, input: object) => Promise<unknown> } }
    ).smsp;
    return bridge.invoke('estate.search', { nhsNumber: '9000000009' });
  });
  expect(result).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
});
