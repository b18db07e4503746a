// What the user searched with, kept beside the result: PDS returns a restricted (S-flag) record
// with no name, birth date or gender (spine-hl7v3.md section 6.3), and the person at the counter
// still has to confirm who is in front of them — from details marked "as searched".
import type { Gender } from '../../../preload/contract';

export interface SearchedDetails {
  readonly family: string | null;
  readonly given: string | null;
  readonly gender: Gender | null;
  /** `YYYY-MM-DD`, only when the search gave one exact date. */
  readonly birthDate: string | null;
}

export const nothingSearched: SearchedDetails = { family: null, given: null, gender: null, birthDate: null };
