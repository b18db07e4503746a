// The urgent-care clinician's paths of issue 7 that no pharmacist card reaches: basic search with
// a postcode (B0098) and "Legal access" (B0082, MSCA-SCR-105), walked with the URGENTCARE training
// card against the real test host, Spine sandbox and a virtual smartcard. The governance lead then
// reads the decision back from the audit trail, and the pharmacist is shown neither control and
// is refused both by main. Screenshots: test-results/screens/clinical-{postcode,legal}-*.png.
import type { Page } from '@playwright/test';
import { test, expect, openApp } from './fixtures';
import { bannerText, removeCard, signIn, signOut } from './login-helper';
import {
  banner,
  basicSearch as searchByDetails,
  expectAccessible,
  searchNhsNumber,
} from './clinical-support';

/** Fills the basic search for Jane Elizabeth Fairbairn (pack patient 900 000 0009, LS6 2QT). */
async function basicSearch(page: Page, postcode: string): Promise<void> {
  await page
    .getByRole('button', { name: 'Find another patient' })
    .or(page.getByRole('button', { name: 'Find a patient' }))
    .first()
    .click();
  await searchByDetails(page, { family: 'Fairbairn', gender: 'female', born: ['12', '4', '1968'], postcode });
}

/** Calls the bridge directly, as a tampered renderer would. */
const invoke = (page: Page, op: string, input: unknown) =>
  page.evaluate(
    async ([operation, payload]) => {
      const bridge = (window as unknown as { smsp: { invoke(op: string, input: unknown): Promise<unknown> } })
        .smsp;
      return bridge.invoke(operation as string, payload);
    },
    [op, input] as const,
  );

test('an urgent-care clinician finds a patient by postcode and reads the SCR under legal access', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(180_000);
  await openApp(page, app);
  await signIn(page, 'URGENTCARE');
  await expect(page.getByRole('region', { name: 'Signed-in user' })).toContainText(
    bannerText(
      'URGENTCARE, Test',
      'Clinical Practitioner Access Role',
      'Riverside Urgent Treatment Centre',
      'RRU01',
    ),
  );

  // Postcode is sent to Spine: a postcode the patient never lived at finds nobody...
  await basicSearch(page, 'LS1 4AP');
  await expect(page.getByRole('alert')).toContainText('No patient found', { timeout: 20_000 });
  await expect(banner(page)).toHaveCount(0);
  await shot(page, 'clinical-postcode-no-match');

  // ...and hers (typed in lower case, without the space) goes straight to her.
  await basicSearch(page, 'ls62qt');
  await expect(banner(page)).toContainText('FAIRBAIRN, Jane Elizabeth (Mrs)', { timeout: 20_000 });
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
  await banner(page).getByRole('button', { name: 'Show address and contact details' }).click();
  await expect(banner(page)).toContainText('LS6 2QT');
  await expectAccessible(page);
  await shot(page, 'clinical-postcode-patient');

  // Legal access: a basis and a reason are both required, before anything is fetched.
  await page.getByRole('button', { name: 'View Summary Care Record' }).click();
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Emergency access')).toBeVisible();
  await dialog.getByLabel('I have a legitimate relationship with this patient').check();
  await dialog.getByLabel('Legal access').check();
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Enter a reason');
  await expect(dialog.getByRole('alert')).toContainText('Choose the legal basis');
  await dialog.getByLabel('Legal basis').selectOption({ label: 'Court order' });
  await dialog.getByLabel('Reason').fill('   ');
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Enter a reason');
  await expect(dialog.getByRole('alert')).not.toContainText('Choose the legal basis');
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-legal-reason-required');

  await dialog.getByLabel('Reason').fill('Court order 2026/118 for the coroner');
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog).toHaveCount(0);
  const record = page.getByRole('article', { name: 'Summary Care Record' });
  await expect(record).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Core information' })).toContainText(/penicillin/i);
  await expect(page.getByRole('button', { name: 'View Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-legal-scr');

  // Only legal access overrides a patient's dissent (spine-hl7v3.md 7.3): consent No, yet the
  // record is shown under statute, where permission to view would be refused.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await page.getByRole('tab', { name: 'NHS number search' }).click();
  await searchNhsNumber(page, '9990000069');
  await expect(page.locator('.app-consent__value')).toHaveText('No');
  await page.getByRole('button', { name: 'View Summary Care Record' }).click();
  await dialog.getByLabel('I have a legitimate relationship with this patient').check();
  await dialog.getByLabel('Legal access').check();
  await dialog.getByLabel('Legal basis').selectOption({ label: 'Statute' });
  await dialog.getByLabel('Reason').fill('Safeguarding duty under statute');
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(record).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByRole('heading', { name: 'The patient has chosen not to have a Summary Care Record' }),
  ).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-legal-dissent-override');

  // The governance lead reads the decision back: legal access, its basis and the reason typed.
  await signOut(page);
  await removeCard(page);
  await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });
  await signIn(page, 'GOVERNANCE');
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
  await page.getByLabel('NHS number').fill('9000000009');
  await page
    .getByLabel('Event', { exact: true })
    .selectOption({ label: 'Summary Care Record: access, views and prints' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  // In plain English with the names recorded when the entry was written (issue 13).
  const entries = page.getByRole('table', { name: 'Audit entries, newest first' });
  const access = entries.getByRole('row').filter({ hasText: 'Legal access' });
  await expect(access).toHaveCount(1, { timeout: 15_000 });
  await expect(access).toContainText('URGENTCARE, Test');
  await expect(access).toContainText('Clinical Practitioner Access Role, Riverside Urgent Treatment Centre');
  await expect(access).toContainText('FAIRBAIRN, Jane Elizabeth');
  await expect(access).toContainText('Court order 2026/118 for the coroner');
  await expect(entries.getByRole('row').filter({ hasText: 'Viewed SCR' }).first()).toContainText(
    'NHS No. 900 000 0009',
  );
  // Legal access waits in "Access to review" with its reason.
  const queue = page.getByRole('table', { name: 'Access waiting for review' });
  await expect(queue.getByRole('row').filter({ hasText: 'Legal access' }).first()).toContainText(
    'URGENTCARE, Test',
  );
  await shot(page, 'clinical-legal-audit');
});

test('a pharmacist is offered neither postcode search nor legal access, and main refuses both', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(120_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await page.getByRole('tab', { name: 'Basic search' }).click();
  await expect(page.getByLabel('Last name')).toBeVisible();
  await expect(page.getByLabel('Postcode')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Advanced search' }).click();
  await expect(page.getByLabel('Last name')).toBeVisible();
  await expect(page.getByLabel('Postcode')).toHaveCount(0);
  await shot(page, 'clinical-postcode-not-offered');
  expect(
    await invoke(page, 'patients.search', {
      mode: 'basic',
      family: 'Fairbairn',
      gender: 'female',
      birthDate: '1968-04-12',
      postcode: 'LS6 2QT',
    }),
  ).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });

  await page.getByRole('tab', { name: 'NHS number search' }).click();
  await searchNhsNumber(page, '9000000009');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
  await page.getByRole('button', { name: 'View Summary Care Record' }).click();
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog.getByLabel('Emergency access')).toBeVisible();
  await expect(dialog.getByLabel('Legal access')).toHaveCount(0);
  await shot(page, 'clinical-legal-not-offered');
  expect(
    await invoke(page, 'scr.decideAccess', {
      nhsNumber: '9000000009',
      legitimateRelationship: true,
      basis: { kind: 'legal', ground: 'court-order', reason: 'Order 1' },
    }),
  ).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
  // Refused, so nothing was fetched: the record still needs a decision.
  expect(await invoke(page, 'scr.get', { nhsNumber: '9000000009' })).toMatchObject({
    ok: false,
    error: { code: 'ACCESS_DECISION_REQUIRED' },
  });
});
