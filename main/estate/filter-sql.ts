// One translation of a reviewer's filter into a SQL WHERE clause, for both stores: the caller
// gives its placeholder style and how a timestamp is bound. Every value is a bound parameter.
import type { EstateFilter, ReviewQueueFilter } from './model';

export interface Dialect {
  /** The placeholder for the n-th parameter (1-based): `$n` for PostgreSQL, `?` for SQLite. */
  placeholder(n: number): string;
  /** The column expression for the source table's workstation id. */
  readonly sourceWorkstation: string;
}

export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function whereOf(filter: EstateFilter, dialect: Dialect): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  if (filter.nhsNumber) where.push(`e.nhs_number = ${p(filter.nhsNumber)}`);
  if (filter.user) where.push(`e.user_uuid = ${p(filter.user)}`);
  if (filter.workstation) where.push(`${dialect.sourceWorkstation} = ${p(filter.workstation)}`);
  if (filter.keyFingerprint) where.push(`s.key_fingerprint = ${p(filter.keyFingerprint)}`);
  if (filter.sequence !== undefined) where.push(`e.sequence = ${p(filter.sequence)}`);
  if (filter.ods) where.push(`e.ods_code = ${p(filter.ods)}`);
  if (filter.event) {
    if (filter.event.endsWith('.')) where.push(`e.type LIKE ${p(likePrefix(filter.event))} ESCAPE '\\'`);
    else where.push(`e.type = ${p(filter.event)}`);
  }
  if (filter.from) where.push(`e.at >= ${p(new Date(filter.from).toISOString())}`);
  if (filter.to) where.push(`e.at < ${p(new Date(filter.to).toISOString())}`);
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * Written exactly as the stores' partial index predicate, so the planner uses that index. An
 * entry's reasons were decided when it was ingested (model.ts `reviewReasonsColumn`).
 */
export const TO_REVIEW = 'e.review_reasons IS NOT NULL';

/** Totals stop counting here: a reviewer needs "more than 10,000", not an exact figure. */
export const COUNT_CAP = 10_000;

/** The "Access to review" queue's FROM … WHERE (entries, their series, and any review). */
export function reviewFromWhere(
  filter: ReviewQueueFilter,
  dialect: Dialect,
): { sql: string; params: unknown[] } {
  const where = [TO_REVIEW];
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  // One reason among the entry's: the column is the reasons joined by commas.
  if (filter.reason) where.push(`(',' || e.review_reasons || ',') LIKE ${p(`%,${filter.reason},%`)}`);
  if (filter.from) where.push(`e.at >= ${p(new Date(filter.from).toISOString())}`);
  if (filter.to) where.push(`e.at < ${p(new Date(filter.to).toISOString())}`);
  if (!filter.includeReviewed) where.push('r.source_id IS NULL');
  return {
    sql: `FROM estate_entry e JOIN estate_source s ON s.id = e.source_id
      LEFT JOIN estate_review r ON r.source_id = e.source_id AND r.sequence = e.sequence
      WHERE ${where.join(' AND ')}`,
    params,
  };
}
