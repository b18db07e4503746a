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

/** A break in the audit chain, found at start-up, in the background check or against the witness. */
export const AuditBreak = z.object({
  id: z.string(),
  detectedAt: z.string(),
  foundBy: z.enum(['start-up', 'background']),
  /** The first sequence that is missing, changed or cut off. */
  sequence: z.number().int().nonnegative(),
  reason: z.string(),
  acknowledged: z.object({ by: z.string(), at: z.string() }).nullable(),
});
export type AuditBreak = z.infer<typeof AuditBreak>;

/** The workstation clock as last checked (MSCA-AUD-06/07). */
export const ClockStatus = z.object({
  /** The operating system's time synchronisation at start-up (`unknown` where it cannot say). */
  synchronised: z.enum(['yes', 'no', 'unknown']),
  /** Local clock minus Spine's `Date` header, in seconds; null until Spine has answered. */
  skewSeconds: z.number().nullable(),
  checkedAt: z.string().nullable(),
  limitSeconds: z.number().int().positive(),
  withinLimit: z.boolean(),
});
export type ClockStatus = z.infer<typeof ClockStatus>;

/** The audit trail's integrity as this workstation sees it (issue 12, finding 8). */
export const AuditIntegrity = z.object({
  state: z.enum(['checking', 'intact', 'broken']),
  /** True while a break is unacknowledged: every clinical operation is refused. */
  clinicalClosed: z.boolean(),
  breaks: z.array(AuditBreak),
  /** The start-up part: from the last good checkpoint to the head. */
  startupCheck: z
    .object({
      fromSequence: z.number().int().nonnegative().nullable(),
      toSequence: z.number().int(),
      ms: z.number(),
    })
    .nullable(),
  fullCheck: z.object({
    state: z.enum(['pending', 'running', 'done']),
    entries: z.number().int().nonnegative(),
  }),
  witness: z.object({
    file: z.string(),
    systemLog: z.enum(['journald', 'syslog', 'unavailable']),
    lastCheckpoint: z.object({ sequence: z.number().int().nonnegative(), at: z.string() }).nullable(),
    problems: z.array(z.string()),
  }),
  clock: ClockStatus,
});
export type AuditIntegrity = z.infer<typeof AuditIntegrity>;

export const AuditAcknowledgeInput = z
  .object({
    breakId: z.string().min(1).max(100),
    /** What the privacy officer found or did, kept in the audit entry. */
    note: z.string().trim().min(1).max(500),
  })
  .strict();
export type AuditAcknowledgeInput = z.input<typeof AuditAcknowledgeInput>;

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
  'audit.integrity': defineOperation({
    summary: 'The audit chain check, the witness, the workstation clock, and any break not yet acknowledged.',
    input: z.object({}).strict(),
    output: AuditIntegrity,
  }),
  'audit.clinicalClosed': defineOperation({
    summary:
      'Whether clinical functions are closed by an unacknowledged audit chain break (any user: the workspace notice).',
    input: z.object({}).strict(),
    output: z.object({ closed: z.boolean() }),
  }),
  'audit.acknowledgeBreak': defineOperation({
    summary: 'A privacy officer (R0001 with B0011) acknowledges a chain break, reopening clinical functions.',
    input: AuditAcknowledgeInput,
    output: AuditIntegrity,
  }),
} as const;
