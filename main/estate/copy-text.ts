// Entries as rows of PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash
// escapes), the fastest way to load a bundle (issue 16: bulk load with COPY). Pure.
import type { AuditEntry } from '../audit/entry';

/** COPY's column list, in the order copyLine writes them. */
export const COPY_COLUMNS =
  'source_id, sequence, at, tz_offset, type, outcome, user_uuid, display_name, role_profile_id, job_role, ' +
  'ods_code, workstation, asid, nhs_number, interaction_id, message_id, correlation_id, access_reason, ' +
  'access_reason_text, detail, prev_hash, hash, review_reasons';

const special = /[\\\t\n\r]/;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return special.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => escapes[c] as string) : value;
}

/** A hex digest as a bytea literal inside COPY text (`\x…`, its backslash escaped). */
function copyBytea(hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('a chain hash is not 64 lower-case hex digits');
  return `\\\\x${hex}`;
}

/** One entry's row; `reviewReasons` is its review_reasons column (model.ts `reviewReasonsColumn`). */
export function copyLine(sourceId: number, e: AuditEntry, reviewReasons: string | null): string {
  const f = copyField;
  return (
    `${sourceId}\t${e.sequence}\t${e.at}\t${f(e.tzOffset)}\t${f(e.type)}\t${f(e.outcome)}\t${f(e.userUuid)}\t` +
    `${f(e.displayName)}\t${f(e.roleProfileId)}\t${f(e.jobRole)}\t${f(e.odsCode)}\t${f(e.workstation)}\t` +
    `${f(e.asid)}\t${f(e.nhsNumber)}\t${f(e.interactionId)}\t${f(e.messageId)}\t${f(e.correlationId)}\t` +
    `${f(e.accessReason)}\t${f(e.accessReasonText)}\t${f(e.detail)}\t${copyBytea(e.prevHash)}\t${copyBytea(e.hash)}\t` +
    `${f(reviewReasons)}\n`
  );
}
