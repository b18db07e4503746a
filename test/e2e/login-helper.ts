// Reusable sign-in for end-to-end tests: taps a training card in the "Training card reader"
// panel, types the passcode, picks the role and continues — exactly what a trainer does.
// Usage: `await openApp(page, app); await signIn(page, 'PHARMACIST');`
import { expect, type Page } from '@playwright/test';

export interface TrainingUser {
  /** As printed on the card and shown in the RBAC banner: `SURNAME, Given`. */
  readonly displayName: string;
  readonly uuid: string;
  readonly passcode: string;
  /** ODS code of the role the helper picks by default; null for a user with no roles. */
  readonly odsCode: string | null;
}

/** The training cards (issue 5 table), the expired-certificate test card and the urgent-care card. */
export const trainingUsers = {
  PHARMACIST: { displayName: 'PHARMACIST, Test', uuid: '555000000001', passcode: '123456', odsCode: 'FQ001' },
  GENERALPRACTICE: {
    displayName: 'GENERALPRACTICE, Test',
    uuid: '555000000002',
    passcode: '234567',
    odsCode: 'A81001',
  },
  GOVERNANCE: { displayName: 'GOVERNANCE, Test', uuid: '555000000003', passcode: '345678', odsCode: 'FQ001' },
  NOROLES: { displayName: 'NOROLES, Test', uuid: '555000000004', passcode: '456789', odsCode: null },
  LOCUM: { displayName: 'LOCUM, Test', uuid: '555000000005', passcode: '567890', odsCode: 'FQ001' },
  EXPIRED: { displayName: 'EXPIRED, Test', uuid: '555000000006', passcode: '678901', odsCode: 'FQ001' },
  URGENTCARE: { displayName: 'URGENTCARE, Test', uuid: '555000000010', passcode: '789012', odsCode: 'RRU01' },
} as const satisfies Record<string, TrainingUser>;

export type TrainingUserName = keyof typeof trainingUsers;

const reader = (page: Page) => page.getByRole('region', { name: 'Training card reader' });

/** Inserts the user's virtual card (a real SoftHSM2 token appearing) and waits for the passcode prompt. */
export async function insertCard(page: Page, who: TrainingUserName, expectPrompt = true): Promise<void> {
  await reader(page)
    .getByRole('button', { name: `Insert card: ${trainingUsers[who].displayName}` })
    .click();
  if (expectPrompt) {
    // The monitor polls; allow for its interval and a process restart.
    await expect(page.getByLabel('Passcode')).toBeVisible({ timeout: 15_000 });
  }
}

export async function removeCard(page: Page): Promise<void> {
  await reader(page).getByRole('button', { name: 'Remove card' }).click();
}

export async function enterPasscode(page: Page, passcode: string, button: 'Sign in' | 'Unlock' = 'Sign in') {
  await page.getByLabel('Passcode').fill(passcode);
  await page.getByRole('button', { name: button }).click();
}

/** The RBAC banner's text for a signed-in user. */
export const bannerText = (displayName: string, role: string, organisation: string, ods: string) =>
  `CONFIDENTIAL: PERSONAL PATIENT DATA accessed by ${displayName} – ${role} – ${organisation} (ODS: ${ods})`;

export interface SignInOptions {
  /** ODS code of the role to pick (LOCUM has FQ001 and FQ002); defaults to the user's first. */
  readonly odsCode?: string;
}

/**
 * Signs in as a training user and waits for the RBAC banner. The app must already be open with
 * the misuse warning acknowledged (fixtures.ts `openApp`).
 */
export async function signIn(page: Page, who: TrainingUserName, options: SignInOptions = {}): Promise<void> {
  const user = trainingUsers[who];
  const ods = options.odsCode ?? user.odsCode;
  if (!ods) throw new Error(`${who} has no roles and cannot sign in`);
  await insertCard(page, who);
  await enterPasscode(page, user.passcode);
  await expect(page.getByRole('heading', { name: 'Choose your role' })).toBeVisible({ timeout: 15_000 });
  await page.getByRole('radio', { name: new RegExp(`\\(ODS: ${ods}\\)`) }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('region', { name: 'Signed-in user' })).toContainText(
    `CONFIDENTIAL: PERSONAL PATIENT DATA accessed by ${user.displayName}`,
  );
}

/** Logs out through the banner and waits for the card prompt or the passcode prompt. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Signed-in user' }).getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('region', { name: 'Signed-in user' })).toHaveCount(0);
}
