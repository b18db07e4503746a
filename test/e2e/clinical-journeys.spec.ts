// The pharmacist's day in training mode (issue 7): the real test host, the real Spine sandbox
// and a real virtual smartcard. Every screen state of the clinical journeys is walked, checked
// with axe-core, and kept as a screenshot under test-results/screens/clinical-*.png.
import { test, expect, openApp } from './fixtures';
import { removeCard, signIn, signOut } from './login-helper';
import {
  accessWithPermission,
  banner,
  expectAccessible,
  searchNhsNumber,
  setSandboxFaults,
} from './clinical-support';

test('a pharmacist finds a patient by NHS number, decides access and reads the SCR, then prints it', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(120_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');

  // The NHS number box keeps digits only and groups them 3-3-4 while typing.
  const box = page.getByRole('textbox', { name: 'NHS number' });
  await box.pressSequentially('900a0000-008');
  await expect(box).toHaveValue('900 000 0008');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Check the NHS number — one digit may be wrong');
  await expectAccessible(page);
  await shot(page, 'clinical-search-invalid-nhs-number');

  await searchNhsNumber(page, '9000000009');
  await expect(banner(page)).toContainText('FAIRBAIRN, Jane Elizabeth (Mrs)');
  await expect(banner(page)).toContainText(/Born 12-Apr-1968 \(\d+y\)/);
  await expect(banner(page)).toContainText('Gender Female');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
  await expect(page.getByRole('region', { name: 'Patient banner' }).getByText('LS6 2QT')).toBeHidden();
  await banner(page).getByRole('button', { name: 'Show address and contact details' }).click();
  await expect(banner(page)).toContainText('LS6 2QT');
  await expect(page.getByRole('heading', { name: 'SCR consent' })).toBeVisible();
  await expect(page.locator('.app-consent__value')).toHaveText('Ask');
  await expect(page.getByRole('button', { name: 'Change consent' })).toHaveCount(0);
  // Nothing clinical before the access decision.
  await expect(page.getByRole('heading', { name: 'Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-patient');

  await page.getByRole('button', { name: 'View Summary Care Record' }).click();
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog).toBeVisible();
  // Legal access needs B0082, which this pharmacist does not hold.
  await expect(dialog.getByLabel('Legal access')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Confirm that you have a legitimate relationship');
  await dialog.getByLabel('Emergency access').check();
  await dialog.getByLabel('I have a legitimate relationship with this patient').check();
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Enter a reason');
  await expectAccessible(page);
  await shot(page, 'clinical-access-dialog');
  await dialog.getByLabel('The patient has given permission to view').check();
  await dialog.getByLabel('Extended permission (regular patient)').check();
  await dialog.getByRole('button', { name: 'View record' }).click();

  const record = page.getByRole('article', { name: 'Summary Care Record' });
  await expect(record).toBeVisible({ timeout: 20_000 });
  await expect(record).toContainText(
    /Last updated by the GP practice on \d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}/,
  );
  // Core first — allergies, then acute, then repeat medication — then Additional Information, separate.
  const headings = await record.getByRole('heading').allTextContents();
  const order = [/allerg/i, /acute/i, /repeat/i].map((pattern) => headings.findIndex((h) => pattern.test(h)));
  expect(order.every((index) => index >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(headings.indexOf('Additional Information')).toBeGreaterThan(order[2] ?? Infinity);
  const core = page.getByRole('region', { name: 'Core information' });
  const additional = page.getByRole('region', { name: 'Additional Information' });
  await expect(core).toContainText(/penicillin/i);
  await expect(core).not.toContainText('Immunosuppressed');
  await expect(additional).toContainText('Immunosuppressed');
  await expect(record).toContainText(/penicillin/i);
  await expect(record).toContainText('Amlodipine 5mg tablets');
  await expectAccessible(page);
  await shot(page, 'clinical-scr');

  await page.getByRole('button', { name: 'Print', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Print preview' })).toBeVisible();
  await expect(page.locator('.app-print__marking')).toHaveText('OFFICIAL-SENSITIVE: PERSONAL');
  await expect(page.locator('.app-print__identifiers')).toContainText('NHS No. 900 000 0009');
  // The print is audited when the user prints the chosen sections; then the foot names who printed.
  await page.evaluate(() => {
    window.print = () => undefined;
  });
  await page.getByRole('button', { name: /^Print \d+ pages?$/ }).click();
  await expect(page.locator('.app-print__footer')).toContainText(
    /Printed by PHARMACIST, Test, Pharmacist, Riverside Pharmacy \(ODS: FQ001\), on \d{2}-[A-Z][a-z]{2}-\d{4}/,
  );
  // The identifiers head every printed page: they sit in a table header group the browser repeats.
  await expect(page.locator('.app-print__page > thead')).toHaveCSS('display', 'table-header-group');
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'clinical-print');
  await page.emulateMedia({ media: 'screen' });
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Back to the record' }).click();
  await expect(record).toBeVisible();
});

test('every record state and sandbox patient reads as Spine said', async ({ page, app, shot }) => {
  test.setTimeout(180_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');

  // No SCR.
  await searchNhsNumber(page, '9000000033');
  await expect(banner(page)).toContainText('NHS No. 900 000 0033');
  await accessWithPermission(page);
  await expect(
    page.getByRole('heading', { name: 'This patient does not have a Summary Care Record' }),
  ).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-no-scr');

  // Consent No: shown on the patient screen, and the record is not shown.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9990000069');
  await expect(page.locator('.app-consent__value')).toHaveText('No');
  await accessWithPermission(page);
  await expect(
    page.getByRole('heading', { name: 'The patient has chosen not to have a Summary Care Record' }),
  ).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);
  await shot(page, 'clinical-consent-no');

  // Restricted (S-flag): marker, no address or GP, for a role without B1611.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9000000025');
  await expect(banner(page)).toContainText('Restricted record');
  await banner(page).getByRole('button', { name: 'Show address and contact details' }).click();
  await expect(banner(page)).toContainText('Address, contact details and GP are not shown');
  await expect(banner(page).getByText('GP practice')).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-restricted');

  // Deceased: date of death and age at death, distinct colour and pattern.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9990000018');
  await expect(banner(page)).toContainText('Died 17-Aug-2025');
  await expect(banner(page)).toContainText(/Age at Death \d+y/);
  await expect(banner(page)).toHaveCSS('background-image', /repeating-linear-gradient/);
  await expectAccessible(page);
  await shot(page, 'clinical-deceased');

  // Superseded NHS number: the new number, and why.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9990000034');
  await expect(banner(page)).toContainText('NHS No. 999 000 0026');
  await expect(page.getByRole('note', { name: 'Warning: superseded' })).toContainText(
    'NHS number 999 000 0034 has been replaced by 999 000 0026',
  );
  await shot(page, 'clinical-superseded');

  // Merged record: Spine refuses the SCR under the old number; the screen says what happened.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9990000050');
  await accessWithPermission(page);
  await expect(page.getByRole('alert')).toContainText(/merged/i, { timeout: 20_000 });
  await expect(page.getByRole('note', { name: 'Warning: merged' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);
  await shot(page, 'clinical-merged');

  // Not known to PDS.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9111231130');
  await expect(page.getByRole('alert')).toContainText('No patient found with NHS number 911 123 1130');
  await expect(banner(page)).toHaveCount(0);
  await shot(page, 'clinical-not-found');

  // Several candidates: listed with enough to tell them apart, and no banner on the list.
  await page.getByRole('tab', { name: 'Advanced search' }).click();
  await page.getByLabel('Last name').fill('Hargreaves');
  await page.getByLabel('Gender').selectOption('male');
  await page.getByLabel('Date range').check();
  const from = page.getByRole('group', { name: 'Born on or after' });
  await from.getByLabel('Day').fill('1');
  await from.getByLabel('Month').fill('1');
  await from.getByLabel('Year').fill('1980');
  const to = page.getByRole('group', { name: 'Born on or before' });
  await to.getByLabel('Day').fill('31');
  await to.getByLabel('Month').fill('12');
  await to.getByLabel('Year').fill('1989');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { name: '3 patients found' })).toBeVisible({ timeout: 20_000 });
  await expect(banner(page)).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-candidates');
  await page
    .getByRole('button', { name: /^Select HARGREAVES/ })
    .first()
    .click();
  await expect(banner(page)).toContainText('HARGREAVES');

  // Basic search with nothing filled in says what is missing, before anything is sent.
  await page.getByRole('button', { name: 'Find another patient' }).click();
  await page.getByRole('tab', { name: 'Basic search' }).click();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the last name');
  await expect(page.getByRole('alert')).toContainText('Choose a gender');
  await expect(page.getByLabel('Postcode')).toHaveCount(0);
  await shot(page, 'clinical-basic-search-problems');
});

test('Spine unavailable: the screen says what happened and what to do, and shows nothing half-made', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(180_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await searchNhsNumber(page, '9000000009');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
  await setSandboxFaults(app, [
    { kind: 'soap-fault', code: '300', nhsNumber: '9000000009', interaction: 'QUPC_IN180000SM04' },
  ]);
  await accessWithPermission(page);
  const problem = page.getByRole('alert');
  await expect(problem).toContainText('The Summary Care Record could not be shown', { timeout: 30_000 });
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'clinical-spine-unavailable');
  await setSandboxFaults(app, []);
  await problem.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toBeVisible({ timeout: 20_000 });

  // Each fault on the PDS retrieval: an error a person can act on, and no patient on screen.
  const faults = [
    { kind: 'reset' },
    { kind: 'malformed' },
    { kind: 'http-status', status: 503 },
    { kind: 'soap-fault', code: '200' },
    { kind: 'ack', ackCode: 'AE', code: '500', display: 'System Error - no retry' },
  ];
  for (const fault of faults) {
    await page
      .getByRole('button', { name: 'Find another patient' })
      .or(page.getByRole('button', { name: 'Find a patient' }))
      .first()
      .click();
    // Every attempt fails (the transport may resend an idempotent query, spine-hl7v3.md 4.5).
    await setSandboxFaults(app, [{ ...fault, interaction: 'QUPA_IN000008UK02' }]);
    await searchNhsNumber(page, '9000000009');
    await expect(page.getByRole('alert'), fault.kind).toContainText(/Spine|try again|IT service desk/i, {
      timeout: 30_000,
    });
    await expect(banner(page)).toHaveCount(0);
    await shot(page, `clinical-fault-${fault.kind}`);
  }
  await setSandboxFaults(app, []);
  await searchNhsNumber(page, '9000000009');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
});

test('the whole journey works from the keyboard alone', async ({ page, app }) => {
  test.setTimeout(120_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  const box = page.getByRole('textbox', { name: 'NHS number' });
  await box.focus();
  await page.keyboard.type('9000000009');
  await page.keyboard.press('Enter');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');
  const view = page.getByRole('button', { name: 'View Summary Care Record' });
  for (let i = 0; i < 40 && !(await view.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await expect(view).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog).toBeVisible();
  // Focus moved into the dialog, onto its first control: the legitimate-relationship box.
  await expect(dialog.getByLabel('I have a legitimate relationship with this patient')).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('The patient has given permission to view')).toBeFocused();
  await page.keyboard.press('Space');
  const submit = dialog.getByRole('button', { name: 'View record' });
  for (let i = 0; i < 10 && !(await submit.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toBeVisible({ timeout: 20_000 });
});

test('a GP practice user changes consent after a confirmation naming the patient, and uploads a GP Summary', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(150_000);
  await openApp(page, app);
  await signIn(page, 'GENERALPRACTICE');
  await searchNhsNumber(page, '9990000077');
  await expect(page.locator('.app-consent__value')).toHaveText('Yes');
  await page.getByRole('button', { name: 'Change consent' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change SCR consent' });
  await dialog.getByLabel('No', { exact: true }).check();
  const name = (await banner(page).locator('.app-banner__name').textContent()) ?? '';
  await expect(dialog).toContainText(`Change SCR consent for ${name} (NHS No. 999 000 0077) to No?`);
  await expectAccessible(page);
  await shot(page, 'clinical-consent-change');
  await dialog.getByRole('button', { name: `Confirm change for ${name}` }).click();
  await expect(page.locator('.app-consent__value')).toHaveText('No');

  await page.getByRole('button', { name: 'Find another patient' }).click();
  await searchNhsNumber(page, '9990000166');
  await page.getByRole('button', { name: 'Upload a GP Summary' }).click();
  await page.getByRole('button', { name: 'Check summary' }).click();
  // The NHS error pattern (issue 13): a summary that takes focus and links to the field in error.
  const summary = page.getByRole('alert').filter({ hasText: 'Fix these before sending' });
  await expect(summary).toContainText('The summary is empty');
  await expect(summary).toBeFocused();
  await page.getByRole('button', { name: 'Add allergy' }).click();
  await page.getByLabel('Allergy 1').fill('Allergy to penicillin');
  await page.getByLabel('Reaction 1').fill('Rash');
  await page.getByRole('button', { name: 'Add acute medicine' }).click();
  await page.getByRole('button', { name: 'Add acute medicine' }).click();
  // A blank first row is left out of the draft: the message still reaches the row it is about.
  await page.getByLabel('Acute medicine 2').fill('Amoxicillin 500mg capsules');
  await page.getByRole('button', { name: 'Check summary' }).click();
  await expect(summary).toBeFocused();
  await summary.getByRole('link', { name: 'Add the dosage instructions.' }).click();
  const dosage = page.getByLabel('Acute dosage 2');
  await expect(dosage).toBeFocused();
  await expect(dosage).toHaveAttribute('aria-invalid', 'true');
  await expect(dosage).toHaveAccessibleDescription(/Error:\s+Add the dosage instructions\./);
  await expectAccessible(page);
  await shot(page, 'clinical-gp-summary-errors');
  await page.getByRole('button', { name: 'Remove acute medicine 1' }).click();
  await page.getByLabel('Acute dosage 1').fill('One capsule three times a day');
  await page.getByRole('button', { name: 'Add additional information' }).click();
  await page.getByLabel('Information 1').fill('Asthma, well controlled');
  await page.getByRole('button', { name: 'Upload GP Summary' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is queued for Spine' })).toBeVisible({
    timeout: 20_000,
  });
  const uploads = page.getByRole('region', { name: 'Uploads' });
  await expect(uploads.getByText('Acknowledged')).toBeVisible({ timeout: 40_000 });
  await expectAccessible(page);
  await shot(page, 'clinical-gp-summary-upload');

  // The Uploads screen is rebuilt from the outbox, so it survives leaving the patient.
  await page.getByRole('button', { name: 'Uploads' }).click();
  await expect(page.getByRole('heading', { name: 'GP Summary uploads' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '999 000 0166' })).toBeVisible();
  await shot(page, 'clinical-uploads');
});

test('the patient is wiped when the session ends, and each role sees only its own navigation', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(150_000);
  const current = () =>
    page.evaluate(async () => {
      const bridge = (window as unknown as { smsp: { invoke(op: string, input: unknown): Promise<unknown> } })
        .smsp;
      return bridge.invoke('patients.current', {});
    });
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button', { name: 'Find a patient' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Uploads' })).toHaveCount(0);
  await expect(nav.getByRole('button', { name: 'Audit trail' })).toHaveCount(0);
  await searchNhsNumber(page, '9000000009');
  await accessWithPermission(page);
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toBeVisible({ timeout: 20_000 });
  expect(JSON.stringify(await current())).toContain('9000000009');

  await signOut(page);
  await removeCard(page);
  await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });
  await signIn(page, 'GOVERNANCE');
  // A governance role: the audit trail, no patient search, and nothing of the previous patient.
  await expect(nav.getByRole('button', { name: 'Audit trail' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Find a patient' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
  expect(await current()).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
  await shot(page, 'clinical-governance-navigation');

  await signOut(page);
  await removeCard(page);
  await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });
  await signIn(page, 'GENERALPRACTICE');
  await expect(nav.getByRole('button', { name: 'Uploads' })).toBeVisible();
  expect(await current()).toEqual({ ok: true, value: null });
});
