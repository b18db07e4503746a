// The estate audit store's vocabulary (issue 16): what a store holds about each workstation's
// series of verified bundles, what a reviewer may ask, and the one interface both stores (the
// embedded SQLCipher file and PostgreSQL) implement. Pure types and small helpers, no I/O.
import { ReviewReason } from '../../preload/contract';
import type { AuditEntry } from '../audit/entry';

/**
 * One workstation's series. Why both parts: a workstation id is configuration anyone with admin
 * rights can set, so two machines may share one; the signing key is what tells them apart.
 */
export interface SourceKey {
  readonly workstation: string;
  readonly keyFingerprint: string;
}

/**
 * What the store needs of a bundle whose signed manifest the verifier has checked and found
 * trusted, and whose entries it verifies as the store reads them.
 */
export interface VerifiedBundle {
  readonly name: string;
  readonly source: SourceKey & { readonly publicKey: string };
  /** The manifest's signature: the same bytes signed twice is the same bundle. */
  readonly signature: string;
  readonly entries: number;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly previousHash: string | null;
  readonly chainHead: string | null;
  /** The previous full export this one follows (its last sequence and chain head), or null. */
  readonly previousBundle: { readonly lastSequence: number; readonly chainHead: string } | null;
  readonly createdAt: string;
  /**
   * Why an entry of this bundle waits for the privacy officer's review (empty: it does not),
   * decided once as it is loaded, by the workstation's own rule (audit/review.ts).
   */
  reviewReasons(entry: AuditEntry): readonly ReviewReason[];
  /**
   * The bundle's entries in sequence order, in batches, as the verifier checks them; one pass only.
   * Iterating throws instead of ending when the bundle as a whole is not intact, so a store that
   * loads in one transaction and commits only after the last batch keeps nothing of it.
   */
  read(): AsyncIterable<readonly AuditEntry[]>;
}

export type IngestOutcome = 'ingested' | 'duplicate' | 'refused';

export interface LoadResult {
  readonly outcome: Exclude<IngestOutcome, 'refused'> | 'refused';
  /** Entries added to the store (0 for a duplicate). */
  readonly added: number;
  readonly reason?: string;
}

export interface Refusal {
  readonly bundle: string;
  readonly workstation: string | null;
  readonly keyFingerprint: string | null;
  readonly reason: string;
}

export interface EstateFilter {
  readonly nhsNumber?: string | undefined;
  readonly user?: string | undefined;
  readonly workstation?: string | undefined;
  /** With `workstation` and `sequence`: one series' one entry. */
  readonly keyFingerprint?: string | undefined;
  readonly sequence?: number | undefined;
  readonly ods?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** An event type; one ending in `.` is a prefix (`scr.` = every SCR event). */
  readonly event?: string | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/** An entry as the estate holds it: the entry, which series it came from, why it awaits review. */
export interface EstateEntry {
  readonly source: SourceKey;
  readonly entry: AuditEntry;
  /** Decided when the entry was ingested; empty when it does not wait for review. */
  readonly reviewReasons: readonly ReviewReason[];
}

export interface EstatePage {
  readonly entries: readonly EstateEntry[];
  readonly total: number;
}

export interface ReviewItem extends EstateEntry {
  readonly review: null | {
    readonly reviewedAt: string;
    readonly reviewerUuid: string;
    readonly reviewerName: string;
    readonly outcome: ReviewOutcome;
    readonly note: string;
  };
}

export type ReviewOutcome = 'appropriate' | 'inappropriate' | 'needs-follow-up';

export interface ReviewInput {
  readonly source: SourceKey;
  readonly sequence: number;
  readonly reviewerUuid: string;
  readonly reviewerName: string;
  readonly outcome: ReviewOutcome;
  readonly note: string;
  readonly at: string;
}

export interface Gap {
  /** The first and last missing sequence numbers. */
  readonly from: number;
  readonly to: number;
}

export interface SourceHealth extends SourceKey {
  readonly bundles: number;
  readonly entries: number;
  readonly lastBundleAt: string | null;
  readonly lastSequence: number | null;
  readonly gaps: readonly Gap[];
}

export interface EstateHealth {
  readonly sources: readonly SourceHealth[];
  readonly refused: readonly (Refusal & { readonly at: string })[];
}

export interface PurgeRecord {
  readonly format: 'scr-desktop-estate-purge/1';
  /** Entries recorded before this instant were removed. */
  readonly before: string;
  readonly entries: number;
  readonly purgedAt: string;
  readonly by: string;
  readonly publicKey: string;
  readonly keyFingerprint: string;
  readonly signature: string;
}

/** Every reason, in the contract's order (the order audit/review.ts lists an entry's reasons). */
const REASON_ORDER: readonly ReviewReason[] = ReviewReason.options;

/**
 * An entry's review reasons as both stores hold them (the `review_reasons` column): joined by
 * commas in one fixed order, or null when the entry does not wait for review (the queue's
 * partial index holds only the non-null rows).
 */
export function reviewReasonsColumn(reasons: readonly ReviewReason[]): string | null {
  const held = REASON_ORDER.filter((r) => reasons.includes(r));
  return held.length > 0 ? held.join(',') : null;
}

/** The column read back; a word this version does not know is dropped, not shown. */
export function reviewReasonsOf(column: string | null): ReviewReason[] {
  if (!column) return [];
  const words = column.split(',');
  return REASON_ORDER.filter((r) => words.includes(r));
}

export interface ReviewQueueFilter {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Only the accesses with this reason (among others). */
  readonly reason?: ReviewReason | undefined;
  readonly includeReviewed?: boolean | undefined;
  readonly limit?: number | undefined;
}

export interface SearchRecord {
  /** The user (SDS UUID and name) or, from the command line, the operating-system account. */
  readonly searcher: string;
  readonly via: 'cli' | 'app';
  readonly filter: EstateFilter | ReviewQueueFilter;
  readonly results: number;
}

export interface EstateStore {
  readonly kind: 'file' | 'postgresql';
  /** One transaction: continuity checked against what is held, entries added, receipt recorded. */
  load(bundle: VerifiedBundle): Promise<LoadResult>;
  recordRefusal(refusal: Refusal): Promise<void>;
  query(filter: EstateFilter): Promise<EstatePage>;
  reviewQueue(filter: ReviewQueueFilter): Promise<{ items: readonly ReviewItem[]; total: number }>;
  review(input: ReviewInput): Promise<void>;
  /** Every estate search is itself recorded, in the store searched (issue 16: access). */
  recordSearch(search: SearchRecord): Promise<void>;
  health(): Promise<EstateHealth>;
  /** Removes entries recorded before `before`, and keeps the signed purge record. */
  purge(before: string, record: (entries: number) => PurgeRecord): Promise<PurgeRecord>;
  purges(): Promise<readonly PurgeRecord[]>;
  close(): Promise<void>;
}

/** The highest page size a caller may ask for. */
export const MAX_LIMIT = 10_000;

export function clampLimit(limit: number | undefined, fallback = 100): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
}

/** Gaps between held sequence ranges (ranges sorted or not; overlaps allowed). */
export function gapsBetween(ranges: readonly { first: number; last: number }[]): Gap[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const gaps: Gap[] = [];
  let covered: number | null = null;
  for (const r of sorted) {
    if (covered !== null && r.first > covered + 1) gaps.push({ from: covered + 1, to: r.first - 1 });
    covered = covered === null ? r.last : Math.max(covered, r.last);
  }
  return gaps;
}

/** Each series' gaps, from its bundles' sequence ranges (rows of any order). */
export function gapsBySource(
  ranges: readonly { source_id: number; first_sequence: number | string; last_sequence: number | string }[],
): Map<number, Gap[]> {
  const bySource = new Map<number, { first: number; last: number }[]>();
  for (const r of ranges) {
    const list = bySource.get(r.source_id) ?? [];
    list.push({ first: Number(r.first_sequence), last: Number(r.last_sequence) });
    bySource.set(r.source_id, list);
  }
  return new Map([...bySource].map(([id, list]) => [id, gapsBetween(list)]));
}
