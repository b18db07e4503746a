// The embedded estate store (issue 16): one encrypted SQLite/SQLCipher file on the privacy
// officer's workstation, opened through native/sqlite with a raw 32-byte key handled like the
// workstation trail's (a 0600 key file for the tools; the platform key store in the app). Same
// rules as the PostgreSQL store: one transaction per bundle, continuity checked first.
import { openEncryptedDatabase, type EncryptedDatabase } from '../../native/sqlite';
import type { AuditEntry } from '../audit/entry';
import { rowValues } from '../audit/store';
import { ContinuityCheck, heldWindow, type HeldLink } from './continuity';
import { COUNT_CAP, TO_REVIEW, reviewFromWhere, whereOf } from './filter-sql';
import {
  clampLimit,
  gapsBySource,
  reviewReasonsColumn,
  reviewReasonsOf,
  type EstateEntry,
  type EstateFilter,
  type EstateHealth,
  type EstatePage,
  type EstateStore,
  type LoadResult,
  type PurgeRecord,
  type Refusal,
  type ReviewInput,
  type ReviewItem,
  type ReviewQueueFilter,
  type SearchRecord,
  type VerifiedBundle,
} from './model';

export const fileMigrations: readonly string[] = [
  `CREATE TABLE estate_source (
     id INTEGER PRIMARY KEY,
     workstation TEXT NOT NULL,
     key_fingerprint TEXT NOT NULL,
     public_key TEXT NOT NULL,
     first_seen TEXT NOT NULL,
     UNIQUE (workstation, key_fingerprint)
   ) STRICT;
   CREATE TABLE estate_bundle (
     id INTEGER PRIMARY KEY,
     source_id INTEGER NOT NULL REFERENCES estate_source (id),
     signature TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     entries INTEGER NOT NULL,
     added INTEGER NOT NULL,
     first_sequence INTEGER,
     last_sequence INTEGER,
     previous_hash TEXT,
     chain_head TEXT,
     created_at TEXT NOT NULL,
     ingested_at TEXT NOT NULL
   ) STRICT;
   CREATE INDEX estate_bundle_source ON estate_bundle (source_id, first_sequence);
   CREATE TABLE estate_refusal (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     bundle TEXT NOT NULL,
     workstation TEXT,
     key_fingerprint TEXT,
     reason TEXT NOT NULL
   ) STRICT;
   CREATE TABLE estate_entry (
     source_id INTEGER NOT NULL,
     sequence INTEGER NOT NULL,
     at TEXT NOT NULL,
     tz_offset TEXT NOT NULL,
     type TEXT NOT NULL,
     outcome TEXT NOT NULL,
     user_uuid TEXT,
     display_name TEXT,
     role_profile_id TEXT,
     job_role TEXT,
     ods_code TEXT,
     workstation TEXT NOT NULL,
     asid TEXT,
     nhs_number TEXT,
     interaction_id TEXT,
     message_id TEXT,
     correlation_id TEXT,
     access_reason TEXT,
     access_reason_text TEXT,
     detail TEXT,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (source_id, sequence)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX estate_entry_nhs ON estate_entry (nhs_number, at) WHERE nhs_number IS NOT NULL;
   CREATE INDEX estate_entry_user ON estate_entry (user_uuid, at) WHERE user_uuid IS NOT NULL;
   CREATE INDEX estate_entry_at ON estate_entry (at);
   CREATE INDEX estate_entry_to_review ON estate_entry (at)
     WHERE access_reason IN ('emergency', 'legal') AND type IN ('scr.access', 'scr.access-decision');
   CREATE TABLE estate_review (
     source_id INTEGER NOT NULL,
     sequence INTEGER NOT NULL,
     reviewed_at TEXT NOT NULL,
     reviewer_uuid TEXT NOT NULL,
     reviewer_name TEXT NOT NULL,
     outcome TEXT NOT NULL,
     note TEXT NOT NULL,
     PRIMARY KEY (source_id, sequence)
   ) STRICT;
   CREATE TABLE estate_purge (
     id INTEGER PRIMARY KEY,
     record TEXT NOT NULL
   ) STRICT;
   CREATE TABLE estate_search (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     searcher TEXT NOT NULL,
     via TEXT NOT NULL,
     filter TEXT NOT NULL,
     results INTEGER NOT NULL
   ) STRICT;`,
  // 2: as the PostgreSQL store's migration 2 (pg-schema.ts): each entry's review reasons, decided
  // at ingest by the workstation's own rule, with the queue's partial index on them. Backfilled:
  // emergency and legal access decisions already held. Not backfilled: restricted-record and
  // out-of-hours accesses already held (the rule is the app's code with the administrator's
  // opening hours, which SQL has neither of); they stay out of the queue.
  `ALTER TABLE estate_entry ADD COLUMN review_reasons TEXT;
   UPDATE estate_entry SET review_reasons = access_reason
     WHERE access_reason IN ('emergency', 'legal') AND type IN ('scr.access', 'scr.access-decision');
   DROP INDEX estate_entry_to_review;
   CREATE INDEX estate_entry_review_queue ON estate_entry (at) WHERE review_reasons IS NOT NULL;`,
];

const ENTRY_COLUMNS =
  'e.sequence, e.at, e.tz_offset, e.type, e.outcome, e.user_uuid, e.display_name, e.role_profile_id, ' +
  'e.job_role, e.ods_code, e.workstation, e.asid, e.nhs_number, e.interaction_id, e.message_id, ' +
  'e.correlation_id, e.access_reason, e.access_reason_text, e.detail, e.prev_hash, e.hash';
const ENTRY_SELECT = `s.workstation, s.key_fingerprint, ${ENTRY_COLUMNS}, e.review_reasons`;
/** Where the review's columns start in a queue row: after ENTRY_SELECT's 24. */
const REVIEW_AT = 24;

/** Row arrays in ENTRY_SELECT order → the source, the entry and its review reasons. */
function estateEntryOf(v: unknown[]): EstateEntry {
  const t = (i: number) => v[i] as string;
  const m = (i: number) => v[i] as string | null;
  const entry: AuditEntry = {
    sequence: v[2] as number,
    at: t(3),
    tzOffset: t(4),
    type: t(5),
    outcome: t(6),
    userUuid: m(7),
    displayName: m(8),
    roleProfileId: m(9),
    jobRole: m(10),
    odsCode: m(11),
    workstation: t(12),
    asid: m(13),
    nhsNumber: m(14),
    interactionId: m(15),
    messageId: m(16),
    correlationId: m(17),
    accessReason: m(18),
    accessReasonText: m(19),
    detail: m(20),
    prevHash: t(21),
    hash: t(22),
  };
  return {
    source: { workstation: t(0), keyFingerprint: t(1) },
    entry,
    reviewReasons: reviewReasonsOf(m(23)),
  };
}

const dialect = { placeholder: () => '?', sourceWorkstation: 's.workstation' };

export function openFileStore(file: string, key: Buffer): EstateStore {
  const db: EncryptedDatabase = openEncryptedDatabase({ file, key, migrations: fileMigrations });
  db.pragma('cache_size=-65536');
  db.pragma('wal_autocheckpoint=4000');
  const insert = db.prepare(
    `INSERT INTO estate_entry (source_id, ${ENTRY_COLUMNS.replace(/e\./g, '')}, review_reasons)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = () => new Date().toISOString();

  let loading = false;
  const loadInTransaction = async (bundle: VerifiedBundle): Promise<LoadResult> => {
    const seen = db.prepare('SELECT 1 FROM estate_bundle WHERE signature = ?').get(bundle.signature);
    if (seen) return { outcome: 'duplicate', added: 0 };
    db.prepare(
      `INSERT INTO estate_source (workstation, key_fingerprint, public_key, first_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (workstation, key_fingerprint) DO NOTHING`,
    ).run(bundle.source.workstation, bundle.source.keyFingerprint, bundle.source.publicKey, now());
    const sourceId = (
      db
        .prepare<{ id: number }>('SELECT id FROM estate_source WHERE workstation = ? AND key_fingerprint = ?')
        .get(bundle.source.workstation, bundle.source.keyFingerprint) as { id: number }
    ).id;
    const window = heldWindow(bundle);
    const held: HeldLink[] = db
      .prepare<{ sequence: number; hash: string; prev_hash: string }>(
        'SELECT sequence, hash, prev_hash FROM estate_entry WHERE source_id = ? AND (sequence BETWEEN ? AND ? OR sequence = ?)',
      )
      .all(sourceId, window.low, window.high, window.link)
      .map((r) => ({ sequence: r.sequence, hash: r.hash, prevHash: r.prev_hash }));
    const check = new ContinuityCheck(bundle, held);
    for await (const batch of bundle.read()) {
      for (const e of batch) {
        if (check.accept(e)) {
          insert.run(sourceId, ...rowValues(e), reviewReasonsColumn(bundle.reviewReasons(e)));
        }
      }
    }
    const { added } = check.finish();
    // Everything in it is already held (a re-export of the same range): nothing changes.
    if (added === 0 && bundle.entries > 0) return { outcome: 'duplicate', added: 0 };
    db.prepare(
      `INSERT INTO estate_bundle (source_id, signature, name, entries, added, first_sequence, last_sequence,
         previous_hash, chain_head, created_at, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sourceId,
      bundle.signature,
      bundle.name,
      bundle.entries,
      added,
      bundle.firstSequence,
      bundle.lastSequence,
      bundle.previousHash,
      bundle.chainHead,
      bundle.createdAt,
      now(),
    );
    return { outcome: 'ingested', added };
  };

  const store: EstateStore = {
    kind: 'file',

    async load(bundle: VerifiedBundle): Promise<LoadResult> {
      // Why BEGIN/COMMIT by hand: the bundle is streamed from disk (awaits), and a large bundle
      // must not be held in memory whole; this connection serves only this store, one load at a time.
      if (loading) throw new Error('the file store loads one bundle at a time');
      loading = true;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await loadInTransaction(bundle);
        if (result.outcome === 'ingested') db.exec('COMMIT');
        else db.exec('ROLLBACK');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      } finally {
        loading = false;
      }
    },

    async recordRefusal(refusal: Refusal) {
      db.prepare(
        'INSERT INTO estate_refusal (at, bundle, workstation, key_fingerprint, reason) VALUES (?, ?, ?, ?, ?)',
      ).run(now(), refusal.bundle, refusal.workstation, refusal.keyFingerprint, refusal.reason);
    },

    async query(filter: EstateFilter): Promise<EstatePage> {
      const { clause, params } = whereOf(filter, dialect);
      const limit = clampLimit(filter.limit);
      const offset = Math.max(0, Math.floor(filter.offset ?? 0));
      const from = 'FROM estate_entry e JOIN estate_source s ON s.id = e.source_id';
      const rows = db
        .prepare(
          `SELECT ${ENTRY_SELECT} ${from} ${clause} ORDER BY e.at DESC, e.source_id, e.sequence DESC LIMIT ${limit} OFFSET ${offset}`,
        )
        .raw(true)
        .all(...params);
      const total = db
        .prepare<{ n: number }>(
          `SELECT count(*) AS n FROM (SELECT 1 ${from} ${clause} LIMIT ${COUNT_CAP + 1})`,
        )
        .get(...params);
      return { entries: rows.map(estateEntryOf), total: total?.n ?? 0 };
    },

    async reviewQueue(filter: ReviewQueueFilter) {
      const { sql: from, params } = reviewFromWhere(filter, dialect);
      const rows = db
        .prepare(
          `SELECT ${ENTRY_SELECT}, r.reviewed_at, r.reviewer_uuid, r.reviewer_name, r.outcome, r.note
           ${from} ORDER BY e.at DESC LIMIT ${clampLimit(filter.limit)}`,
        )
        .raw(true)
        .all(...params);
      const total = db.prepare<{ n: number }>(`SELECT count(*) AS n ${from}`).get(...params);
      const items: ReviewItem[] = rows.map((v) => ({
        ...estateEntryOf(v),
        review:
          v[REVIEW_AT] === null
            ? null
            : {
                reviewedAt: v[REVIEW_AT] as string,
                reviewerUuid: v[REVIEW_AT + 1] as string,
                reviewerName: v[REVIEW_AT + 2] as string,
                outcome: v[REVIEW_AT + 3] as NonNullable<ReviewItem['review']>['outcome'],
                note: v[REVIEW_AT + 4] as string,
              },
      }));
      return { items, total: total?.n ?? 0 };
    },

    async review(input: ReviewInput) {
      const result = db
        .prepare(
          `INSERT OR IGNORE INTO estate_review (source_id, sequence, reviewed_at, reviewer_uuid, reviewer_name, outcome, note)
           SELECT e.source_id, e.sequence, ?, ?, ?, ?, ?
           FROM estate_entry e JOIN estate_source s ON s.id = e.source_id
           WHERE s.workstation = ? AND s.key_fingerprint = ? AND e.sequence = ? AND ${TO_REVIEW}`,
        )
        .run(
          new Date(input.at).toISOString(),
          input.reviewerUuid,
          input.reviewerName,
          input.outcome,
          input.note,
          input.source.workstation,
          input.source.keyFingerprint,
          input.sequence,
        );
      if (result.changes === 0) throw new Error('no such access to review, or it has already been reviewed');
    },

    async health(): Promise<EstateHealth> {
      const sources = db
        .prepare<{
          id: number;
          workstation: string;
          key_fingerprint: string;
          bundles: number;
          entries: number | null;
          last_at: string | null;
          last_sequence: number | null;
        }>(
          `SELECT s.id, s.workstation, s.key_fingerprint, count(b.id) AS bundles, sum(b.added) AS entries,
             max(b.ingested_at) AS last_at, max(b.last_sequence) AS last_sequence
           FROM estate_source s LEFT JOIN estate_bundle b ON b.source_id = s.id
           GROUP BY s.id ORDER BY s.workstation, s.key_fingerprint`,
        )
        .all();
      const ranges = db
        .prepare<{ source_id: number; first_sequence: number; last_sequence: number }>(
          'SELECT source_id, first_sequence, last_sequence FROM estate_bundle WHERE first_sequence IS NOT NULL',
        )
        .all();
      const gaps = gapsBySource(ranges);
      const refused = db
        .prepare<{
          at: string;
          bundle: string;
          workstation: string | null;
          key_fingerprint: string | null;
          reason: string;
        }>(
          'SELECT at, bundle, workstation, key_fingerprint, reason FROM estate_refusal ORDER BY at DESC, id DESC LIMIT 100',
        )
        .all();
      return {
        sources: sources.map((s) => ({
          workstation: s.workstation,
          keyFingerprint: s.key_fingerprint,
          bundles: s.bundles,
          entries: s.entries ?? 0,
          lastBundleAt: s.last_at,
          lastSequence: s.last_sequence,
          gaps: gaps.get(s.id) ?? [],
        })),
        refused: refused.map((r) => ({
          at: r.at,
          bundle: r.bundle,
          workstation: r.workstation,
          keyFingerprint: r.key_fingerprint,
          reason: r.reason,
        })),
      };
    },

    async recordSearch(search: SearchRecord) {
      db.prepare('INSERT INTO estate_search (at, searcher, via, filter, results) VALUES (?, ?, ?, ?, ?)').run(
        now(),
        search.searcher,
        search.via,
        JSON.stringify(search.filter),
        search.results,
      );
    },

    async purge(before: string, record: (entries: number) => PurgeRecord): Promise<PurgeRecord> {
      return db.transaction(() => {
        const deleted = db
          .prepare('DELETE FROM estate_entry WHERE at < ?')
          .run(new Date(before).toISOString());
        const signed = record(deleted.changes);
        db.prepare('INSERT INTO estate_purge (record) VALUES (?)').run(JSON.stringify(signed));
        return signed;
      })();
    },

    async purges() {
      return db
        .prepare<{ record: string }>('SELECT record FROM estate_purge ORDER BY id')
        .all()
        .map((r) => JSON.parse(r.record) as PurgeRecord);
    },

    async close() {
      if (db.open) db.close();
    },
  };
  return store;
}
