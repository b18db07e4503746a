// consent.*: the patient's SCR consent state in ACS (issue 7; spine-hl7v3.md section 9).
import { z } from 'zod';
import { defineOperation } from '../operation';
import { NhsNumber, NhsNumberInput } from './patients';

/** What ACS says. An absent assertion means Ask; Yes is legacy and treated as Ask for viewing. */
export const ConsentState = z.enum(['Yes', 'No', 'Ask']);
export type ConsentState = z.infer<typeof ConsentState>;

export const ConsentView = z.object({
  nhsNumber: NhsNumber,
  state: ConsentState,
  /** Whether this role may change it (consent.set: B0020 with B0380/B8028/B8029). */
  canChange: z.boolean(),
});
export type ConsentView = z.infer<typeof ConsentView>;

export const consentOperations = {
  'consent.get': defineOperation({
    summary: 'The patient’s SCR consent state from ACS (absent assertion = Ask).',
    input: z.object({ nhsNumber: NhsNumberInput }).strict(),
    output: ConsentView,
  }),
  'consent.set': defineOperation({
    summary: 'Change the patient’s SCR consent in ACS, after a confirmation naming the patient.',
    input: z
      .object({
        nhsNumber: NhsNumberInput,
        state: ConsentState,
        /** The user confirmed the change for this named patient. */
        confirmed: z.literal(true),
      })
      .strict(),
    output: ConsentView,
  }),
} as const;
