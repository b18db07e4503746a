// scr.*: the access decision and reading the Summary Care Record (issue 7; product.md section 5).
// No clinical data is returned before an access decision for this patient has been recorded in
// the audit trail; the SCR's presentation text crosses only as an allow-listed node tree.
import { z } from 'zod';
import { defineOperation } from '../operation';
import { safeElements } from '../safe-markup';
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

export type SafeNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'element'; readonly name: SafeElementName; readonly children: readonly SafeNode[] };
export const SafeNode: z.ZodType<SafeNode> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('text'), text: z.string() }),
    z.object({ type: z.literal('element'), name: SafeElementName, children: z.array(SafeNode) }),
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
    summary: 'Record (audit) a print of the SCR on screen and return the stamp every printed page carries.',
    input: z.object({ nhsNumber: NhsNumberInput }).strict(),
    output: PrintStamp,
  }),
} as const;
