// NHS number rules (product.md section 7; CUI NHS Number Input and Display v4): what the user
// typed is reduced to its digits and checked with modulus 11 before anything is sent to Spine.
import { AppError } from '../api/app-error';
import {
  formatNhsNumber,
  invalidNhsNumberMessage,
  isValidNhsNumber,
} from '../../preload/contract/nhs-number';

export { formatNhsNumber, invalidNhsNumberMessage, isValidNhsNumber };

/**
 * The ten digits of a typed NHS number (spaces and hyphens allowed between groups), or an
 * INVALID_NHS_NUMBER error. Anything else typed in the box is refused rather than guessed at.
 */
export function normaliseNhsNumber(typed: string): string {
  const stripped = typed.replace(/[\s-]/g, '');
  if (!isValidNhsNumber(stripped)) throw new AppError('INVALID_NHS_NUMBER', invalidNhsNumberMessage);
  return stripped;
}
