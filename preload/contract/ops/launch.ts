// launch.*: what the screens show about a request from another system to open a patient
// (in-context launch, issue 14). The request itself never crosses the bridge: main parsed and
// checked it. A notice names the requester only as a claim ("a system that says it is …"), and
// carries a patient's name only once the signed-in user's role may see it (the confirm question).
import { z } from 'zod';
import { defineOperation } from '../operation';
import { NhsNumber, Patient, PersonName } from './patients';

/** What the launching system says it is called; null when it did not say. */
const Source = z.string().max(40).nullable();

const Named = z.object({ nhsNumber: NhsNumber, name: PersonName });

export const LaunchNotice = z.discriminatedUnion('kind', [
  /** Locked or signed out: the lock and sign-in screens say which number was asked for. */
  z.object({ kind: z.literal('waiting'), source: Source, nhsNumber: NhsNumber, expiresAt: z.string() }),
  /** Another patient is open: the user confirms before the patient changes. */
  z.object({ kind: z.literal('confirm'), source: Source, current: Named, next: Named }),
  /** Opened: the workspace shows the patient in context and asks for the access decision. */
  z.object({ kind: z.literal('opened'), source: Source, nhsNumber: NhsNumber }),
  /** Not opened, and why, in words. */
  z.object({
    kind: z.literal('refused'),
    source: Source,
    nhsNumber: NhsNumber.nullable(),
    message: z.string(),
  }),
]);
export type LaunchNotice = z.infer<typeof LaunchNotice>;

export const launchOperations = {
  'launch.notice': defineOperation({
    summary: 'The request from another system the screens should mention now, if any.',
    input: z.object({}).strict(),
    output: LaunchNotice.nullable(),
  }),
  'launch.answer': defineOperation({
    summary: 'Answer "Open this patient instead?": open the requested patient, or stay.',
    input: z.object({ open: z.boolean() }).strict(),
    output: Patient.nullable(),
  }),
  'launch.dismiss': defineOperation({
    summary: 'The user has seen an opened or refused notice: forget it.',
    input: z.object({}).strict(),
    output: z.object({ dismissed: z.boolean() }),
  }),
} as const;
