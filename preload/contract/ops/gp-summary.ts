// gpSummary.*: composing, validating, uploading and following GP Summaries (issue 7;
// spine-hl7v3.md section 8). Uploads go through the persisted outbox; their live state arrives as
// `upload.status` events and the list is rebuilt from the outbox after a restart.
import { z } from 'zod';
import { defineOperation } from '../operation';
import { IsoDate, NhsNumber, NhsNumberInput } from './patients';

const Text = z.string().trim().min(1).max(500);
const Snomed = z.string().regex(/^\d{6,18}$/, 'a SNOMED CT code is 6–18 digits');

export const DraftAllergy = z
  .object({
    text: Text,
    code: Snomed.optional(),
    reaction: z.string().max(500).optional(),
    date: IsoDate.optional(),
  })
  .strict();
export const DraftMedication = z
  .object({
    text: Text,
    code: Snomed.optional(),
    dosage: z.string().max(500).optional(),
    quantity: z.string().max(100).optional(),
    date: IsoDate.optional(),
  })
  .strict();

export const AdditionalSectionKind = z.enum([
  'diagnoses',
  'problems',
  'risks',
  'treatments',
  'investigations',
  'personal-preferences',
  'advice',
  'care-events',
  'social-circumstances',
]);
export type AdditionalSectionKind = z.infer<typeof AdditionalSectionKind>;

export const GpSummaryDraft = z
  .object({
    allergies: z.array(DraftAllergy).max(200),
    /** True when the practice records no known allergies (distinct from "not recorded"). */
    noKnownAllergies: z.boolean().default(false),
    acuteMedication: z.array(DraftMedication).max(200),
    repeatMedication: z.array(DraftMedication).max(200),
    additional: z.array(z.object({ kind: AdditionalSectionKind, text: Text }).strict()).max(100),
  })
  .strict();
export type GpSummaryDraft = z.input<typeof GpSummaryDraft>;

export const GpSummarySource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('compose'), draft: GpSummaryDraft }).strict(),
  /** A GP Summary (REPC_MT150007UK05 GPSummary element) produced by the practice system. */
  z.object({ kind: z.literal('import'), xml: z.string().min(1).max(5_000_000) }).strict(),
]);
export type GpSummarySource = z.input<typeof GpSummarySource>;

export const GpSummaryInput = z.object({ nhsNumber: NhsNumberInput, source: GpSummarySource }).strict();

export const ValidationProblem = z.object({ field: z.string(), message: z.string() });
export type ValidationProblem = z.infer<typeof ValidationProblem>;

export const GpSummaryValidation = z.object({ valid: z.boolean(), problems: z.array(ValidationProblem) });
export type GpSummaryValidation = z.infer<typeof GpSummaryValidation>;

export const UploadState = z.enum([
  'queued',
  'sent',
  'accepted',
  'acknowledged',
  'rejected',
  'failed',
  'expired',
]);
export type UploadState = z.infer<typeof UploadState>;

export const UploadItem = z.object({
  id: z.string(),
  nhsNumber: NhsNumber.nullable(),
  state: UploadState,
  /** Spine's reason when rejected or failed. */
  message: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UploadItem = z.infer<typeof UploadItem>;

export const gpSummaryOperations = {
  'gpSummary.validate': defineOperation({
    summary: 'Check a composed or imported GP Summary against the Spine rules without sending it.',
    input: GpSummaryInput,
    output: GpSummaryValidation,
  }),
  'gpSummary.upload': defineOperation({
    summary: 'Validate, then queue the GP Summary in the outbox (REPC_IN150016UK05, reliable).',
    input: GpSummaryInput,
    output: UploadItem,
  }),
  'gpSummary.list': defineOperation({
    summary: 'Every GP Summary upload in the outbox with its current state (survives restarts).',
    input: z.object({}).strict(),
    output: z.array(UploadItem),
  }),
} as const;
