// NHS number rules (product.md section 7; CUI NHS Number Input and Display v4): what the user
// typed is reduced to its digits and checked with modulus 11 before anything is sent to Spine.
import { AppError } from '../api/app-error';

export const invalidNhsNumberMessage = 'This is not a valid NHS number — check the digits';

/** Modulus 11 with weights 10..2; 11 → 0, 10 → invalid; the result must equal digit 10. */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const remainder = 11 - (sum % 11);
  const check = remainder === 11 ? 0 : remainder;
  if (check === 10) return false;
  return check === Number(digits[9]);
}

/**
 * The ten digits of a typed NHS number (spaces and hyphens allowed between groups), or an
 * INVALID_NHS_NUMBER error. Anything else typed in the box is refused rather than guessed at.
 */
export function normaliseNhsNumber(typed: string): string {
  const stripped = typed.replace(/[\s-]/g, '');
  if (!isValidNhsNumber(stripped)) throw new AppError('INVALID_NHS_NUMBER', invalidNhsNumberMessage);
  return stripped;
}

/** `999 999 9999` (NUM-0002): for messages written in main, e.g. the superseded warning. */
export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
