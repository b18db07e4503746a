// In-context launch end to end (issue 14): a pharmacy system's request handed to the running
// training app with `smsp launch` over its local channel, in each session state — signed in,
// another patient open, invalid number, details that do not match, rate limit, locked, signed
// out, a role without B0264. Screenshots: test-results/screens/launch-*.png.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openApp, type RunningApp } from './fixtures';
import { enterPasscode, insertCard, removeCard, signIn, signOut, trainingUsers } from './login-helper';
import { banner, expectAccessible } from './clinical-support';

const projectRoot = resolve(import.meta.dirname, '..', '..');

export interface Answer {
  readonly code: number;
  readonly outcome: string | null;
  readonly message: string;
  readonly stdout: string;
}

/** `npm run --silent smsp -- launch URL --data-dir DIR`, as a pharmacy system would run it. */
function launch(app: RunningApp, query: string): Promise<Answer> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/tools/smsp.ts',
        'launch',
        `scr-desktop://patient?${query}`,
        '--data-dir',
        app.dataDir,
      ],
      { cwd: projectRoot, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        let parsed: { outcome?: string; message?: string } = {};
        try {
          parsed = JSON.parse(stdout) as typeof parsed;
        } catch {
          parsed = { message: stderr };
        }
        done({ code, outcome: parsed.outcome ?? null, message: parsed.message ?? '', stdout });
      },
    );
  });
}

const accessDialog = (page: Page) => page.getByRole('dialog', { name: "Access this patient's record" });

test('HAZ-082 HAZ-084 HAZ-085: signed in: opens the patient with the access dialog, asks before changing patient, refuses what it must', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(180_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');

  const opened = await launch(app, 'nhsNumber=9000000009&source=Riverside%20PMR&dob=1968-04-12');
  expect(opened).toMatchObject({ code: 0, outcome: 'opened' });
  // The caller learns nothing about the patient.
  expect(opened.stdout).not.toMatch(/FAIRBAIRN|Jane|1968|LS6/i);
  await expect(banner(page)).toContainText('FAIRBAIRN, Jane Elizabeth (Mrs)');
  await expect(accessDialog(page)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Summary Care Record' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'launch-signed-in-opened');
  await accessDialog(page).getByRole('button', { name: 'Cancel' }).click();

  const confirm = await launch(app, 'nhsNumber=9000000033&source=Riverside%20PMR');
  expect(confirm).toMatchObject({ code: 0, outcome: 'confirm' });
  expect(confirm.stdout).not.toMatch(/CARTWRIGHT|Peter/i);
  const change = page.getByRole('dialog', { name: 'Change patient?' });
  await expect(change).toContainText(
    'You are viewing FAIRBAIRN, Jane Elizabeth (Mrs) (NHS No. 900 000 0009). Open CARTWRIGHT, Peter (Mr) (NHS No. 900 000 0033) instead?',
  );
  await expect(change).toContainText('A system that says it is Riverside PMR asked to open another patient.');
  await expectAccessible(page);
  await shot(page, 'launch-another-patient-open');
  await change.getByRole('button', { name: 'Stay with FAIRBAIRN, Jane Elizabeth (Mrs)' }).click();
  await expect(change).toHaveCount(0);
  await expect(banner(page)).toContainText('NHS No. 900 000 0009');

  expect(await launch(app, 'nhsNumber=9000000033&source=Riverside%20PMR')).toMatchObject({
    outcome: 'confirm',
  });
  await change.getByRole('button', { name: 'Open CARTWRIGHT, Peter (Mr)' }).click();
  await expect(banner(page)).toContainText('NHS No. 900 000 0033');
  await expect(accessDialog(page)).toBeVisible();
  await accessDialog(page).getByRole('button', { name: 'Cancel' }).click();

  const invalid = await launch(app, 'nhsNumber=9000000008&source=Riverside%20PMR');
  expect(invalid).toMatchObject({
    code: 3,
    outcome: 'refused',
    message: expect.stringMatching(/check digit/),
  });
  await expect(page.getByRole('alert')).toContainText('its check digit is wrong');
  await shot(page, 'launch-invalid-number');
  await page.getByRole('button', { name: 'Dismiss' }).click();

  const mismatch = await launch(app, 'nhsNumber=9000000009&source=Riverside%20PMR&dob=1970-01-01');
  expect(mismatch).toMatchObject({
    code: 3,
    outcome: 'refused',
    message: 'Not opened: the user has been told why.',
  });
  await expect(page.getByRole('alert')).toContainText('The details do not match');
  await expect(banner(page)).toContainText('NHS No. 900 000 0033');
  await expectAccessible(page);
  await shot(page, 'launch-details-do-not-match');
  await page.getByRole('button', { name: 'Dismiss' }).click();

  // Default limit: 10 a minute across all sources. Eleven quick requests: the last are refused.
  // Sent together, so all arrive within the same minute however slow the machine is.
  const burst = await Promise.all(
    Array.from({ length: 11 }, (_, i) => launch(app, `nhsNumber=9000000009&source=S${i}&dob=1970-01-01`)),
  );
  const limited = burst.filter((answer) => answer.message.startsWith('Refused: too many requests'));
  expect(limited.length).toBeGreaterThanOrEqual(1);
  expect(limited[0]).toMatchObject({
    code: 3,
    outcome: 'refused',
    message: 'Refused: too many requests in the last minute. Try again later.',
  });
  await shot(page, 'launch-rate-limited');
});

test('HAZ-083: locked: the lock screen names the number only, and the patient opens after unlocking', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(120_000);
  await openApp(page, app);
  await signIn(page, 'PHARMACIST');
  await removeCard(page);
  await expect(page.getByRole('heading', { name: 'This session is locked' })).toBeVisible({
    timeout: 10_000,
  });

  const waiting = await launch(app, 'nhsNumber=9000000009&source=Riverside%20PMR');
  expect(waiting).toMatchObject({ code: 0, outcome: 'waiting' });
  const notice = page.getByRole('status', { name: 'Request from another system' });
  await expect(notice).toContainText(
    'A system that says it is Riverside PMR asked to open NHS No. 900 000 0009',
  );
  await expect(page.getByText('FAIRBAIRN', { exact: false })).toHaveCount(0);
  await shot(page, 'launch-locked-waiting');

  await insertCard(page, 'PHARMACIST');
  await enterPasscode(page, trainingUsers.PHARMACIST.passcode, 'Unlock');
  await expect(banner(page)).toContainText('FAIRBAIRN, Jane Elizabeth (Mrs)', { timeout: 20_000 });
  await expect(accessDialog(page)).toBeVisible();
  await shot(page, 'launch-locked-opened-after-unlock');
});

test('signed out: the sign-in screen names the number, the patient opens after sign-in and role; a role without B0264 is told', async ({
  page,
  app,
  shot,
}) => {
  test.setTimeout(150_000);
  await openApp(page, app);
  const waiting = await launch(app, 'nhsNumber=9000000009&source=Riverside%20PMR');
  expect(waiting).toMatchObject({ code: 0, outcome: 'waiting' });
  const notice = page.getByRole('status', { name: 'Request from another system' });
  await expect(notice).toContainText(
    'A system that says it is Riverside PMR asked to open NHS No. 900 000 0009',
  );
  await expectAccessible(page);
  await shot(page, 'launch-signed-out-waiting');

  await signIn(page, 'PHARMACIST');
  await expect(banner(page)).toContainText('FAIRBAIRN, Jane Elizabeth (Mrs)', { timeout: 20_000 });
  await expect(accessDialog(page)).toBeVisible();
  await shot(page, 'launch-signed-out-opened-after-sign-in');
  await accessDialog(page).getByRole('button', { name: 'Cancel' }).click();

  await signOut(page);
  await removeCard(page);
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible({
    timeout: 15_000,
  });
  await signIn(page, 'GOVERNANCE');
  const refused = await launch(app, 'nhsNumber=9000000009&source=Riverside%20PMR');
  expect(refused).toMatchObject({
    code: 3,
    outcome: 'refused',
    message: 'Refused: the signed-in user’s role cannot open patients.',
  });
  await expect(page.getByRole('alert')).toContainText('Your selected role cannot open patients');
  await shot(page, 'launch-wrong-role');
});
