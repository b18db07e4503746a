// The audit store proper: an append-only, hash-chained table in an encrypted SQLite file
// (MSCA-AUD-01/03). Synchronous; the app runs it in a worker thread (store-worker.ts), the
// command-line tools call it directly.
import { openEncryptedDatabase, type EncryptedDatabase, type SqlStatement } from '../../native/sqlite';
import type { AuditExportFilter, AuditPage, AuditSearchQuery } from '../../preload/contract';
import { technicalEventPrefixes } from '../../preload/contract/audit-events';
import { GENESIS_HASH, chainHash, seal, type AuditEntry, type UnsealedEntry } from './entry';
import type { BundleKind, BundleLink } from './manifest';

/** Numbered migrations of the audit database (never edit one that has shipped; add the next). */
export const auditMigrations: readonly string[] = [
  `CREATE TABLE audit_entry (
     sequence INTEGER PRIMARY KEY,
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
     hash TEXT NOT NULL
   ) STRICT;
   CREATE INDEX audit_entry_at ON audit_entry (at);
   CREATE INDEX audit_entry_user ON audit_entry (user_uuid, at);
   CREATE INDEX audit_entry_nhs ON audit_entry (nhs_number, at) WHERE nhs_number IS NOT NULL;
   CREATE INDEX audit_entry_message ON audit_entry (message_id) WHERE message_id IS NOT NULL;
   -- MSCA-AUD-01: protected from modification and deletion. The app has no such path; these
   -- triggers stop one being added by mistake.
   CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
   CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
   CREATE TABLE export_key (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     private_pkcs8 BLOB NOT NULL,
     public_spki BLOB NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT;`,
  // Issue 12, finding 3: the export signing key no longer lives in the database (whoever holds the
  // database key could sign with it); it moves to the platform key store and this copy is wiped.
  // export_log remembers where each full bundle ended, so the next one names it (series continuity).
  `PRAGMA secure_delete = ON;
   DROP TABLE export_key;
   CREATE TABLE export_log (
     id INTEGER PRIMARY KEY,
     kind TEXT NOT NULL,
     first_sequence INTEGER,
     last_sequence INTEGER,
     chain_head TEXT,
     key_id TEXT NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT;
   CREATE TRIGGER export_log_no_update BEFORE UPDATE ON export_log
     BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
   CREATE TRIGGER export_log_no_delete BEFORE DELETE ON export_log
     BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;`,
];

interface Row {
  sequence: number;
  at: string;
  tz_offset: string;
  type: string;
  outcome: string;
  user_uuid: string | null;
  display_name: string | null;
  role_profile_id: string | null;
  job_role: string | null;
  ods_code: string | null;
  workstation: string;
  asid: string | null;
  nhs_number: string | null;
  interaction_id: string | null;
  message_id: string | null;
  correlation_id: string | null;
  access_reason: string | null;
  access_reason_text: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** Column values in table order, for INSERT … VALUES (?, …). */
export function rowValues(e: AuditEntry): (string | number | null)[] {
  return [
    e.sequence,
    e.at,
    e.tzOffset,
    e.type,
    e.outcome,
    e.userUuid,
    e.displayName,
    e.roleProfileId,
    e.jobRole,
    e.odsCode,
    e.workstation,
    e.asid,
    e.nhsNumber,
    e.interactionId,
    e.messageId,
    e.correlationId,
    e.accessReason,
    e.accessReasonText,
    e.detail,
    e.prevHash,
    e.hash,
  ];
}

const columnList =
  'sequence, at, tz_offset, type, outcome, user_uuid, display_name, role_profile_id, job_role, ods_code, ' +
  'workstation, asid, nhs_number, interaction_id, message_id, correlation_id, access_reason, ' +
  'access_reason_text, detail, prev_hash, hash';

/** The inverse of rowValues: one raw row (columnList order) back into an entry. */
function entryFromValues(v: unknown[]): AuditEntry {
  const text = (i: number) => v[i] as string;
  const maybe = (i: number) => v[i] as string | null;
  return {
    sequence: v[0] as number,
    at: text(1),
    tzOffset: text(2),
    type: text(3),
    outcome: text(4),
    userUuid: maybe(5),
    displayName: maybe(6),
    roleProfileId: maybe(7),
    jobRole: maybe(8),
    odsCode: maybe(9),
    workstation: text(10),
    asid: maybe(11),
    nhsNumber: maybe(12),
    interactionId: maybe(13),
    messageId: maybe(14),
    correlationId: maybe(15),
    accessReason: maybe(16),
    accessReasonText: maybe(17),
    detail: maybe(18),
    prevHash: text(19),
    hash: text(20),
  };
}

export function entryFromRow(r: Row): AuditEntry {
  return {
    sequence: r.sequence,
    at: r.at,
    tzOffset: r.tz_offset,
    type: r.type,
    outcome: r.outcome,
    userUuid: r.user_uuid,
    displayName: r.display_name,
    roleProfileId: r.role_profile_id,
    jobRole: r.job_role,
    odsCode: r.ods_code,
    workstation: r.workstation,
    asid: r.asid,
    nhsNumber: r.nhs_number,
    interactionId: r.interaction_id,
    messageId: r.message_id,
    correlationId: r.correlation_id,
    accessReason: r.access_reason,
    accessReasonText: r.access_reason_text,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** An entry before the store numbers and chains it. */
export type PendingEntry = Omit<UnsealedEntry, 'sequence' | 'prevHash'>;

export interface ChainHead {
  readonly sequence: number;
  readonly hash: string;
}

/** Where and why the chain is broken. */
export interface ChainBreak {
  readonly sequence: number;
  readonly reason: string;
}

export interface RangeQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** An inclusive range of sequence numbers: what exports and chain checks select by. */
export interface SequenceRange {
  readonly first: number;
  readonly last: number;
}

/** A full or filtered bundle this store has exported (export_log). */
export interface ExportRecord {
  readonly kind: BundleKind;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly chainHead: string | null;
  readonly keyId: string;
  readonly createdAt: string;
}

export class AuditStore {
  private readonly insert: SqlStatement;
  private readonly lastEntry: SqlStatement<{ sequence: number; hash: string }>;
  private readonly appendMany: (entries: readonly PendingEntry[]) => AuditEntry[];

  private constructor(private readonly db: EncryptedDatabase) {
    // Each page read from disk is decrypted and HMAC-checked: a larger cache (32 MiB) keeps the
    // index pages an append touches decrypted in memory.
    db.pragma('cache_size=-32768');
    // A checkpoint decrypts each page from the WAL and encrypts it again into the database:
    // checkpointing every 4,000 pages (16 MiB) instead of 1,000 rewrites hot index pages less
    // often (batched appends +5 % measured). Durability is unchanged: commits still fsync the WAL.
    db.pragma('wal_autocheckpoint=4000');
    this.insert = db.prepare(
      `INSERT INTO audit_entry (sequence, at, tz_offset, type, outcome, user_uuid, display_name,
         role_profile_id, job_role, ods_code, workstation, asid, nhs_number, interaction_id,
         message_id, correlation_id, access_reason, access_reason_text, detail, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const lastEntry = db.prepare<{ sequence: number; hash: string }>(
      'SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1',
    );
    this.lastEntry = lastEntry;
    const appendInTransaction = db.transaction((entries: readonly PendingEntry[]) => {
      // The head is read inside the write transaction: another process (the command-line tool)
      // may have appended since we last looked, and the chain must continue from its entry.
      const last = lastEntry.get();
      let { sequence, hash } = last ?? { sequence: 0, hash: GENESIS_HASH };
      const sealed: AuditEntry[] = [];
      for (const pending of entries) {
        sequence += 1;
        const entry = seal({ ...pending, sequence, prevHash: hash });
        this.insert.run(...rowValues(entry));
        hash = entry.hash;
        sealed.push(entry);
      }
      return sealed;
    });
    // IMMEDIATE: take the write lock before reading the head.
    this.appendMany = (entries) => appendInTransaction.immediate(entries);
  }

  static open(file: string, key: Buffer): AuditStore {
    return new AuditStore(openEncryptedDatabase({ file, key, migrations: auditMigrations }));
  }

  /** The last entry as the database has it now (another process may have appended). */
  chainHead(): ChainHead {
    const last = this.lastEntry.get();
    return last ? { sequence: last.sequence, hash: last.hash } : { sequence: 0, hash: GENESIS_HASH };
  }

  /**
   * Appends entries in one transaction; returns them numbered and sealed once committed
   * (synchronous=FULL: the commit is on disk). On any error nothing is appended and the head
   * stays where it was, so sequence numbers have no gaps.
   */
  append(entries: readonly PendingEntry[]): AuditEntry[] {
    if (entries.length === 0) return [];
    return this.appendMany(entries);
  }

  search(query: AuditSearchQuery): AuditPage {
    const { where, params } = filterClause(query);
    addRange(where, params, query);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db
      .prepare<{ n: number }>(`SELECT count(*) AS n FROM audit_entry ${clause}`)
      .get(...params)?.n;
    const rows = this.db
      .prepare<Row>(`SELECT * FROM audit_entry ${clause} ORDER BY sequence DESC LIMIT ? OFFSET ?`)
      .all(...params, query.pageSize, (query.page - 1) * query.pageSize);
    return {
      entries: rows.map((r) => {
        const { prevHash: _prev, ...view } = entryFromRow(r);
        void _prev;
        return view;
      }),
      total: total ?? 0,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /**
   * The smallest sequence range holding every entry stamped within [from, to) (issue 12,
   * finding 5): exports select by sequence, so a clock that went backwards inside the range
   * leaves no gap — the entries stamped "out of order" are part of the chain and come along.
   * Null when no entry is stamped within the range.
   */
  sequenceRange(range: RangeQuery): SequenceRange | null {
    const where: string[] = [];
    const params: unknown[] = [];
    addRange(where, params, range);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const row = this.db
      .prepare<{ first: number | null; last: number | null }>(
        `SELECT min(sequence) AS first, max(sequence) AS last FROM audit_entry ${clause}`,
      )
      .get(...params);
    return row && row.first !== null && row.last !== null ? { first: row.first, last: row.last } : null;
  }

  /** Entries in sequence order (rows read as arrays: cheaper). */
  *entries(range: Partial<SequenceRange> = {}): Generator<AuditEntry> {
    for (const { entry } of this.entriesMatching(range, undefined)) yield entry;
  }

  /**
   * Entries of a sequence range in order, each with whether it matches `filter` (every entry
   * matches when there is none). The same criteria as search(), evaluated by SQLite.
   */
  *entriesMatching(
    range: Partial<SequenceRange>,
    filter: AuditExportFilter | undefined,
  ): Generator<{ readonly entry: AuditEntry; readonly matches: boolean }> {
    const { where, params: filterParams } = filter ? filterClause(filter) : { where: [], params: [] };
    const matches = where.length > 0 ? where.join(' AND ') : '1';
    const params: unknown[] = [...filterParams, range.first ?? 1, range.last ?? Number.MAX_SAFE_INTEGER];
    const statement = this.db
      .prepare(
        `SELECT ${columnList}, (${matches}) AS matches FROM audit_entry
         WHERE sequence BETWEEN ? AND ? ORDER BY sequence`,
      )
      .raw(true);
    for (const row of statement.iterate(...params)) {
      yield { entry: entryFromValues(row), matches: row[21] === 1 };
    }
  }

  /** The hash of the entry at `sequence` (GENESIS_HASH for 0), or null when there is none. */
  hashAt(sequence: number): string | null {
    if (sequence === 0) return GENESIS_HASH;
    return (
      this.db.prepare<{ hash: string }>('SELECT hash FROM audit_entry WHERE sequence = ?').get(sequence)
        ?.hash ?? null
    );
  }

  /**
   * Checks the chain against a checkpoint written outside the database (the witness): the
   * entry at its sequence must still exist and still have its hash. Null when it does.
   */
  checkAgainst(checkpoint: ChainHead): ChainBreak | null {
    const head = this.chainHead();
    if (head.sequence < checkpoint.sequence) {
      return {
        sequence: head.sequence + 1,
        reason: `entries were cut off: the witness saw seq ${checkpoint.sequence}, the database ends at seq ${head.sequence}`,
      };
    }
    if (this.hashAt(checkpoint.sequence) !== checkpoint.hash) {
      return {
        sequence: checkpoint.sequence,
        reason: `seq ${checkpoint.sequence} no longer has the hash the witness saw: entries up to it were changed, removed or re-chained`,
      };
    }
    return null;
  }

  /**
   * Walks up to `limit` entries after `after`: each must follow the previous by one, name its
   * hash as previous, and hash to what it says. `done` when the head was reached.
   */
  checkSegment(
    after: ChainHead,
    limit: number,
  ): {
    readonly reached: ChainHead;
    readonly entries: number;
    readonly done: boolean;
    readonly bad: ChainBreak | null;
  } {
    let reached = after;
    let entries = 0;
    const last = Math.min(Number.MAX_SAFE_INTEGER, after.sequence + limit);
    // By sequence range, not LIMIT: a missing sequence is then seen as a gap, not skipped.
    for (const entry of this.entries({ first: after.sequence + 1, last })) {
      const reason =
        entry.sequence !== reached.sequence + 1
          ? `seq ${reached.sequence + 1} is missing`
          : entry.prevHash !== reached.hash
            ? `seq ${entry.sequence} does not chain to seq ${reached.sequence}`
            : chainHash(entry) !== entry.hash
              ? `seq ${entry.sequence} was changed (its content does not match its hash)`
              : null;
      if (reason) return { reached, entries, done: true, bad: { sequence: reached.sequence + 1, reason } };
      reached = { sequence: entry.sequence, hash: entry.hash };
      entries += 1;
    }
    return { reached, entries, done: entries < last - after.sequence, bad: null };
  }

  /** Walks the whole chain from the first entry. Returns the first broken sequence, or null. */
  checkChain(): { readonly entries: number; readonly firstBad: number | null } {
    const result = this.checkSegment({ sequence: 0, hash: GENESIS_HASH }, Number.MAX_SAFE_INTEGER);
    return { entries: result.entries, firstBad: result.bad?.sequence ?? null };
  }

  /** The last full bundle exported from this store: the next full bundle links to it. */
  lastFullExport(): BundleLink | null {
    const row = this.db
      .prepare<{ last_sequence: number; chain_head: string }>(
        `SELECT last_sequence, chain_head FROM export_log
         WHERE kind = 'full' AND last_sequence IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get();
    return row ? { lastSequence: row.last_sequence, chainHead: row.chain_head } : null;
  }

  recordExport(record: ExportRecord): void {
    this.db
      .prepare(
        `INSERT INTO export_log (kind, first_sequence, last_sequence, chain_head, key_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.kind,
        record.firstSequence,
        record.lastSequence,
        record.chainHead,
        record.keyId,
        record.createdAt,
      );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** SQL conditions (joined with AND) for search and filtered-export criteria. */
function filterClause(filter: AuditExportFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.user) {
    where.push(`(user_uuid = ? OR display_name LIKE ? ESCAPE '\\')`);
    params.push(filter.user, `%${filter.user.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.nhsNumber) {
    where.push('nhs_number = ?');
    params.push(filter.nhsNumber);
  }
  if (filter.messageId) {
    where.push('message_id = ?');
    params.push(filter.messageId);
  }
  if (filter.eventType) {
    if (filter.eventType.endsWith('.')) {
      where.push(`type LIKE ? ESCAPE '\\'`);
      params.push(`${filter.eventType.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    } else {
      where.push('type = ?');
      params.push(filter.eventType);
    }
  }
  if (filter.hideTechnical) {
    // Spine plumbing and refused bridge calls (issue 13); the screen and its export agree.
    for (const prefix of technicalEventPrefixes) {
      where.push(`type NOT LIKE ? ESCAPE '\\'`);
      params.push(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
  }
  return { where, params };
}

function addRange(where: string[], params: unknown[], range: RangeQuery): void {
  // Stored timestamps are UTC `Z` strings of one fixed width, so text order is time order.
  if (range.from) {
    where.push('at >= ?');
    params.push(new Date(range.from).toISOString());
  }
  if (range.to) {
    where.push('at < ?');
    params.push(new Date(range.to).toISOString());
  }
}
