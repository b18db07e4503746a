// Issue 13, "At the counter and in the governance office", end to end against the real test
// host, Spine sandbox and virtual smartcards: the NHS error pattern, focus and scroll that follow
// the user (skip link, listed shortcuts, dialogs returning focus), keyboard-only use, why a user
// was signed out, the one-line RBAC banner and measured sticky offsets at 1280×800 and at 200 %
// zoom, "Recently viewed", restricted and deceased patients, consent confirmation, the search
// tabs' keyboard pattern, and the privacy officer's audit screen with "Access to review" and an
// export of exactly what is shown. axe (WCAG 2.1 AA) on every screen; screenshots under
// test-results/screens/ux-*.png. Hazard ids: docs/clinical-safety/hazard-log.md (HAZ-090..095).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { verifyBundle } from '../../main/audit/verify';
import { test, expect, openApp } from './fixtures';
import { enterPasscode, insertCard, removeCard, signIn, signOut, trainingUsers } from './login-helper';
import { accessWithPermission, banner, basicSearch, searchNhsNumber } from './clinical-support';

/** axe with the WCAG 2.1 A/AA rules: no serious or critical violation on the whole page. */
async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

const adminConfig = (settings: object): string => {
  const dir = mkdtempSync(join(tmpdir(), 'smsp-e2e-ux-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
};

/** Presses Tab until `target` has focus (bounded), as a keyboard user would. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 40 && !(await target.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

const rbac = (page: Page) => page.getByRole('region', { name: 'Signed-in user' });

test('HAZ-090 HAZ-091 HAZ-092 at the counter: errors at their fields, focus that follows, keyboard only, recently viewed, restricted and deceased patients', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  // Landing on the workspace puts focus on its heading.
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeFocused();

  // The RBAC banner is one line at 1280 px; "Details" shows all of it on demand.
  const bannerBox = await rbac(page).boundingBox();
  expect(bannerBox?.height ?? 999).toBeLessThanOrEqual(56);
  await rbac(page).getByRole('button', { name: 'Details' }).click();
  await expect(rbac(page).getByText(/Riverside Pharmacy \(ODS: FQ001\)/)).toBeVisible();
  await rbac(page).getByRole('button', { name: 'Hide details' }).click();

  // Shortcuts are listed on screen.
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(
    'Keyboard shortcuts: Alt+N new search, Alt+L lock screen',
  );

  // The skip link is the first thing Tab reaches, and takes focus to the main heading.
  // (It comes before everything: one Shift+Tab back from the banner's first control.)
  await rbac(page).getByRole('button', { name: 'Details' }).focus();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeFocused();

  // Search tabs: arrows, Home and End move and select; only the selected tab is a Tab stop.
  const nhsTab = page.getByRole('tab', { name: 'NHS number search' });
  await nhsTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Basic search' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Basic search' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Advanced search' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(nhsTab).toBeFocused();
  await expect(nhsTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Basic search' })).toHaveAttribute('tabindex', '-1');

  // NHS error pattern: too few digits and a wrong digit say different things; focus goes to the
  // summary, whose link takes the user to the field, which carries its own message and styling.
  const box = page.getByRole('textbox', { name: 'NHS number' });
  await box.fill('900 00');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: 'Enter the NHS number — it has 10 digits' })).toBeVisible();
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(box).toHaveClass(/nhsuk-input--error/);
  await expect(page.locator('#search-nhs-number-error')).toHaveText(
    'Error: Enter the NHS number — it has 10 digits',
  );
  await expectAccessible(page);
  await shot(page, 'ux-search-error-short');
  await summary.getByRole('link').click();
  await expect(box).toBeFocused();
  await box.fill('900 000 0008');
  await page.keyboard.press('Enter');
  await expect(summary).toContainText('Check the NHS number — one digit may be wrong');
  await expect(summary).toBeFocused();

  // Basic search: every problem at once, each linked to its own field.
  await page.getByRole('tab', { name: 'Basic search' }).click();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText([
    'Enter the last name',
    'Choose a gender',
    'Enter a real date of birth, for example 15 3 1984',
  ]);
  await summary.getByRole('link', { name: 'Choose a gender' }).click();
  await expect(page.getByLabel('Gender')).toBeFocused();
  await expect(page.getByLabel('Last name')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'ux-basic-search-errors');

  // "No patient found" from Spine takes focus too, where the user is looking.
  await page.getByRole('tab', { name: 'NHS number search' }).click();
  await box.fill('911 123 1130');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'No patient found' })).toBeFocused({
    timeout: 20_000,
  });

  // Keyboard only from here: type, Enter, Tab, Space, Escape.
  await box.fill('');
  await tabTo(page, box);
  await page.keyboard.type('9000000009');
  await page.keyboard.press('Enter');
  // The patient screen opens at the top with focus on its heading (the patient's name).
  const name = banner(page).getByRole('heading', { level: 1 });
  await expect(name).toHaveText('FAIRBAIRN, Jane Elizabeth (Mrs)', { timeout: 20_000 });
  await expect(name).toBeFocused();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const view = page.getByRole('button', { name: 'View Summary Care Record' });
  await tabTo(page, view);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Closing the dialog returns focus to what opened it.
  await expect(view).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByLabel('I have a legitimate relationship with this patient'));
  await page.keyboard.press('Space');
  await tabTo(page, dialog.getByLabel('The patient has given permission to view'));
  await page.keyboard.press('Space');
  await tabTo(page, dialog.getByRole('button', { name: 'View record' }));
  await page.keyboard.press('Enter');
  // When the record arrives, focus moves to it.
  await expect(page.getByRole('heading', { name: 'Summary Care Record', exact: true })).toBeFocused({
    timeout: 20_000,
  });
  await expectAccessible(page);
  await shot(page, 'ux-patient-record');

  // Alt+N: a new search from anywhere, focus on its heading.
  await page.keyboard.press('Alt+KeyN');
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeFocused();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  // HAZ-090 Restricted (S-flag): PDS returns no details; the banner shows what was searched,
  // labelled, and the warning is in plain words — no activity code, no emoji-only marker.
  await basicSearch(page, { family: 'Pennington', gender: 'female', born: ['17', '1', '2003'] });
  await expect(banner(page)).toContainText('PENNINGTON (as searched — not confirmed by PDS)', {
    timeout: 20_000,
  });
  await expect(banner(page)).toContainText('Born 17-Jan-2003 (as searched — not confirmed by PDS)');
  await expect(banner(page)).toContainText('Gender Female (as searched — not confirmed by PDS)');
  await expect(banner(page)).toContainText('Restricted record');
  const warning = page.getByRole('note', { name: 'Warning: restricted-hidden' });
  await expect(warning).toContainText('restricted to protect them');
  const text = (await page.locator('body').innerText()) ?? '';
  expect(text).not.toMatch(/B1611|B0\d{3}|🔒/u);
  await expectAccessible(page);
  await shot(page, 'ux-restricted-as-searched');

  // By NHS number nothing was searched but the number: PDS's silence is said as such.
  await page.keyboard.press('Alt+KeyN');
  await searchNhsNumber(page, '9000000025');
  await expect(banner(page)).toContainText('Name not given by pds', { ignoreCase: true, timeout: 20_000 });
  await expect(banner(page)).not.toContainText('Not known');

  // HAZ-092 Deceased: never "ask the patient"; the date of death where that prompt would be.
  await page.keyboard.press('Alt+KeyN');
  await searchNhsNumber(page, '9990000018');
  await expect(page.locator('.app-consent')).toContainText('This patient died on 17-Aug-2025', {
    timeout: 20_000,
  });
  await expect(page.locator('.app-consent')).not.toContainText('permission');
  await shot(page, 'ux-deceased');

  // HAZ-091 Recently viewed: this session's patients, no Spine call to list them; reopening asks
  // for access again.
  await page.keyboard.press('Alt+KeyN');
  const recent = page.getByRole('region', { name: 'Recently viewed' });
  await expect(recent.getByRole('listitem')).toHaveCount(3);
  await expect(recent.getByRole('listitem').first()).toContainText('NHS No. 999 000 0018');
  await expect(recent).toContainText('PENNINGTON (as searched)');
  await expectAccessible(page);
  await shot(page, 'ux-recently-viewed');
  await recent.getByRole('button', { name: /^FAIRBAIRN/ }).click();
  await expect(banner(page)).toContainText('NHS No. 900 000 0009', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'View Summary Care Record' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Summary Care Record' })).toHaveCount(0);

  // Alt+L locks: the list is gone from the page while locked.
  await page.keyboard.press('Alt+KeyL');
  await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible();
  await expect(page.getByText('Recently viewed')).toHaveCount(0);
  await enterPasscode(page, trainingUsers.PHARMACIST.passcode, 'Unlock');
  await expect(rbac(page)).toBeVisible();

  // A new session starts with an empty list.
  await signOut(page);
  await removeCard(page);
  await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });
  await signIn(page, 'PHARMACIST');
  await expect(page.getByRole('region', { name: 'Recently viewed' })).toHaveCount(0);
});

test('advanced-search dates have room and candidate rows keep dates on one line', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await page.getByRole('tab', { name: 'Advanced search' }).click();
  await page.getByLabel('Date range').check();
  const from = page.getByRole('group', { name: 'Born on or after' });
  const day = await from.getByLabel('Day').boundingBox();
  const month = await from.getByLabel('Month').boundingBox();
  expect((month?.x ?? 0) - ((day?.x ?? 0) + (day?.width ?? 0))).toBeGreaterThanOrEqual(16);
  await expectAccessible(page);
  await shot(page, 'ux-advanced-search');
  await page.getByLabel('Last name').fill('Hargreaves');
  await page.getByLabel('Gender').selectOption('male');
  await from.getByLabel('Day').fill('1');
  await from.getByLabel('Month').fill('1');
  await from.getByLabel('Year').fill('1980');
  const to = page.getByRole('group', { name: 'Born on or before' });
  await to.getByLabel('Day').fill('31');
  await to.getByLabel('Month').fill('12');
  await to.getByLabel('Year').fill('1989');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const heading = page.getByRole('heading', { name: '3 patients found' });
  await expect(heading).toBeFocused({ timeout: 20_000 });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  for (const cell of await page.locator('.app-results tbody td:nth-child(2)').all()) {
    const lines = await cell.evaluate((el) => {
      const style = getComputedStyle(el);
      return Math.round(
        (el as HTMLElement).getBoundingClientRect().height / parseFloat(style.lineHeight || '24'),
      );
    });
    expect(await cell.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    expect(lines).toBeLessThanOrEqual(3);
  }
  await expectAccessible(page);
  await shot(page, 'ux-candidates');
});

test('a consent change is confirmed afterwards, naming the patient', async ({ page, app, shot }) => {
  test.setTimeout(120_000);
  await openApp(page, app);
  await signIn(page, 'GENERALPRACTICE');
  await searchNhsNumber(page, '9000000009');
  await expect(banner(page)).toContainText('NHS No. 900 000 0009', { timeout: 20_000 });
  const change = page.getByRole('button', { name: 'Change consent' });
  await change.click();
  const dialog = page.getByRole('dialog', { name: 'Change SCR consent' });
  await dialog.getByLabel('No', { exact: true }).check();
  await dialog.getByRole('button', { name: /^Confirm change for/ }).click();
  await expect(dialog).toHaveCount(0, { timeout: 20_000 });
  await expect(
    page.getByRole('status').filter({ hasText: 'Consent changed to No for FAIRBAIRN, Jane Elizabeth' }),
  ).toBeVisible();
  await expect(change).toBeFocused();
  await expectAccessible(page);
  await shot(page, 'ux-consent-changed');
});

test.describe('why the user was signed out (card removed under the logout policy, idle timeout)', () => {
  const file = adminConfig({
    policies: { cardRemoval: 'logout', idleTimeoutMinutes: 1, idleWarningSeconds: 55 },
  });
  test.use({ appEnv: { SMSP_ADMIN_CONFIG: file } });
  test.afterAll(() => rmSync(join(file, '..'), { recursive: true, force: true }));

  test('HAZ-093 the landing screen says why: card removed, then idle timeout', async ({
    page,
    app,
    shot,
  }) => {
    test.setTimeout(180_000);
    await openApp(page, app);
    await signIn(page, 'PHARMACIST');
    await removeCard(page);
    const notice = page.getByRole('status').filter({ hasText: 'You were signed out' });
    await expect(notice).toContainText('your smartcard was removed', { timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeFocused();
    await expectAccessible(page);
    await shot(page, 'ux-signed-out-card-removed');

    await signIn(page, 'PHARMACIST');
    // Idle: the warning, then the session ends and the passcode screen says why.
    await expect(page.getByRole('alertdialog', { name: 'You are about to be logged out' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(notice).toContainText('the system was not used for a while', { timeout: 90_000 });
    await expect(page.getByLabel('Passcode')).toBeVisible();
    await shot(page, 'ux-signed-out-idle');
  });
});

test.describe('at 200 % zoom (640×400 CSS pixels at device scale factor 2)', () => {
  test.use({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });

  test('HAZ-094 nothing is hidden under the sticky banners and every screen passes axe', async ({
    page,
    app,
    shot,
  }) => {
    test.setTimeout(240_000);
    await openApp(page, app);
    await expectAccessible(page);
    await shot(page, 'ux-zoom-card-prompt');
    await insertCard(page, 'PHARMACIST');
    await expectAccessible(page);
    await shot(page, 'ux-zoom-passcode');
    await enterPasscode(page, trainingUsers.PHARMACIST.passcode);
    await expect(page.getByRole('heading', { name: 'Choose your role' })).toBeVisible({ timeout: 15_000 });
    await expectAccessible(page);
    await shot(page, 'ux-zoom-role-picker');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeFocused({
      timeout: 15_000,
    });
    await expectAccessible(page);
    await shot(page, 'ux-zoom-search');

    await searchNhsNumber(page, '9000000009');
    await expect(banner(page)).toContainText('NHS No. 900 000 0009', { timeout: 20_000 });
    await accessWithPermission(page);
    const record = page.getByRole('heading', { name: 'Summary Care Record', exact: true });
    await expect(record).toBeFocused({ timeout: 20_000 });
    // The sticky stack leaves most of the height to content, and the focused heading is below it.
    const stack = await page.evaluate(() => {
      const sticky = [...document.querySelectorAll<HTMLElement>('.app-training-marker, .app-banner')]
        .filter((el) => getComputedStyle(el).position === 'sticky')
        .map((el) => el.getBoundingClientRect());
      return {
        bottom: Math.max(0, ...sticky.map((r) => r.bottom)),
        height: sticky.reduce((s, r) => s + r.height, 0),
      };
    });
    expect(stack.height).toBeLessThan(400 * 0.4);
    const top = (await record.boundingBox())?.y ?? -1;
    expect(top).toBeGreaterThanOrEqual(stack.bottom - 1);
    await expectAccessible(page);
    await shot(page, 'ux-zoom-patient');

    await page.getByRole('button', { name: 'Lock screen' }).click();
    await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible();
    await expectAccessible(page);
    await shot(page, 'ux-zoom-locked');
    await enterPasscode(page, trainingUsers.PHARMACIST.passcode, 'Unlock');
    await signOut(page);
    await removeCard(page);
    await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });
    await signIn(page, 'GOVERNANCE');
    await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Audit entries, newest first' })).toBeVisible();
    await expectAccessible(page);
    await shot(page, 'ux-zoom-audit');
  });
});

test.describe('the privacy officer', () => {
  // Opening hours that never open: every access is also "outside opening hours" (configurable).
  const file = adminConfig({ governance: { openingHours: { days: [] } } });
  test.use({ appEnv: { SMSP_ADMIN_CONFIG: file } });
  test.afterAll(() => rmSync(join(file, '..'), { recursive: true, force: true }));

  test('HAZ-095 reviews emergency access, finds all access to a patient, and exports exactly what is shown', async ({
    page,
    app,
    shot,
  }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, app);
    // A pharmacist uses emergency access.
    await signIn(page, 'PHARMACIST');
    await searchNhsNumber(page, '9000000009');
    await expect(banner(page)).toContainText('NHS No. 900 000 0009', { timeout: 20_000 });
    await page.getByRole('button', { name: 'View Summary Care Record' }).click();
    const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
    await dialog.getByLabel('I have a legitimate relationship with this patient').check();
    await dialog.getByLabel('Emergency access').check();
    await dialog.getByLabel('Reason').fill('Unconscious at the counter, ambulance called');
    await dialog.getByRole('button', { name: 'View record' }).click();
    await expect(page.getByRole('article', { name: 'Summary Care Record' })).toBeVisible({ timeout: 20_000 });
    await signOut(page);
    await removeCard(page);
    await expect(page.getByLabel('Passcode')).toHaveCount(0, { timeout: 15_000 });

    await signIn(page, 'GOVERNANCE');
    await expect(page.getByRole('heading', { name: 'Audit trail', level: 1 })).toBeVisible();
    const queue = page.getByRole('table', { name: 'Access waiting for review' });
    const item = queue.getByRole('row').filter({ hasText: 'Emergency access' });
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Outside opening hours');
    await expect(item).toContainText('Unconscious at the counter, ambulance called');
    await expect(item).toContainText('PHARMACIST, Test');
    await expect(item).toContainText('Pharmacist, Riverside Pharmacy');
    await expect(item).toContainText('FAIRBAIRN, Jane Elizabeth');
    await expect(page.getByRole('region', { name: /Access to review/ })).toContainText('never open');

    // Plain English, names, no internal codes; technical events only when asked for.
    const entries = page.getByRole('table', { name: 'Audit entries, newest first' });
    await expect(entries).toContainText('Opened the audit trail');
    await expect(entries).toContainText('Signed in');
    const body = await entries.innerText();
    expect(body).not.toMatch(/scr\.access|spine\.|lr\.selfClaim|555000001001/);
    await expectAccessible(page);
    await shot(page, 'ux-audit');
    await page.getByLabel(/Show technical events/).check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('NHS number').fill('900 000 0009');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(entries).toContainText('Message sent to Spine');
    await page.getByLabel(/Show technical events/).uncheck();
    await page.getByLabel('NHS number').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(entries).not.toContainText('Message sent to Spine');

    // Dates as people type them, and presets.
    const today = new Date();
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    await page
      .getByLabel('From', { exact: true })
      .fill(`${today.getDate()} ${months[today.getMonth()]} ${today.getFullYear()}`);
    await page
      .getByLabel('To', { exact: true })
      .fill(
        `${String(today.getDate()).padStart(2, '0')}/${String(today.getMonth() + 1).padStart(2, '0')}/${today.getFullYear()}`,
      );
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(entries).toContainText('Signed in');
    await page.getByLabel('From', { exact: true }).fill('31 Feb 2026');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByRole('alert').getByRole('link')).toContainText(
      'Enter the "From" date as a real date',
    );
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect(page.getByLabel('From', { exact: true })).not.toHaveValue('31 Feb 2026');
    await expect(page.getByRole('alert')).toHaveCount(0);

    // Mark the emergency access reviewed, with a note; the review is itself an entry.
    await item.getByRole('button', { name: /Mark as reviewed/ }).click();
    const review = page.getByRole('dialog', { name: 'Mark access as reviewed' });
    await review.getByRole('button', { name: 'Mark as reviewed' }).click();
    await expect(review.getByRole('alert')).toContainText('Enter a note saying what you checked');
    await review.getByLabel('Review note').fill('Checked with the ambulance service; appropriate');
    await review.getByRole('button', { name: 'Mark as reviewed' }).click();
    await expect(review).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Marked as reviewed' })).toBeFocused();
    await expect(queue.getByRole('row').filter({ hasText: 'Emergency access' })).toHaveCount(0);
    await shot(page, 'ux-audit-reviewed');

    // One click to all access to this patient.
    await entries
      .getByRole('row')
      .filter({ hasText: 'Emergency access' })
      .getByRole('button', { name: /All access to this patient/ })
      .click();
    await expect(page.getByLabel('NHS number')).toHaveValue('900 000 0009');
    await expect(entries).toContainText('Reviewed an access');

    // Filtered: this patient, SCR events. Export exactly what is shown, verified in the app.
    await page
      .getByLabel('Event', { exact: true })
      .selectOption({ label: 'Summary Care Record: access, views and prints' });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const counted = page.getByRole('heading', { name: /entr(y|ies) — page 1 of/ });
    await expect(counted).toBeFocused();
    const shown = Number(/^(\d+)/.exec((await counted.textContent()) ?? '')?.[1]);
    expect(shown).toBeGreaterThan(0);
    expect(await entries.locator('tbody tr').count()).toBe(shown);
    await page.getByRole('button', { name: 'Export what is shown' }).click();
    const verified = page.getByRole('heading', {
      name: /^Export verified: \d+ entr(y|ies), signed by workstation /,
    });
    await expect(verified).toBeFocused({ timeout: 20_000 });
    await expect(verified).toContainText(`Export verified: ${shown} ${shown === 1 ? 'entry' : 'entries'}`);
    const folder = (await page.locator('.app-export__path').textContent()) ?? '';
    // The test host saves under the training data folder and shows the full path.
    expect(folder.startsWith(app.dataDir)).toBe(true);
    const lines = readFileSync(join(folder, 'audit.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(shown);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { filter: unknown };
    expect(manifest.filter).toMatchObject({
      nhsNumber: '9000000009',
      eventType: 'scr.',
      hideTechnical: true,
    });
    const fingerprint = (await page.locator('.app-export code').nth(1).textContent()) ?? '';
    expect(await verifyBundle(folder, { trusted: [fingerprint] })).toMatchObject({
      intact: true,
      trusted: true,
    });
    await expectAccessible(page);
    await shot(page, 'ux-audit-export-verified');
  });
});
