// What the rest of main may say to the audit trail. The store behind it (encrypted, hash-chained,
// append-only) adds the who/when/where; callers say what happened.
import type {
  AuditIntegrity,
  AuditExportInput,
  AuditExportResult,
  AuditPage,
  AuditSearchQuery,
} from '../../preload/contract';

export type AuditOutcome = 'success' | 'failure' | 'refused' | 'info';

export interface AuditEventInput {
  /** Dotted event type, e.g. `session.login`, `bridge.refused`, `scr.view`. */
  readonly type: string;
  readonly outcome: AuditOutcome;
  readonly nhsNumber?: string;
  readonly interactionId?: string;
  readonly messageId?: string;
  readonly correlationId?: string;
  /** Why the record was opened: `permission-to-view`, `emergency`, `legal` (product.md section 5). */
  readonly accessReason?: string;
  /** The words the user typed with the access reason (emergency/legal justification). */
  readonly accessReasonText?: string;
  /** Structured detail: never a PIN, a key or free-text patient data. */
  readonly detail?: Readonly<Record<string, unknown>>;
  /**
   * Who acted, when the caller knows better than the session (e.g. a login before the session
   * holds the user). Otherwise the trail asks the actor source given to `attachActor`.
   */
  readonly actor?: AuditActor | null;
}

/** The signed-in user and role an audit entry is attributed to (MSCA-AUD-03/04). */
export interface AuditActor {
  readonly userUuid: string;
  readonly displayName: string;
  readonly roleProfileId: string | null;
  readonly jobRoleCode: string | null;
  readonly odsCode: string | null;
  /** The role's and organisation's names, recorded with the codes so the review never looks them up. */
  readonly roleName?: string | null;
  readonly organisationName?: string | null;
}

export interface AuditReceipt {
  readonly sequence: number;
}

/** Searching and exporting, for the audit screen and its handlers (MSCA-AUD-05). */
export interface AuditReader {
  search(query: AuditSearchQuery): Promise<AuditPage>;
  /** Writes a signed bundle into a new folder and records the export itself first. */
  exportBundle(request: AuditExportInput, exportedBy: AuditActor | null): Promise<AuditExportResult>;
}

/** The chain check, breaks and the clock (issue 12); present on the real trail. */
export interface AuditIntegrityPort {
  status(): AuditIntegrity;
  /** A privacy officer acknowledges a break: audited, witnessed, clinical functions reopen. */
  acknowledge(breakId: string, note: string, by: AuditActor): Promise<AuditIntegrity>;
  /** Spine's HTTP `Date` header from one exchange: the clock skew check. */
  observeServerDate(dateHeader: string | undefined): void;
}

export interface AuditSink {
  /**
   * Resolves once the entry is durably committed; rejects (fail closed) when it cannot be, with
   * an AppError('AUDIT_UNAVAILABLE') whose message a user can act on.
   */
  record(event: AuditEventInput): Promise<AuditReceipt>;
  /** Present when the sink is the real store (absent in test fakes). */
  readonly reader?: AuditReader;
  readonly integrity?: AuditIntegrityPort;
}
