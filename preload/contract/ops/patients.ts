// patients.*: finding a patient in PDS and holding them in context (clinical journeys, issue 7).
// What crosses here is already filtered in main: a restricted (S-flag) patient's address,
// contacts and GP never reach the renderer unless the role holds B1611 (product.md section 1.2).
import { z } from 'zod';
import { defineOperation } from '../operation';

/** `YYYY-MM-DD`, calendar date only (no time zone: CUI dates ignore locale, product.md section 6). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');
/** A date PDS may give only partly (year, year-month) or in full. */
export const PartialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/);
/**
 * Ten digits. Inputs take what the user typed (spaces allowed); main strips the spaces and runs
 * the modulus-11 check before anything is sent, so a typo is INVALID_NHS_NUMBER, not a Spine call.
 */
export const NhsNumberInput = z.string().max(20);
export const NhsNumber = z.string().regex(/^\d{10}$/);

/** Current gender (CUI Sex and Current Gender v4; PDS vocabulary 16.25: 1, 2, 0, 9). */
export const Gender = z.enum(['male', 'female', 'not-known', 'not-specified']);
export type Gender = z.infer<typeof Gender>;

const Name = z.string().trim().min(1).max(35);
const Postcode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/, 'a full UK postcode');

export const BirthCriterion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), date: IsoDate }),
  z.object({ kind: z.literal('range'), from: IsoDate, to: IsoDate }),
  z.object({ kind: z.literal('year'), year: z.number().int().min(1850).max(2200) }),
]);
export type BirthCriterion = z.infer<typeof BirthCriterion>;

export const PatientSearchInput = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('nhs-number'), nhsNumber: NhsNumberInput }).strict(),
  z
    .object({
      mode: z.literal('basic'),
      family: Name,
      given: Name.optional(),
      gender: Gender,
      birthDate: IsoDate,
      /** Only for roles with B0098 (patients.searchByPostcode). */
      postcode: Postcode.optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('advanced'),
      family: Name,
      given: Name.optional(),
      /** `any` is "Search all" genders. */
      gender: z.union([Gender, z.literal('any')]),
      birth: BirthCriterion,
      similarNames: z.boolean().default(false),
      deathDate: IsoDate.optional(),
      postcode: Postcode.optional(),
    })
    .strict(),
]);
export type PatientSearchInput = z.input<typeof PatientSearchInput>;

export const PersonName = z.object({
  family: z.string().nullable(),
  given: z.array(z.string()),
  title: z.string().nullable(),
  preferred: z.string().nullable(),
});
export type PersonName = z.infer<typeof PersonName>;

export const Address = z.object({
  /** PDS address use: usual home, temporary, postal… in words. */
  use: z.enum(['usual', 'temporary', 'postal', 'other']),
  lines: z.array(z.string()),
  postcode: z.string().nullable(),
});
export type Address = z.infer<typeof Address>;

export const Contact = z.object({
  /** CUI order: Home, Work, Mobile, Email (PAB-0030). */
  kind: z.enum(['home', 'work', 'mobile', 'email', 'other']),
  value: z.string(),
});
export type Contact = z.infer<typeof Contact>;

export const PatientWarning = z.object({
  kind: z.enum(['superseded', 'invalid', 'merged', 'restricted-hidden', 'direction-marks']),
  message: z.string(),
});
export type PatientWarning = z.infer<typeof PatientWarning>;

export const Patient = z.object({
  nhsNumber: NhsNumber,
  name: PersonName,
  birthDate: PartialDate.nullable(),
  deathDate: PartialDate.nullable(),
  gender: Gender,
  /** S-flag: PDS limited what it returned; location data is never shown without B1611. */
  restricted: z.boolean(),
  /** Null when withheld (restricted) — the renderer shows nothing, not "Not known". */
  addresses: z.array(Address).nullable(),
  contacts: z.array(Contact).nullable(),
  gp: z.object({ odsCode: z.string(), name: z.string().nullable() }).nullable(),
  warnings: z.array(PatientWarning),
});
export type Patient = z.infer<typeof Patient>;

/** A row in a several-candidates list: enough to tell people apart, nothing more. */
export const PatientCandidate = z.object({
  nhsNumber: NhsNumber,
  name: PersonName,
  birthDate: PartialDate.nullable(),
  deathDate: PartialDate.nullable(),
  gender: Gender,
  restricted: z.boolean(),
  /** Null for restricted patients. */
  postcode: z.string().nullable(),
});
export type PatientCandidate = z.infer<typeof PatientCandidate>;

export const PatientSearchResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('patient'), patient: Patient }),
  z.object({ kind: z.literal('candidates'), candidates: z.array(PatientCandidate) }),
]);
export type PatientSearchResult = z.infer<typeof PatientSearchResult>;

export const patientOperations = {
  'patients.search': defineOperation({
    summary:
      'Find a patient by NHS number (PDS retrieval) or by demographics (trace); one match opens the patient.',
    input: PatientSearchInput,
    output: PatientSearchResult,
  }),
  'patients.open': defineOperation({
    summary: 'Open one patient from a candidates list (PDS retrieval) and make them the patient in context.',
    input: z.object({ nhsNumber: NhsNumberInput }).strict(),
    output: Patient,
  }),
  'patients.current': defineOperation({
    summary: 'The patient in context for this session, if any.',
    input: z.object({}).strict(),
    output: Patient.nullable(),
  }),
  'patients.close': defineOperation({
    summary: 'Put the patient away: the context and any access decision are wiped.',
    input: z.object({}).strict(),
    output: z.object({ closed: z.boolean() }),
  }),
} as const;
