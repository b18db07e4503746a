// The "Training card reader" panel: one button per virtual card, a "Remove card" button, and a
// reader that holds one card at a time. Each click moves a real SoftHSM2 token, and the sign-in
// screen follows what the PKCS#11 monitor sees.
import { test, expect, openApp } from './fixtures';

const names = [
  'PHARMACIST, Test',
  'GENERALPRACTICE, Test',
  'GOVERNANCE, Test',
  'NOROLES, Test',
  'LOCUM, Test',
  'EXPIRED, Test',
  'URGENTCARE, Test',
];

test('inserts, swaps and removes training cards, and the sign-in screen follows the reader', async ({
  page,
  app,
  shot,
}) => {
  await openApp(page, app);
  const reader = page.getByRole('region', { name: 'Training card reader' });
  await expect(reader).toBeVisible();
  for (const name of names) {
    await expect(reader.getByRole('button', { name: `Insert card: ${name}` })).toBeVisible();
  }
  await expect(reader.getByText('No card in the reader')).toBeVisible();
  await expect(reader.getByRole('button', { name: 'Remove card' })).toBeDisabled();

  await reader.getByRole('button', { name: 'Insert card: PHARMACIST, Test' }).click();
  await expect(reader.getByText('Card in reader: PHARMACIST, Test')).toBeVisible();
  await expect(reader.getByRole('button', { name: 'Insert card: PHARMACIST, Test' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  // The session saw a real token arrive: it asks for the passcode.
  await expect(page.getByLabel('Passcode')).toBeVisible({ timeout: 15_000 });
  await shot(page, 'training-reader-card-inserted');

  await reader.getByRole('button', { name: 'Insert card: LOCUM, Test' }).click();
  await expect(reader.getByText('Card in reader: LOCUM, Test')).toBeVisible();
  await expect(reader.getByRole('button', { name: 'Insert card: PHARMACIST, Test' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );

  await reader.getByRole('button', { name: 'Remove card' }).click();
  await expect(reader.getByText('No card in the reader')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Insert or tap your smartcard' })).toBeVisible({
    timeout: 15_000,
  });
  await expect(page.getByLabel('Passcode')).toHaveCount(0);
});
