// Smartcard sign-in end to end (issue 5): virtual cards inserted through the "Training card
// reader" (real SoftHSM2 tokens appearing for the PKCS#11 monitor), the sandbox identity service
// over mutual TLS, the role picker, the RBAC banner, locking by card removal, unlocking, and a
// second user's card ending the first user's session and patient context.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, openApp } from './fixtures';
import { bannerText, enterPasscode, insertCard, removeCard, signIn, trainingUsers } from './login-helper';

const banner = (page: Page) => page.getByRole('region', { name: 'Signed-in user' });

/** No serious or critical axe-core violation, the banner and the training card reader included. */
async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  expect(serious).toEqual([]);
}

async function currentPatient(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const bridge = (
      window as unknown as { smsp: { invoke: (op: string, input: object) => Promise<unknown> } }
    ).smsp;
    return bridge.invoke('patients.current', {});
  });
}

test('a pharmacist signs in with card, passcode and role; card out locks; same card and passcode unlock', async ({
  page,
  app,
  shot,
}) => {
  await openApp(page, app);
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible();
  await insertCard(page, 'PHARMACIST');
  await shot(page, 'login-passcode');

  // A wrong passcode says what to do and how many tries are left.
  await enterPasscode(page, '999999');
  await expect(page.getByRole('alert').filter({ hasText: 'The passcode is not right' })).toContainText(
    /tries? left|3 wrong passcodes/,
  );
  // The user types again at once: focus stays in the field, which carries the card's answer.
  await expect(page.getByLabel('Passcode')).toBeFocused();
  await expect(page.getByLabel('Passcode')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Passcode')).toHaveAccessibleDescription(/tries? left|3 wrong passcodes/);
  // Letters never reach the field; fewer than 6 digits is refused before it leaves the screen.
  await page.getByLabel('Passcode').fill('12ab');
  await expect(page.getByLabel('Passcode')).toHaveValue('12');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter your passcode: 6 to 8 digits.').first()).toBeVisible();

  await enterPasscode(page, trainingUsers.PHARMACIST.passcode);
  await expect(page.getByRole('heading', { name: 'Choose your role' })).toBeVisible({ timeout: 15_000 });
  const role = page.getByRole('radio', { name: 'Pharmacist – Riverside Pharmacy (ODS: FQ001)' });
  await expect(role).toBeChecked();
  await shot(page, 'login-role-picker');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(banner(page)).toContainText(
    bannerText('PHARMACIST, Test', 'Pharmacist', 'Riverside Pharmacy', 'FQ001'),
  );
  await expect(page.getByRole('heading', { name: 'Find a patient' })).toBeVisible();
  await shot(page, 'login-signed-in');

  // Card out: the screen locks at once and hides the workspace.
  await removeCard(page);
  await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(page.getByRole('heading', { name: 'Find a patient' })).toBeHidden();
  await expect(banner(page)).toHaveCount(0);
  await shot(page, 'login-locked');

  // Same card back, passcode: unlocked, same role.
  await insertCard(page, 'PHARMACIST');
  await enterPasscode(page, trainingUsers.PHARMACIST.passcode, 'Unlock');
  await expect(banner(page)).toContainText(
    'PHARMACIST, Test – Pharmacist – Riverside Pharmacy (ODS: FQ001)',
    {
      timeout: 15_000,
    },
  );
  await expect(page.getByRole('heading', { name: 'Find a patient' })).toBeVisible();
});

test("a different user's card ends the locked session and the first user's patient is gone", async ({
  page,
  app,
  shot,
}) => {
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await page.getByLabel('NHS number', { exact: true }).fill('9000000009');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect
    .poll(async () => JSON.stringify(await currentPatient(page)), { timeout: 20_000 })
    .toContain('9000000009');

  await removeCard(page);
  await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible({
    timeout: 10_000,
  });
  await insertCard(page, 'GENERALPRACTICE');
  // The previous session ended before the new user could see anything: no lock screen, no name.
  await expect(page.getByRole('heading', { name: 'Enter your smartcard passcode' })).toBeVisible();
  // (The training panel still offers the card by name; the screen itself must not show it.)
  await expect(page.getByRole('main').getByText('PHARMACIST, Test')).toHaveCount(0);
  expect(await currentPatient(page)).toEqual({
    ok: false,
    error: expect.objectContaining({ code: 'NOT_AUTHENTICATED' }),
  });

  await enterPasscode(page, trainingUsers.GENERALPRACTICE.passcode);
  await expect(page.getByRole('heading', { name: 'Choose your role' })).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(banner(page)).toContainText(
    bannerText('GENERALPRACTICE, Test', 'Clinical Practitioner Access Role', 'Elm Street Surgery', 'A81001'),
  );
  await expect(page.getByRole('heading', { name: 'Find a patient' })).toBeVisible();
  expect(await currentPatient(page)).toEqual({ ok: true, value: null });
  await expect(page.getByRole('main').getByText(/900\s?000\s?0009/)).toHaveCount(0);
  await shot(page, 'login-second-user');
});

test('a user with no roles is told to contact their Registration Authority', async ({ page, app }) => {
  await openApp(page, app);
  await insertCard(page, 'NOROLES');
  await enterPasscode(page, trainingUsers.NOROLES.passcode);
  await expect(page.getByRole('alert')).toContainText(
    'You have no roles that can use this system — contact your Registration Authority',
    { timeout: 15_000 },
  );
  await expect(banner(page)).toHaveCount(0);
});

test('a locum chooses between two pharmacies and the banner names the one chosen', async ({ page, app }) => {
  await openApp(page, app);
  await insertCard(page, 'LOCUM');
  await enterPasscode(page, trainingUsers.LOCUM.passcode);
  await expect(page.getByRole('radio')).toHaveCount(2, { timeout: 15_000 });
  await expect(page.getByRole('radio', { name: /Riverside Pharmacy \(ODS: FQ001\)/ })).not.toBeChecked();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose the role you are working in today.');
  await page.getByRole('radio', { name: /Hillside Pharmacy \(ODS: FQ002\)/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(banner(page)).toContainText(
    bannerText('LOCUM, Test', 'Pharmacist', 'Hillside Pharmacy', 'FQ002'),
  );
  // Log out from the banner; the card is still in, so the passcode prompt is back.
  await banner(page).getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Enter your smartcard passcode' })).toBeVisible();
});

test('an expired card certificate is refused with what to do next', async ({ page, app }) => {
  await openApp(page, app);
  await insertCard(page, 'EXPIRED');
  await enterPasscode(page, trainingUsers.EXPIRED.passcode);
  await expect(page.getByRole('alert')).toContainText('has expired', { timeout: 15_000 });
  await expect(page.getByRole('alert')).toContainText('Registration Authority');
});

test('every sign-in screen is accessible: card prompt, passcode, role picker, banner, lock screen', async ({
  page,
  app,
}) => {
  await openApp(page, app);
  await expectAccessible(page);
  await insertCard(page, 'LOCUM');
  await expectAccessible(page);
  await enterPasscode(page, '000000');
  await expect(page.getByRole('alert').filter({ hasText: 'passcode is not right' })).toBeVisible();
  await expectAccessible(page);
  await enterPasscode(page, trainingUsers.LOCUM.passcode);
  await expect(page.getByRole('radio')).toHaveCount(2, { timeout: 15_000 });
  await expectAccessible(page);
  await page.getByRole('radio', { name: /FQ001/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(banner(page)).toBeVisible();
  await expectAccessible(page);
  await banner(page).getByRole('button', { name: 'Lock screen' }).click();
  await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible();
  await expect(page.getByLabel('Passcode')).toBeVisible();
  await expectAccessible(page);
  // The skip link has one target: the hidden workspace gives up its id while locked.
  await expect(page.locator('[id="maincontent"]')).toHaveCount(1);
  await enterPasscode(page, trainingUsers.LOCUM.passcode, 'Unlock');
  await expect(page.locator('[id="maincontent"]')).toHaveCount(1);
  await expect(banner(page)).toContainText('LOCUM, Test – Pharmacist – Riverside Pharmacy (ODS: FQ001)');
});

test.describe('idle timeout', () => {
  // The shortest policy the configuration allows: 1 minute idle, warned 55 seconds before.
  const adminDir = mkdtempSync(join(tmpdir(), 'smsp-e2e-admin-'));
  const adminFile = join(adminDir, 'config.json');
  writeFileSync(adminFile, JSON.stringify({ policies: { idleTimeoutMinutes: 1, idleWarningSeconds: 55 } }));
  test.use({ appEnv: { SMSP_ADMIN_CONFIG: adminFile } });
  test.afterAll(() => rmSync(adminDir, { recursive: true, force: true }));

  test('warns with an accessible countdown; "Stay logged in" keeps the session, "Log out" ends it', async ({
    page,
    app,
    shot,
  }) => {
    await openApp(page, app);
    await signIn(page, 'PHARMACIST');
    const dialog = page.getByRole('alertdialog', { name: 'You are about to be logged out' });
    await expect(dialog).toBeVisible({ timeout: 15_000 });
    await expect(dialog).toContainText(/logged out in \d+ seconds?/);
    await expect(page.getByRole('status').filter({ hasText: 'You will be logged out in' })).toHaveCount(1);
    await expectAccessible(page);
    await shot(page, 'login-timeout-warning');
    await dialog.getByRole('button', { name: 'Stay logged in' }).click();
    await expect(dialog).toBeHidden();
    await expect(banner(page)).toBeVisible();

    await expect(dialog).toBeVisible({ timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Log out' }).click();
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Enter your smartcard passcode' })).toBeVisible();
  });
});
