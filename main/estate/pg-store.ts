// The estate store on PostgreSQL (issue 16): the only importer of `pg` and `pg-copy-streams`.
// One transaction per bundle: the series row is locked, continuity checked against the held
// entries around the bundle's range, new entries streamed in with COPY, the receipt recorded.
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { AuditEntry } from '../audit/entry';
import { entryFromRow } from '../audit/store';
import { ContinuityCheck, heldWindow, type HeldLink } from './continuity';
import { COPY_COLUMNS, copyLine } from './copy-text';
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
  type SourceHealth,
  type VerifiedBundle,
} from './model';
import { pgMigrations } from './pg-schema';

export interface PgStoreOptions {
  /** From the administrator's configuration or the platform key store; overrides the URL's. */
  readonly password?: string | undefined;
  readonly maxConnections?: number;
}

const ENTRY_SELECT = `s.workstation AS source_workstation, s.key_fingerprint, e.sequence, e.at, e.tz_offset,
  e.type, e.outcome, e.user_uuid, e.display_name, e.role_profile_id, e.job_role, e.ods_code, e.workstation,
  e.asid, e.nhs_number, e.interaction_id, e.message_id, e.correlation_id, e.access_reason,
  e.access_reason_text, e.detail, encode(e.prev_hash, 'hex') AS prev_hash, encode(e.hash, 'hex') AS hash,
  e.review_reasons`;

/** A stored row as the audit store reads it, with PostgreSQL's types for the two that differ. */
interface EntryRow extends Omit<Parameters<typeof entryFromRow>[0], 'sequence' | 'at'> {
  source_workstation: string;
  key_fingerprint: string;
  /** bigint arrives as text. */
  sequence: string;
  at: Date;
  review_reasons: string | null;
}

function entryOf(r: EntryRow): AuditEntry {
  return entryFromRow({ ...r, sequence: Number(r.sequence), at: r.at.toISOString() });
}

function estateEntryOf(r: EntryRow): EstateEntry {
  return {
    source: { workstation: r.source_workstation, keyFingerprint: r.key_fingerprint },
    entry: entryOf(r),
    reviewReasons: reviewReasonsOf(r.review_reasons),
  };
}

const dialect = { placeholder: (n: number) => `$${n}`, sourceWorkstation: 's.workstation' };

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two ingesting processes starting at once must not both run a migration.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('smsp-estate-migrations'))`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS estate_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM estate_migrations',
    );
    const version = rows[0]?.v ?? 0;
    if (version > pgMigrations.length) {
      throw new Error(
        `the estate database has schema version ${version}, newer than this app understands (${pgMigrations.length})`,
      );
    }
    for (let v = version + 1; v <= pgMigrations.length; v += 1) {
      await client.query(pgMigrations[v - 1] as string);
      await client.query('INSERT INTO estate_migrations (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Writes one bundle's new entries through COPY, honouring back-pressure. */
async function copyEntries(
  stream: CopyStreamQuery,
  sourceId: number,
  bundle: VerifiedBundle,
  check: ContinuityCheck,
): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  done.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  let chunk = '';
  const flush = async () => {
    // Why race `done`: a stream that fails while full never drains.
    if (!stream.write(chunk)) {
      await Promise.race([new Promise<void>((resolve) => stream.once('drain', resolve)), done]);
    }
    chunk = '';
  };
  try {
    for await (const batch of bundle.read()) {
      for (const entry of batch) {
        if (check.accept(entry)) {
          chunk += copyLine(sourceId, entry, reviewReasonsColumn(bundle.reviewReasons(entry)));
        }
      }
      if (chunk.length > 256 * 1024) await flush();
    }
    if (chunk) await flush();
    check.finish();
  } catch (error) {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await done.catch(() => undefined);
    throw error;
  }
  stream.end();
  await done;
}

export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<EstateStore> {
  const pool = new pg.Pool({
    connectionString: url,
    // Why: never fall back to ~/.pgpass (a user's file); the secret comes from the URL in the
    // administrator's configuration or from the platform key store, or there is none.
    password: options.password ?? passwordOf(url) ?? '',
    max: options.maxConnections ?? 4,
    options: '-c TimeZone=UTC',
  });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const transaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };

  const store: EstateStore = {
    kind: 'postgresql',

    async load(bundle: VerifiedBundle): Promise<LoadResult> {
      class Duplicate extends Error {}
      try {
        return await transaction(async (client) => {
          // Upserting the series row locks it: loads into one series are serialised.
          const source = await client.query<{ id: number }>(
            `INSERT INTO estate_source (workstation, key_fingerprint, public_key) VALUES ($1, $2, $3)
             ON CONFLICT (workstation, key_fingerprint) DO UPDATE SET public_key = estate_source.public_key
             RETURNING id`,
            [bundle.source.workstation, bundle.source.keyFingerprint, bundle.source.publicKey],
          );
          const sourceId = (source.rows[0] as { id: number }).id;
          const seen = await client.query('SELECT 1 FROM estate_bundle WHERE signature = $1', [
            bundle.signature,
          ]);
          if (seen.rowCount) throw new Duplicate();
          const window = heldWindow(bundle);
          const held = (
            await client.query<{ sequence: string; hash: string; prev_hash: string }>(
              `SELECT sequence, encode(hash, 'hex') AS hash, encode(prev_hash, 'hex') AS prev_hash
               FROM estate_entry WHERE source_id = $1 AND (sequence BETWEEN $2 AND $3 OR sequence = $4)`,
              [sourceId, window.low, window.high, window.link],
            )
          ).rows.map((r): HeldLink => ({
            sequence: Number(r.sequence),
            hash: r.hash,
            prevHash: r.prev_hash,
          }));
          const check = new ContinuityCheck(bundle, held);
          const stream = client.query(copyFrom(`COPY estate_entry (${COPY_COLUMNS}) FROM STDIN`));
          await copyEntries(stream, sourceId, bundle, check);
          const { added } = check.finish();
          // Everything in it is already held (a re-export of the same range): nothing changes.
          if (added === 0 && bundle.entries > 0) throw new Duplicate();
          await client.query(
            `INSERT INTO estate_bundle (source_id, signature, name, entries, added, first_sequence, last_sequence,
               previous_hash, chain_head, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
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
            ],
          );
          return { outcome: 'ingested', added } as const;
        });
      } catch (error) {
        if (error instanceof Duplicate) return { outcome: 'duplicate', added: 0 };
        throw error;
      }
    },

    async recordRefusal(refusal: Refusal) {
      await pool.query(
        'INSERT INTO estate_refusal (bundle, workstation, key_fingerprint, reason) VALUES ($1, $2, $3, $4)',
        [refusal.bundle, refusal.workstation, refusal.keyFingerprint, refusal.reason],
      );
    },

    async query(filter: EstateFilter): Promise<EstatePage> {
      const { clause, params } = whereOf(filter, dialect);
      const limit = clampLimit(filter.limit);
      const offset = Math.max(0, Math.floor(filter.offset ?? 0));
      const from = 'FROM estate_entry e JOIN estate_source s ON s.id = e.source_id';
      const [rows, count] = await Promise.all([
        pool.query<EntryRow>(
          `SELECT ${ENTRY_SELECT} ${from} ${clause} ORDER BY e.at DESC, e.source_id, e.sequence DESC
           LIMIT ${limit} OFFSET ${offset}`,
          params,
        ),
        pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM (SELECT 1 ${from} ${clause} LIMIT ${COUNT_CAP + 1}) capped`,
          params,
        ),
      ]);
      return {
        entries: rows.rows.map(estateEntryOf),
        total: Number(count.rows[0]?.n ?? 0),
      };
    },

    async reviewQueue(filter: ReviewQueueFilter) {
      const { sql: from, params } = reviewFromWhere(filter, dialect);
      const limit = clampLimit(filter.limit);
      const [rows, count] = await Promise.all([
        pool.query<
          EntryRow & {
            reviewed_at: Date | null;
            reviewer_uuid: string | null;
            reviewer_name: string | null;
            review_outcome: string | null;
            note: string | null;
          }
        >(
          `SELECT ${ENTRY_SELECT}, r.reviewed_at, r.reviewer_uuid, r.reviewer_name, r.outcome AS review_outcome, r.note
           ${from} ORDER BY e.at DESC LIMIT ${limit}`,
          params,
        ),
        pool.query<{ n: string }>(`SELECT count(*) AS n ${from}`, params),
      ]);
      const items: ReviewItem[] = rows.rows.map((r) => ({
        ...estateEntryOf(r),
        review:
          r.reviewed_at === null
            ? null
            : {
                reviewedAt: r.reviewed_at.toISOString(),
                reviewerUuid: r.reviewer_uuid as string,
                reviewerName: r.reviewer_name as string,
                outcome: r.review_outcome as NonNullable<ReviewItem['review']>['outcome'],
                note: r.note as string,
              },
      }));
      return { items, total: Number(count.rows[0]?.n ?? 0) };
    },

    async review(input: ReviewInput) {
      const result = await pool.query(
        `INSERT INTO estate_review (source_id, sequence, reviewed_at, reviewer_uuid, reviewer_name, outcome, note)
         SELECT e.source_id, e.sequence, $4, $5, $6, $7, $8
         FROM estate_entry e JOIN estate_source s ON s.id = e.source_id
         WHERE s.workstation = $1 AND s.key_fingerprint = $2 AND e.sequence = $3 AND ${TO_REVIEW}
         ON CONFLICT DO NOTHING`,
        [
          input.source.workstation,
          input.source.keyFingerprint,
          input.sequence,
          input.at,
          input.reviewerUuid,
          input.reviewerName,
          input.outcome,
          input.note,
        ],
      );
      if (!result.rowCount) throw new Error('no such access to review, or it has already been reviewed');
    },

    async health(): Promise<EstateHealth> {
      const [sources, ranges, refused] = await Promise.all([
        pool.query<{
          id: number;
          workstation: string;
          key_fingerprint: string;
          bundles: string;
          entries: string | null;
          last_at: Date | null;
          last_sequence: string | null;
        }>(
          `SELECT s.id, s.workstation, s.key_fingerprint, count(b.id) AS bundles, sum(b.added) AS entries,
             max(b.ingested_at) AS last_at, max(b.last_sequence) AS last_sequence
           FROM estate_source s LEFT JOIN estate_bundle b ON b.source_id = s.id
           GROUP BY s.id ORDER BY s.workstation, s.key_fingerprint`,
        ),
        pool.query<{ source_id: number; first_sequence: string; last_sequence: string }>(
          'SELECT source_id, first_sequence, last_sequence FROM estate_bundle WHERE first_sequence IS NOT NULL',
        ),
        pool.query<{
          at: Date;
          bundle: string;
          workstation: string | null;
          key_fingerprint: string | null;
          reason: string;
        }>(
          'SELECT at, bundle, workstation, key_fingerprint, reason FROM estate_refusal ORDER BY at DESC, id DESC LIMIT 100',
        ),
      ]);
      const gaps = gapsBySource(ranges.rows);
      return {
        sources: sources.rows.map((s): SourceHealth => ({
          workstation: s.workstation,
          keyFingerprint: s.key_fingerprint,
          bundles: Number(s.bundles),
          entries: Number(s.entries ?? 0),
          lastBundleAt: s.last_at ? s.last_at.toISOString() : null,
          lastSequence: s.last_sequence === null ? null : Number(s.last_sequence),
          gaps: gaps.get(s.id) ?? [],
        })),
        refused: refused.rows.map((r) => ({
          at: r.at.toISOString(),
          bundle: r.bundle,
          workstation: r.workstation,
          keyFingerprint: r.key_fingerprint,
          reason: r.reason,
        })),
      };
    },

    async recordSearch(search: SearchRecord) {
      await pool.query('INSERT INTO estate_search (searcher, via, filter, results) VALUES ($1, $2, $3, $4)', [
        search.searcher,
        search.via,
        JSON.stringify(search.filter),
        search.results,
      ]);
    },

    async purge(before: string, record: (entries: number) => PurgeRecord): Promise<PurgeRecord> {
      return transaction(async (client) => {
        const deleted = await client.query('DELETE FROM estate_entry WHERE at < $1', [
          new Date(before).toISOString(),
        ]);
        const signed = record(deleted.rowCount ?? 0);
        await client.query('INSERT INTO estate_purge (record) VALUES ($1)', [JSON.stringify(signed)]);
        return signed;
      });
    },

    async purges() {
      const { rows } = await pool.query<{ record: PurgeRecord }>(
        'SELECT record FROM estate_purge ORDER BY id',
      );
      return rows.map((r) => r.record);
    },

    async close() {
      await pool.end();
    },
  };
  return store;
}

/** The password inside a connection URL, if any (pg reads it too; we pass it explicitly). */
function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
