// The app as a newcomer first meets it: training marker, misuse warning, then the smartcard
// prompt; and the bridge refuses anyone without the launch secret (the address carries only a
// single-use launch token, exchanged once for it).
import { test, expect, openApp } from './fixtures';

test('shows the TRAINING marker and the misuse warning at start-up, then asks for a smartcard', async ({
  page,
  app,
  shot,
}) => {
  await page.goto(app.launchUrl);
  const marker = page.getByRole('region', { name: 'Training mode' });
  await expect(marker).toBeVisible();
  await expect(marker).toContainText('TRAINING');
  await expect(page.getByRole('heading', { name: /Authorised use only/ })).toBeVisible();
  await expect(page.getByText(/Computer Misuse Act 1990/)).toBeVisible();
  await shot(page, 'foundation-misuse-warning');
  await page.getByRole('button', { name: 'I understand' }).click();
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible();
  await expect(marker).toBeVisible();
  await shot(page, 'foundation-insert-card');
});

test('keeps the secret out of the address bar and out of reach of page scripts', async ({ page, app }) => {
  await page.goto(app.launchUrl);
  await expect(page.getByRole('button', { name: 'I understand' })).toBeVisible();
  expect(page.url()).not.toContain('launch=');
  const replaced = await page.evaluate(() => {
    try {
      (window as unknown as { smsp: unknown }).smsp = { invoke: () => 'forged' };
    } catch {
      // strict-mode assignment to a read-only property throws
    }
    return (
      typeof (window as unknown as { smsp: { invoke: unknown } }).smsp.invoke === 'function' &&
      String((window as unknown as { smsp: { invoke: unknown } }).smsp.invoke).includes('forged')
    );
  });
  expect(replaced).toBe(false);
});

test('refuses a forged call without the per-launch secret', async ({ page, app, request }) => {
  const forged = await request.post(`${app.origin}/__smsp/invoke`, {
    headers: { origin: app.origin, 'content-type': 'application/json' },
    data: { operation: 'auth.state', input: {} },
  });
  expect(forged.status()).toBe(401);
  await page.goto(app.url);
  const fromPage = await page.evaluate(async () => {
    const response = await fetch('/__smsp/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"operation":"auth.state","input":{}}',
    });
    return response.status;
  });
  expect(fromPage).toBe(401);
});

test('serves the renderer under a CSP that gives it no network of its own', async ({ page, app }) => {
  const response = await page.goto(app.launchUrl);
  expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'/);
  const external = await page.evaluate(async () => {
    try {
      await fetch('https://example.org/');
      return 'reached';
    } catch {
      return 'blocked';
    }
  });
  expect(external).toBe('blocked');
  await openApp(page, app);
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible();
});

test('finding 7: the launch address works once; a second window on it is told to open a fresh one', async ({
  page,
  app,
  browser,
}) => {
  await openApp(page, app);
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible();
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await second.goto(app.launchUrl);
    await expect(second.getByRole('heading', { name: 'The application cannot start' })).toBeVisible();
    await expect(second.getByText(/already been used or has expired/)).toBeVisible();
  } finally {
    await other.close();
  }
});
