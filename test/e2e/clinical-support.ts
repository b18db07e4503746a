// Helpers for the clinical end-to-end specs: search by NHS number the way a user types it, the
// access dialog, axe checks on the clinical screens, and sandbox fault injection through the
// sandbox's loopback admin API (mutual TLS with the sandbox's own client certificate).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { RunningApp } from './fixtures';

export async function searchNhsNumber(page: Page, digits: string): Promise<void> {
  await page.getByRole('button', { name: 'Find a patient' }).click();
  const box = page.getByRole('textbox', { name: 'NHS number' });
  await box.fill('');
  await box.pressSequentially(digits);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

/** Basic search (last name, gender, date of birth, and a postcode for roles that may use one). */
export async function basicSearch(
  page: Page,
  details: { family: string; gender: string; born: readonly [string, string, string]; postcode?: string },
): Promise<void> {
  await page.getByRole('tab', { name: 'Basic search' }).click();
  await page.getByLabel('Last name').fill(details.family);
  await page.getByLabel('Gender').selectOption(details.gender);
  const born = page.getByRole('group', { name: 'Date of birth' });
  await born.getByLabel('Day').fill(details.born[0]);
  await born.getByLabel('Month').fill(details.born[1]);
  await born.getByLabel('Year').fill(details.born[2]);
  if (details.postcode !== undefined) await page.getByLabel('Postcode').fill(details.postcode);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

export const banner = (page: Page) => page.getByRole('region', { name: 'Patient banner' });

/** Answers "Access this patient's record" with permission to view for this visit. */
export async function accessWithPermission(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'View Summary Care Record' }).click();
  const dialog = page.getByRole('dialog', { name: "Access this patient's record" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('I have a legitimate relationship with this patient').check();
  await dialog.getByLabel('The patient has given permission to view').check();
  await dialog.getByRole('button', { name: 'View record' }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * No serious or critical axe-core violation on the screen. The signed-in banner and the training
 * card reader belong to the session's screens and are checked by its own specs.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .exclude('[aria-label="Signed-in user"]')
    .exclude('[aria-label="Training card reader"]')
    .analyze();
  const serious = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  expect(serious).toEqual([]);
}

/** Sets the sandbox's fault rules (POST /_admin/faults); an empty list clears them. */
export async function setSandboxFaults(
  app: RunningApp,
  rules: readonly Record<string, unknown>[],
): Promise<void> {
  if (!app.sandbox) throw new Error('the app is not running against the Spine sandbox');
  const tls = join(app.dataDir, 'sandbox', 'tls');
  const url = new URL('/_admin/faults', app.sandbox);
  await new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: readFileSync(join(tls, 'ca.pem')),
        cert: readFileSync(join(tls, 'client-cert.pem')),
        key: readFileSync(join(tls, 'client-key.pem')),
        headers: { 'content-type': 'application/json' },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`faults: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('faults: timed out')));
    req.end(JSON.stringify(rules));
  });
}
