// The audit trail end to end (issue 6): the governance lead signs in, finds the sign-in entries,
// exports a bundle that the offline verifier accepts; a pharmacist never sees the screen; and
// when the audit store cannot be written, clinical functions stop with a clear message.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { AuditStore } from '../../main/audit/store';
import { signingKeyFromSeed } from '../../main/audit/signing-key';
import { verifyBundle } from '../../main/audit/verify';
import { WITNESS_FILE, signCheckpoint } from '../../main/audit/witness';
import { test, expect, openApp } from './fixtures';
import { enterPasscode, insertCard, removeCard, signIn, signOut, trainingUsers } from './login-helper';

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('the governance lead searches the trail and exports a bundle that verifies offline', async ({
  page,
  app,
  shot,
}) => {
  await openApp(page, app);
  await signIn(page, 'GOVERNANCE');
  await nav(page).getByRole('button', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();

  const table = page.getByRole('table', { name: 'Audit entries, newest first' });
  await expect(table).toBeVisible();
  // Newest first; the sign-in of this very session is in the trail, dated DD-Mmm-YYYY HH:mm.
  await expect(table).toContainText('Signed in');
  await expect(table.locator('time').first()).toHaveText(/^\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}$/);
  await expectAccessible(page);
  await shot(page, 'audit-trail');

  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Signing in and out, locking' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { name: /entr(y|ies) — page 1/ })).toBeVisible();
  // The heading of the first search is already on screen, so wait for the new rows themselves: a
  // read straight after the click could still see the unfiltered page.
  const signInEvent = /^(Signed in|Chose a role|Signed out|Session ended|Smartcard)/;
  await expect
    .poll(async () => {
      const types = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      return types.length > 0 && types.every((t) => signInEvent.test(t));
    })
    .toBe(true);

  await page.getByLabel('NHS number').fill('123');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the NHS number — it has 10 digits');
  await page.getByLabel('NHS number').fill('');
  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Any event' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  await page.getByRole('button', { name: 'Export what is shown' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Export verified' });
  await expect(done).toBeVisible();
  const folder = (await done.locator('code').first().textContent()) ?? '';
  const fingerprint = (await done.locator('code').nth(1).textContent()) ?? '';
  await shot(page, 'audit-exported');
  const verdict = await verifyBundle(folder, { trusted: [fingerprint] });
  expect(verdict).toMatchObject({ intact: true, trusted: true });
  expect(verdict.entries).toBeGreaterThan(2);
});

test('a pharmacist has no audit screen and main refuses the call', async ({ page, app }) => {
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await expect(nav(page).getByRole('button', { name: 'Find a patient' })).toBeVisible();
  await expect(nav(page).getByRole('button', { name: 'Audit trail' })).toHaveCount(0);
  const refused = await page.evaluate(async () => {
    const bridge = (
      window as unknown as { smsp: { invoke: (op: string, input: object) => Promise<unknown> } }
    ).smsp;
    return bridge.invoke('audit.search', {});
  });
  expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
  await signOut(page);
});

test.describe('when the audit store cannot be written', () => {
  // An audit database this workstation's key cannot open (as after a key loss or a swapped
  // file): the store refuses it, never overwrites it, and the app must fail closed.
  const adminDir = mkdtempSync(join(tmpdir(), 'smsp-e2e-audit-'));
  const auditDir = join(adminDir, 'audit');
  mkdirSync(auditDir, { mode: 0o700 });
  const store = AuditStore.open(join(auditDir, 'audit.db'), randomBytes(32));
  store.close();
  const adminFile = join(adminDir, 'config.json');
  writeFileSync(adminFile, JSON.stringify({ audit: { dir: auditDir } }));
  test.use({ appEnv: { SMSP_ADMIN_CONFIG: adminFile } });
  test.afterAll(() => rmSync(adminDir, { recursive: true, force: true }));

  test('sign-in and every clinical function stop with a clear message', async ({ page, app, shot }) => {
    await openApp(page, app);
    await insertCard(page, 'PHARMACIST');
    await enterPasscode(page, trainingUsers.PHARMACIST.passcode);
    await expect(page.getByText(/audit trail cannot be written/i)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Choose your role' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Signed-in user' })).toHaveCount(0);
    await shot(page, 'audit-unavailable');
    // Nothing clinical answers either: the bridge refuses before any data is fetched.
    const search = await page.evaluate(async () => {
      const bridge = (
        window as unknown as { smsp: { invoke: (op: string, input: object) => Promise<unknown> } }
      ).smsp;
      return bridge.invoke('patients.search', { mode: 'nhs-number', nhsNumber: '9000000009' });
    });
    expect(search).toMatchObject({ ok: false });
  });
});

test.describe('when the audit chain is broken at start-up', () => {
  // The witness outside the database saw the chain reach seq 1000; this workstation's trail is
  // far shorter, so the start-up check finds entries cut off (issue 12) and closes clinical use.
  const adminDir = mkdtempSync(join(tmpdir(), 'smsp-e2e-break-'));
  const witnessDir = join(adminDir, 'witness');
  mkdirSync(witnessDir, { mode: 0o700 });
  const witnessKey = signingKeyFromSeed(randomBytes(32));
  const seen = signCheckpoint(
    { kind: 'periodic', sequence: 1000, chainHead: 'a'.repeat(64), workstation: 'PHARM-01' },
    witnessKey,
  );
  writeFileSync(join(witnessDir, WITNESS_FILE), `${JSON.stringify(seen)}\n`, { mode: 0o600 });
  const adminFile = join(adminDir, 'config.json');
  writeFileSync(adminFile, JSON.stringify({ audit: { witnessDir } }));
  test.use({ appEnv: { SMSP_ADMIN_CONFIG: adminFile } });
  test.afterAll(() => rmSync(adminDir, { recursive: true, force: true }));

  test('HAZ-060 the workspace says clinical functions are closed; the privacy officer acknowledges with a note and they reopen', async ({
    page,
    app,
    shot,
  }) => {
    await openApp(page, app);
    await signIn(page, 'PHARMACIST');
    await expect(page.getByRole('alert').filter({ hasText: 'Clinical functions closed' })).toContainText(
      "Clinical functions are closed: the audit trail needs a privacy officer's check",
    );
    await signOut(page);
    await removeCard(page);
    await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });

    await signIn(page, 'GOVERNANCE');
    await nav(page).getByRole('button', { name: 'Audit trail' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'failed its integrity check' });
    await expect(alert).toContainText(
      /The audit trail failed its integrity check at entry \d+ — clinical functions are closed until a privacy officer acknowledges it/,
    );
    await expect(alert).toContainText('the witness saw seq 1000');
    await shot(page, 'audit-chain-break');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(alert).toContainText('Enter what you checked or did about the break');
    await alert
      .getByLabel(/What you checked or did/)
      .fill('Witness from a restored image; trail checked, INC-42');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'acknowledged' })).toContainText(
      'Clinical functions are open again',
    );
    await expect(page.getByText('The audit trail failed its integrity check')).toHaveCount(0);
    // The break and its acknowledgement are in the trail, in words.
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(table).toContainText('Acknowledged an audit trail break');
    await expect(table).toContainText('Audit trail failed its integrity check');
    await signOut(page);
    await removeCard(page);
    await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });

    await signIn(page, 'PHARMACIST');
    await expect(nav(page).getByRole('button', { name: 'Find a patient' })).toBeVisible();
    await expect(page.getByText('Clinical functions closed')).toHaveCount(0);
  });
});
