// audit.*: searching and exporting the audit trail (issue 6). Only roles with the `audit.view`
// feature (B0011 or the SCR Governance Person, R0001) reach the handlers (MSCA-IG-01).
import { z } from 'zod';
import { defineOperation } from '../operation';

const isoInstant = z.iso.datetime({ offset: true });

/** Which entries a search shows or a filtered export keeps (the same criteria for both). */
export const AuditExportFilter = z
  .object({
    /** Matches the user's UUID exactly or part of their display name. */
    user: z.string().trim().min(1).max(100).optional(),
    nhsNumber: z
      .string()
      .regex(/^\d{10}$/, 'an NHS number is 10 digits')
      .optional(),
    messageId: z.string().trim().min(1).max(100).optional(),
    /** Dotted event type, or a prefix ending in a dot (`session.`). */
    eventType: z.string().trim().min(1).max(64).optional(),
    /** Leave out technical events (Spine plumbing, refused bridge calls: audit-events.ts). */
    hideTechnical: z.boolean().optional(),
  })
  .strict();
export type AuditExportFilter = z.output<typeof AuditExportFilter>;

export const AuditSearchInput = AuditExportFilter.extend({
  /** Inclusive lower bound, ISO 8601. */
  from: isoInstant.optional(),
  /** Exclusive upper bound, ISO 8601. */
  to: isoInstant.optional(),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
}).strict();
export type AuditSearchInput = z.input<typeof AuditSearchInput>;
export type AuditSearchQuery = z.output<typeof AuditSearchInput>;

export const AuditEntryView = z.object({
  sequence: z.number().int().positive(),
  /** UTC with milliseconds, e.g. 2026-11-25T14:45:07.123Z. */
  at: z.string(),
  /** The workstation's UTC offset when the entry was written (MSCA-AUD-07), e.g. +01:00. */
  tzOffset: z.string(),
  type: z.string(),
  outcome: z.string(),
  userUuid: z.string().nullable(),
  displayName: z.string().nullable(),
  roleProfileId: z.string().nullable(),
  jobRole: z.string().nullable(),
  odsCode: z.string().nullable(),
  workstation: z.string(),
  asid: z.string().nullable(),
  nhsNumber: z.string().nullable(),
  interactionId: z.string().nullable(),
  messageId: z.string().nullable(),
  correlationId: z.string().nullable(),
  accessReason: z.string().nullable(),
  accessReasonText: z.string().nullable(),
  /** Canonical JSON of the structured detail, or null. */
  detail: z.string().nullable(),
  hash: z.string(),
  /** Names the entry recorded when it was written (issue 13); absent on entries from before. */
  names: z
    .object({
      role: z.string().nullable(),
      organisation: z.string().nullable(),
      patient: z.string().nullable(),
    })
    .optional(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPage = z.object({
  entries: z.array(AuditEntryView),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditExportInput = z
  .object({
    /**
     * A time range is mapped to the smallest sequence range holding every entry stamped within
     * it (issue 12: exports select by sequence, so a clock that went backwards leaves no gap).
     */
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    /** Present: a filtered bundle (matching entries, plus the hash links of those left out). */
    filter: AuditExportFilter.optional(),
  })
  .strict();
export type AuditExportInput = z.input<typeof AuditExportInput>;

/** Who signed a bundle, as `smsp audit verify` prints it. */
export const AuditSigner = z.object({
  fingerprint: z.string(),
  workstation: z.string(),
  keyId: z.string(),
});
export type AuditSigner = z.infer<typeof AuditSigner>;

export const AuditExportResult = z.object({
  /** Folder on this workstation holding audit.ndjson, audit.csv and manifest.json. */
  folder: z.string(),
  kind: z.enum(['full', 'filtered']),
  entries: z.number().int().nonnegative(),
  /** The sequence range covered (a filtered bundle accounts for the entries it leaves out). */
  firstSequence: z.number().int().positive().nullable(),
  lastSequence: z.number().int().positive().nullable(),
  /** SHA-256 fingerprint of the workstation's export signing key, for `audit verify --trust`. */
  keyFingerprint: z.string(),
  /** The bundle as the offline verifier sees it, checked right after writing (issue 12). */
  verification: z.object({
    intact: z.boolean(),
    /** The signer is this workstation's current key or on the administrator's trust list. */
    trusted: z.boolean(),
    entries: z.number().int().nonnegative(),
    signer: AuditSigner.nullable(),
    /** Each in words: where and what is wrong. Empty when intact. */
    problems: z.array(z.string()),
  }),
});
export type AuditExportResult = z.infer<typeof AuditExportResult>;

/** Why an access waits for the privacy officer's review (issue 13). */
export const ReviewReason = z.enum(['emergency', 'legal', 'restricted', 'out-of-hours']);
export type ReviewReason = z.infer<typeof ReviewReason>;

export const AuditReviewItem = z.object({
  entry: AuditEntryView,
  reasons: z.array(ReviewReason).min(1),
  /** The reviewer's own access: shown, but nobody reviews their own. */
  ownAccess: z.boolean(),
});
export type AuditReviewItem = z.infer<typeof AuditReviewItem>;

export const AuditReviewQueue = z.object({
  items: z.array(AuditReviewItem),
  /** The organisation's opening hours as configured, in words ("Mon–Sat 08:00–18:30"). */
  openingHours: z.string(),
});
export type AuditReviewQueue = z.infer<typeof AuditReviewQueue>;

export const AuditMarkReviewedInput = z
  .object({
    sequence: z.number().int().positive(),
    note: z.string().trim().min(1, 'a note is needed').max(500),
  })
  .strict();
export type AuditMarkReviewedInput = z.input<typeof AuditMarkReviewedInput>;

export const auditReviewOperations = {
  'audit.open': defineOperation({
    summary: 'The audit screen was opened (itself an audit entry).',
    input: z.object({}).strict(),
    output: z.object({ recorded: z.literal(true) }),
  }),
  'audit.reviewQueue': defineOperation({
    summary:
      'Access to review: emergency, legal, restricted-record and out-of-hours access not yet reviewed.',
    input: z.object({}).strict(),
    output: AuditReviewQueue,
  }),
  'audit.showExport': defineOperation({
    summary: 'Electron: open the file manager at a folder this session exported.',
    input: z.object({ folder: z.string().min(1).max(4096) }).strict(),
    output: z.object({ shown: z.literal(true) }),
  }),
  'audit.markReviewed': defineOperation({
    summary: 'Mark one access as reviewed, with a note; recorded as an audit entry naming the reviewer.',
    input: AuditMarkReviewedInput,
    output: z.object({ sequence: z.number().int().positive() }),
  }),
} as const;

export const auditOperations = {
  'audit.search': defineOperation({
    summary: 'Search the audit trail by user, NHS number, message id, event type and date range.',
    input: AuditSearchInput,
    output: AuditPage,
  }),
  'audit.export': defineOperation({
    summary: 'Write a signed export bundle (NDJSON FHIR AuditEvent, CSV, manifest) on this workstation.',
    input: AuditExportInput,
    output: AuditExportResult,
  }),
} as const;
