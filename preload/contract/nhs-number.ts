// The NHS number rules every side of the bridge shares (product.md section 7; CUI NHS Number Input
// and Display): the modulus-11 check, the messages for a number that is not one, and the 3-3-4
// form. Zod-free and environment-free, so main (which checks before any Spine call), the renderer
// (which checks as the user types, on every screen that takes one) and the sandbox use one definition.

/** Not ten digits: say what an NHS number looks like (NHS error-message pattern: what and how to fix). */
export const incompleteNhsNumberMessage = 'Enter the NHS number — it has 10 digits';
/** Ten digits that fail modulus 11: most often one digit typed wrongly. */
export const invalidNhsNumberMessage = 'Check the NHS number — one digit may be wrong';

/** Ten digits whose tenth is the modulus-11 check digit (weights 10..2; 11 → 0; 10 → never valid). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(digits[9]);
}

/**
 * What is wrong with a typed NHS number (spaces and hyphens between groups allowed), or null when
 * it is a valid one: too few or too many digits, or anything but digits, is "enter … 10 digits";
 * ten digits failing the check is "check … one digit may be wrong".
 */
export function nhsNumberProblem(typed: string): string | null {
  const stripped = typed.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(stripped)) return incompleteNhsNumberMessage;
  return isValidNhsNumber(stripped) ? null : invalidNhsNumberMessage;
}

/** `999 999 9999` (NUM-0002); anything that is not ten digits is returned as it is. */
export function formatNhsNumber(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
}
