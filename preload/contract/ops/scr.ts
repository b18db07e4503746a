// scr.*: the access decision and reading the Summary Care Record (issue 7; product.md section 5).
// No clinical data is returned before an access decision for this patient has been recorded in
// the audit trail; the SCR's presentation text crosses only as an allow-listed node tree.
import { z } from 'zod';
import { defineOperation } from '../operation';
import { MAX_SPAN, safeElements, safeScopes } from '../safe-markup';
import { NhsNumber, NhsNumberInput } from './patients';

export const PermissionMode = z.enum(['this-visit', 'extended', 'proxy']);
export type PermissionMode = z.infer<typeof PermissionMode>;
export const LegalGround = z.enum(['public-interest', 'statute', 'court-order']);
export type LegalGround = z.infer<typeof LegalGround>;

const Reason = z.string().trim().min(1, 'a reason is required').max(500);

export const AccessBasis = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('permission'), mode: PermissionMode }).strict(),
  /** B0168: the patient cannot be asked; the reason is mandatory (MSCA-SCR-104). */
  z.object({ kind: z.literal('emergency'), reason: Reason }).strict(),
  /** B0082: public interest / statute / court order (MSCA-SCR-105). */
  z.object({ kind: z.literal('legal'), ground: LegalGround, reason: Reason }).strict(),
]);
export type AccessBasis = z.infer<typeof AccessBasis>;

export const AccessDecisionInput = z
  .object({
    nhsNumber: NhsNumberInput,
    /** The user confirms a legitimate relationship with this patient; nothing else is accepted. */
    legitimateRelationship: z.literal(true),
    basis: AccessBasis,
  })
  .strict();
export type AccessDecisionInput = z.input<typeof AccessDecisionInput>;

export const AccessDecision = z.object({
  nhsNumber: NhsNumber,
  basis: z.enum(['permission', 'emergency', 'legal']),
  decidedAt: z.string(),
  /** SCR alert type (1 Create LR (Self Claimed), 2 Access Alert) and reason code (1–6). */
  alert: z.object({ type: z.union([z.literal(1), z.literal(2)]), reasonCode: z.number().int() }),
  /** True when a legitimate relationship self-claim was queued (REPC_IN040000UK15). */
  selfClaimed: z.boolean(),
});
export type AccessDecision = z.infer<typeof AccessDecision>;

export const SafeElementName = z.enum(safeElements);
export type SafeElementName = z.infer<typeof SafeElementName>;

/** The attributes a presentation element may carry (safe-markup.ts `safeAttributes`). */
export const SafeAttributes = z
  .object({
    colspan: z.number().int().min(1).max(MAX_SPAN).optional(),
    rowspan: z.number().int().min(1).max(MAX_SPAN).optional(),
    scope: z.enum(safeScopes).optional(),
    lang: z
      .string()
      .regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/)
      .optional(),
  })
  .strict();
export type SafeAttributes = z.infer<typeof SafeAttributes>;

export type SafeNode =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'element';
      readonly name: SafeElementName;
      readonly attrs?: SafeAttributes;
      readonly children: readonly SafeNode[];
    };
export const SafeNode: z.ZodType<SafeNode> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('text'), text: z.string() }),
    z.object({
      type: z.literal('element'),
      name: SafeElementName,
      attrs: SafeAttributes.optional(),
      children: z.array(SafeNode),
    }),
  ]),
);

export const ScrCategory = z.enum([
  'allergies',
  'acute-medication',
  'repeat-medication',
  'discontinued-repeat-medication',
  'additional',
]);
export type ScrCategory = z.infer<typeof ScrCategory>;

export const ScrEntry = z.object({
  text: z.string(),
  code: z.string().nullable(),
  date: z.string().nullable(),
  /** Dosage, quantity, reaction: shown under the entry. */
  details: z.array(z.string()),
  /** Recorded outside the GP practice ("Prescribed elsewhere", SCR viewer guidance). */
  prescribedElsewhere: z.boolean(),
  /** Main removed bidi controls from this entry's text (shown as a note, HAZ-004). */
  directionMarksRemoved: z.boolean().optional(),
});
export type ScrEntry = z.infer<typeof ScrEntry>;

export const ScrSection = z.object({
  category: ScrCategory,
  title: z.string(),
  entries: z.array(ScrEntry),
});
export type ScrSection = z.infer<typeof ScrSection>;

export const SummaryCareRecordView = z.object({
  nhsNumber: NhsNumber,
  documentId: z.string(),
  /** When the GP practice last sent an update (ISO date-time). */
  lastUpdated: z.string().nullable(),
  author: z.object({ name: z.string().nullable(), organisation: z.string().nullable() }),
  recentPracticeChange: z.boolean(),
  /** Core: allergies first, then acute, repeat, discontinued-repeat medication (always in that order). */
  core: z.array(ScrSection),
  additional: z.array(ScrSection),
  /** The GP's presentation text, sanitised to the allow-list; null when the document has none. */
  presentation: z.array(SafeNode).nullable(),
  /** The GP's text as plain text (every word, no structure) when it is too large to draw as a tree. */
  presentationPlain: z.string().nullable().optional(),
  /** Not the current document (Replaced, Withdrawn): shown prominently (HAZ-007). */
  status: z.enum(['current', 'replaced', 'withdrawn']).optional(),
  /** What main removed from the GP's text, each shown as a visible note (HAZ-003, HAZ-004). */
  notes: z.object({ formattingRemoved: z.boolean(), directionMarksRemoved: z.boolean() }).optional(),
  /** How the record was obtained (provenance line, HAZ-009): when main got it from Spine. */
  retrievedAt: z.string().optional(),
  /** The access basis the user recorded, with its reason for emergency and legal access. */
  access: z
    .object({ kind: z.enum(['permission', 'emergency', 'legal']), reason: z.string().nullable() })
    .optional(),
  /** ODS code of the practice that sent the summary. */
  practiceOdsCode: z.string().nullable().optional(),
});
export type SummaryCareRecordView = z.infer<typeof SummaryCareRecordView>;

export const PrintStamp = z.object({
  nhsNumber: NhsNumber,
  printedAt: z.string(),
  printedBy: z.string(),
  role: z.string(),
  organisation: z.string(),
  marking: z.literal('OFFICIAL-SENSITIVE: PERSONAL'),
});
export type PrintStamp = z.infer<typeof PrintStamp>;

export const scrOperations = {
  'scr.decideAccess': defineOperation({
    summary:
      'Record the access decision (LR + permission / emergency / legal), audited before any record is fetched.',
    input: AccessDecisionInput,
    output: AccessDecision,
  }),
  'scr.get': defineOperation({
    summary: 'The latest normal GP Summary for the patient in context; requires an access decision.',
    input: z.object({ nhsNumber: NhsNumberInput }).strict(),
    output: SummaryCareRecordView,
  }),
  'scr.print': defineOperation({
    summary:
      'Record (audit) a print of the SCR, or a copy of its medication list, and return the stamp every printed page carries.',
    input: z
      .object({
        nhsNumber: NhsNumberInput,
        /** A copy of the medication list to the clipboard is audited like a print (issue 11). */
        purpose: z.enum(['print', 'copy']).optional(),
        /** The sections chosen (their titles), for the audit trail. */
        sections: z.array(z.string().max(200)).max(100).optional(),
        /** Pages of the print as laid out, when known. */
        pages: z.number().int().min(0).max(100_000).optional(),
      })
      .strict(),
    output: PrintStamp,
  }),
} as const;
