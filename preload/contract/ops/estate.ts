// estate.*: the privacy officer's "Estate" view over the estate audit store (issue 16): every
// workstation's verified entries, the cross-workstation "Access to review" queue, and each
// workstation's series health. Only the privacy officer (R0001 with B0011) reaches the handlers.
import { z } from 'zod';
import { defineOperation } from '../operation';
import { AuditEntryView, ReviewReason } from './audit';

const isoInstant = z.iso.datetime({ offset: true });

export const EstateSearchInput = z
  .object({
    nhsNumber: z
      .string()
      .regex(/^\d{10}$/, 'an NHS number is 10 digits')
      .optional(),
    /** The user's SDS UUID. */
    user: z.string().trim().min(1).max(100).optional(),
    workstation: z.string().trim().min(1).max(64).optional(),
    /** ODS organisation code. */
    ods: z.string().trim().min(1).max(10).optional(),
    /** Dotted event type, or a prefix ending in a dot (`scr.`). */
    eventType: z.string().trim().min(1).max(64).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    page: z.number().int().min(1).max(10_000).default(1),
    pageSize: z.number().int().min(1).max(200).default(25),
  })
  .strict();
export type EstateSearchInput = z.input<typeof EstateSearchInput>;

/** An entry and the series (workstation and signing key) it came from. */
export const EstateEntryView = z.object({
  workstation: z.string(),
  keyFingerprint: z.string(),
  entry: AuditEntryView,
});
export type EstateEntryView = z.infer<typeof EstateEntryView>;

export const EstatePage = z.object({
  entries: z.array(EstateEntryView),
  /** Capped: 10,001 means "more than 10,000". */
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});
export type EstatePage = z.infer<typeof EstatePage>;

export const EstateReviewOutcome = z.enum(['appropriate', 'inappropriate', 'needs-follow-up']);
export type EstateReviewOutcome = z.infer<typeof EstateReviewOutcome>;

export const EstateReviewItem = EstateEntryView.extend({
  /** Why it waits: the workstation's own reasons (emergency, legal, restricted, out of hours). */
  reasons: z.array(ReviewReason).min(1),
  /** The reviewer's own access: shown, but nobody reviews their own. */
  ownAccess: z.boolean(),
});
export type EstateReviewItem = z.infer<typeof EstateReviewItem>;

export const EstateReviewQueueInput = z
  .object({
    /** Only the accesses waiting for this reason (among others). */
    reason: ReviewReason.optional(),
  })
  .strict();
export type EstateReviewQueueInput = z.input<typeof EstateReviewQueueInput>;

export const EstateReviewQueue = z.object({
  items: z.array(EstateReviewItem),
  total: z.number().int().nonnegative(),
});
export type EstateReviewQueue = z.infer<typeof EstateReviewQueue>;

export const EstateReviewInput = z
  .object({
    workstation: z.string().min(1).max(64),
    keyFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    sequence: z.number().int().positive(),
    outcome: EstateReviewOutcome,
    note: z.string().trim().min(1, 'a note is needed').max(500),
  })
  .strict();
export type EstateReviewInput = z.input<typeof EstateReviewInput>;

export const EstateHealth = z.object({
  sources: z.array(
    z.object({
      workstation: z.string(),
      keyFingerprint: z.string(),
      bundles: z.number().int().nonnegative(),
      entries: z.number().int().nonnegative(),
      lastBundleAt: z.string().nullable(),
      lastSequence: z.number().int().nullable(),
      gaps: z.array(z.object({ from: z.number().int(), to: z.number().int() })),
    }),
  ),
  refused: z.array(
    z.object({
      at: z.string(),
      bundle: z.string(),
      workstation: z.string().nullable(),
      reason: z.string(),
    }),
  ),
});
export type EstateHealth = z.infer<typeof EstateHealth>;

export const estateOperations = {
  'estate.search': defineOperation({
    summary: 'Search every workstation’s audit entries in the estate store (the search is itself audited).',
    input: EstateSearchInput,
    output: EstatePage,
  }),
  'estate.reviewQueue': defineOperation({
    summary:
      'Emergency, legal, restricted-record and out-of-hours accesses across all workstations not yet reviewed.',
    input: EstateReviewQueueInput,
    output: EstateReviewQueue,
  }),
  'estate.review': defineOperation({
    summary: 'Review one access: written to the estate store and to the reviewer’s own trail.',
    input: EstateReviewInput,
    output: z.object({ recorded: z.literal(true) }),
  }),
  'estate.health': defineOperation({
    summary: 'Per-workstation series health: last bundle received, gaps, refused bundles.',
    input: z.object({}).strict(),
    output: EstateHealth,
  }),
} as const;
