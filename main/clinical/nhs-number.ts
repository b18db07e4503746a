// NHS number rules (product.md section 7; CUI NHS Number Input and Display v4): what the user
// typed is reduced to its digits and checked with modulus 11 before anything is sent to Spine.
import { AppError } from '../api/app-error';
import { formatNhsNumber, isValidNhsNumber, nhsNumberProblem } from '../../preload/contract/nhs-number';

export { formatNhsNumber, isValidNhsNumber };

/**
 * The ten digits of a typed NHS number (spaces and hyphens allowed between groups), or an
 * INVALID_NHS_NUMBER error saying what is wrong. Anything else typed is refused, not guessed at.
 */
export function normaliseNhsNumber(typed: string): string {
  const problem = nhsNumberProblem(typed);
  if (problem) throw new AppError('INVALID_NHS_NUMBER', problem);
  return typed.replace(/[\s-]/g, '');
}
