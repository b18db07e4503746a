// audit.*: searching and exporting the audit trail (issue 6). Only roles with the `audit.view`
// feature (B0011 or the SCR Governance Person, R0001) reach the handlers (MSCA-IG-01).
import { z } from 'zod';
import { defineOperation } from '../operation';

const isoInstant = z.iso.datetime({ offset: true });

export const AuditSearchInput = z
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
    /** Inclusive lower bound, ISO 8601. */
    from: isoInstant.optional(),
    /** Exclusive upper bound, ISO 8601. */
    to: isoInstant.optional(),
    page: z.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.number().int().min(1).max(200).default(25),
  })
  .strict();
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
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .strict();
export type AuditExportInput = z.input<typeof AuditExportInput>;

export const AuditExportResult = z.object({
  /** Folder on this workstation holding audit.ndjson, audit.csv and manifest.json. */
  folder: z.string(),
  entries: z.number().int().nonnegative(),
  firstSequence: z.number().int().positive().nullable(),
  lastSequence: z.number().int().positive().nullable(),
  /** SHA-256 fingerprint of the workstation's export signing key, for `audit verify --trust`. */
  keyFingerprint: z.string(),
});
export type AuditExportResult = z.infer<typeof AuditExportResult>;

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
