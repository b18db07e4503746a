// The NHS number rules every side of the bridge shares (product.md section 7; CUI NHS Number Input
// and Display): the modulus-11 check, the message for a number that fails it, and the 3-3-4 form.
// Zod-free and environment-free, so main (which checks before any Spine call), the renderer (which
// checks as the user types) and the sandbox (which checks its pack) use one definition.

export const invalidNhsNumberMessage = 'This is not a valid NHS number — check the digits';

/** Ten digits whose tenth is the modulus-11 check digit (weights 10..2; 11 → 0; 10 → never valid). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(digits[9]);
}

/** `999 999 9999` (NUM-0002); anything that is not ten digits is returned as it is. */
export function formatNhsNumber(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : digits;
}
