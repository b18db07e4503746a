// What the rest of main may say to the audit trail. The store behind it (encrypted, hash-chained,
// append-only) adds the who/when/where; callers say what happened.
export type AuditOutcome = 'success' | 'failure' | 'refused' | 'info';

export interface AuditEventInput {
  /** Dotted event type, e.g. `session.login`, `bridge.refused`, `scr.view`. */
  readonly type: string;
  readonly outcome: AuditOutcome;
  readonly nhsNumber?: string;
  readonly interactionId?: string;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly accessReason?: string;
  /** Structured detail: never a PIN, a key or free-text patient data. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The signed-in user and role an audit entry is attributed to (MSCA-AUD-03/04). */
export interface AuditActor {
  readonly userUuid: string;
  readonly displayName: string;
  readonly roleProfileId: string | null;
  readonly jobRoleCode: string | null;
  readonly odsCode: string | null;
}

export interface AuditReceipt {
  readonly sequence: number;
}

export interface AuditSink {
  /** Resolves once the entry is durably committed; rejects (fail closed) when it cannot be. */
  record(event: AuditEventInput): Promise<AuditReceipt>;
}
