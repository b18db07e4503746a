// Smoke test of the real Electron app. It needs the Electron binary, which only a networked
// build machine can download; here it skips and says so.
import { _electron as electron } from '@playwright/test';
import { test, expect } from './fixtures';
import { findElectron } from '../tools/electron-binary';

const found = findElectron();

test('the Electron app opens its hardened window with the misuse warning', async () => {
  test.skip(
    'missing' in found,
    `Skipped: ${'missing' in found ? found.missing : ''}. Run on a machine where npm installed Electron's binary.`,
  );
  const app = await electron.launch({
    args: ['.'],
    env: { ...process.env, SMSP_CONFIG_OVERRIDES: JSON.stringify({ environment: 'training' }) },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('region', { name: 'Training mode' })).toBeVisible();
    await expect(window.getByRole('button', { name: 'I understand' })).toBeVisible();
    expect(window.url()).toBe('app://smsp/index.html');
    const nodeReachable = await window.evaluate(
      () => typeof (globalThis as { require?: unknown }).require !== 'undefined',
    );
    expect(nodeReachable).toBe(false);
  } finally {
    await app.close();
  }
});
