// "Access to review" (issue 13, B0011/R0001): every emergency and legal access, every access to a
// restricted record and every access outside the organisation's opening hours, until a privacy
// officer marks it reviewed. A review is itself an audit entry (`audit.reviewed`, naming the
// reviewer and their note), so the queue is worked out from the trail alone: nothing is updated.
import type {
  AuditEntryView,
  AuditPage,
  AuditReviewItem,
  AuditSearchQuery,
  ReviewReason,
} from '../../preload/contract';
import type { OpeningHours } from '../config/schema';

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Mon–Sat 08:00–18:30" (runs of days joined; single days listed). */
export function describeOpeningHours(hours: OpeningHours): string {
  const days = [...new Set(hours.days)].sort((a, b) => a - b);
  if (days.length === 0) return 'never open: every access is reviewed';
  const runs: string[] = [];
  let start = days[0] ?? 0;
  let previous = start;
  for (const day of [...days.slice(1), -1]) {
    if (day === previous + 1) {
      previous = day;
      continue;
    }
    runs.push(start === previous ? `${dayNames[start]}` : `${dayNames[start]}–${dayNames[previous]}`);
    start = day;
    previous = day;
  }
  return `${runs.join(', ')} ${hours.opens}–${hours.closes}`;
}

const minutesOf = (clock: string): number => {
  const [h, m] = clock.split(':');
  return Number(h) * 60 + Number(m);
};

/** Outside opening hours in the workstation's local time when the entry was written (its offset). */
export function outsideOpeningHours(at: string, tzOffset: string, hours: OpeningHours): boolean {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(tzOffset);
  const shift = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(Date.parse(at) + shift * 60_000);
  if (Number.isNaN(local.getTime())) return true;
  if (!hours.days.includes(local.getUTCDay())) return true;
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minute < minutesOf(hours.opens) || minute >= minutesOf(hours.closes);
}

const detailOf = (entry: Pick<AuditEntryView, 'detail'>): Record<string, unknown> => {
  if (!entry.detail) return {};
  try {
    const parsed: unknown = JSON.parse(entry.detail);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * The event types that record an access decision: the app writes `scr.access`; training seeds
 * (main/audit/seed.ts) write `scr.access-decision`, and bundles of those are held by estates.
 */
export const ACCESS_DECISION_TYPES = ['scr.access', 'scr.access-decision'] as const;

/** What deciding whether an entry waits for review reads of it. */
export type ReviewedFields = Pick<AuditEntryView, 'type' | 'accessReason' | 'detail' | 'at' | 'tzOffset'>;

/**
 * Why an access entry needs review; empty when it does not. The one rule for both queues: the
 * workstation's (below) and the estate's, which applies it to each entry as it is ingested.
 */
export function reviewReasons(entry: ReviewedFields, hours: OpeningHours): ReviewReason[] {
  if (!ACCESS_DECISION_TYPES.some((type) => type === entry.type)) return [];
  const reasons: ReviewReason[] = [];
  if (entry.accessReason === 'emergency') reasons.push('emergency');
  if (entry.accessReason === 'legal') reasons.push('legal');
  if (detailOf(entry)['restricted'] === true) reasons.push('restricted');
  if (outsideOpeningHours(entry.at, entry.tzOffset, hours)) reasons.push('out-of-hours');
  return reasons;
}

/** The entry the review concerns, from an `audit.reviewed` entry's detail. */
export function reviewedSequence(entry: AuditEntryView): number | null {
  const value = detailOf(entry)['reviewedSequence'];
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** The names recorded with an entry (trail.ts `withNames`), for the screen. */
export function entryNames(entry: AuditEntryView): AuditEntryView {
  const names = detailOf(entry)['names'];
  if (names === null || typeof names !== 'object') return entry;
  const text = (key: string): string | null => {
    const value = (names as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : null;
  };
  return {
    ...entry,
    names: { role: text('role'), organisation: text('organisation'), patient: text('patient') },
  };
}

export type SearchPage = (query: AuditSearchQuery) => Promise<AuditPage>;

/** Bounded: at most this many entries of one type are read to build the queue. */
const MAX_PAGES = 50;
const PAGE_SIZE = 200;

async function allOfType(search: SearchPage, eventType: string): Promise<AuditEntryView[]> {
  const found: AuditEntryView[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const result = await search({ eventType, page, pageSize: PAGE_SIZE });
    found.push(...result.entries);
    if (page * PAGE_SIZE >= result.total) break;
  }
  return found;
}

/** Every access still waiting for review, newest first; `reviewer` marks the reviewer's own. */
export async function reviewQueue(
  search: SearchPage,
  hours: OpeningHours,
  reviewer: string | null,
): Promise<AuditReviewItem[]> {
  const [reviews, ...decisions] = await Promise.all([
    allOfType(search, 'audit.reviewed'),
    ...ACCESS_DECISION_TYPES.map((type) => allOfType(search, type)),
  ]);
  // One trail: its sequence order is the order entries were written, so newest first.
  const access = decisions.flat().sort((a, b) => b.sequence - a.sequence);
  // Only a completed review counts; a refused one (one's own access) leaves the item waiting.
  const done = new Set(
    reviews
      .filter((review) => review.outcome === 'success')
      .map(reviewedSequence)
      .filter((s): s is number => s !== null),
  );
  const items: AuditReviewItem[] = [];
  for (const entry of access) {
    if (done.has(entry.sequence)) continue;
    const reasons = reviewReasons(entry, hours);
    if (reasons.length === 0) continue;
    items.push({
      entry: entryNames(entry),
      reasons,
      ownAccess: reviewer !== null && entry.userUuid === reviewer,
    });
  }
  return items;
}
