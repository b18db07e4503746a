// The only importer of better-sqlite3-multiple-ciphers: opens an encrypted SQLite database with
// SQLCipher 4 compatible settings (toolchain.md "Encrypted SQLite"), applies numbered migrations,
// and never overwrites or re-creates a file it cannot read with the given key.
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';

/** The part of a prepared statement the app uses (better-sqlite3's Statement satisfies it). */
export interface SqlStatement<Row = unknown> {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  iterate(...params: unknown[]): IterableIterator<Row>;
  /** Rows as arrays of column values instead of objects (cheaper for bulk reads). */
  raw(toggle?: boolean): SqlStatement<unknown[]>;
}

/** A function wrapped in BEGIN/COMMIT; `.immediate` takes the write lock at BEGIN. */
export interface SqlTransaction<A extends unknown[], R> {
  (...args: A): R;
  deferred(...args: A): R;
  immediate(...args: A): R;
  exclusive(...args: A): R;
}

/** The handle returned by openEncryptedDatabase: better-sqlite3's Database, seen through this interface. */
export interface EncryptedDatabase {
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare<Row = unknown>(sql: string): SqlStatement<Row>;
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqlTransaction<A, R>;
  close(): unknown;
}

/** A numbered schema step. Versions start at 1 and are applied in ascending order, each once. */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export type EncryptedDatabaseErrorCode =
  /** The file exists but cannot be read with this key (or is not a database): SQLITE_NOTADB. */
  | 'WRONG_KEY'
  /** The key is not 32 bytes. */
  | 'BAD_KEY'
  /** The file was written by a newer version of the app (more migrations than we know). */
  | 'SCHEMA_TOO_NEW'
  /** The migration list itself is malformed (gaps, duplicates, non-positive versions). */
  | 'BAD_MIGRATIONS'
  /** Anything else SQLite reported (read-only, disk full, I/O error, corrupt). */
  | 'SQLITE_ERROR';

export class EncryptedDatabaseError extends Error {
  override readonly name = 'EncryptedDatabaseError';
  constructor(
    readonly code: EncryptedDatabaseErrorCode,
    message: string,
    /** SQLite's own code where there is one (e.g. SQLITE_NOTADB, SQLITE_READONLY, SQLITE_FULL). */
    readonly sqliteCode?: string,
  ) {
    super(message);
  }
}

export interface OpenEncryptedDatabaseOptions {
  readonly file: string;
  /** 32 random bytes, used as a raw SQLCipher key (no KDF). Never logged. */
  readonly key: Buffer;
  /** Plain SQL strings are numbered 1..n in order; or give explicit versions. */
  readonly migrations: readonly string[] | readonly Migration[];
  readonly readonly?: boolean;
}

/** The key length SQLCipher 4 uses for AES-256 raw keys. */
export const KEY_BYTES = 32;

export function sqliteCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Turns anything SQLite threw into an EncryptedDatabaseError with a sentence a person can act on. */
export function toDatabaseError(error: unknown, file: string): EncryptedDatabaseError {
  if (error instanceof EncryptedDatabaseError) return error;
  const code = sqliteCodeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') {
    return new EncryptedDatabaseError(
      'WRONG_KEY',
      `${file} cannot be read with this key (wrong key, or not an encrypted database). The file was left unchanged.`,
      code,
    );
  }
  return new EncryptedDatabaseError('SQLITE_ERROR', `${file}: ${detail}`, code);
}

function normaliseMigrations(migrations: readonly string[] | readonly Migration[]): Migration[] {
  const list: Migration[] = migrations.map((m, index) =>
    typeof m === 'string' ? { version: index + 1, sql: m } : { version: m.version, sql: m.sql },
  );
  list.sort((a, b) => a.version - b.version);
  list.forEach((m, index) => {
    if (!Number.isInteger(m.version) || m.version !== index + 1) {
      throw new EncryptedDatabaseError(
        'BAD_MIGRATIONS',
        `migrations must be numbered 1..${list.length} without gaps or duplicates (found ${m.version} at position ${index + 1})`,
      );
    }
  });
  return list;
}

/**
 * Opens (or creates) `file` encrypted with `key`. The order matters (toolchain.md): cipher, then
 * legacy, then the key; a wrong key is only noticed on the first statement, which is a read, so
 * nothing is written to a file we cannot decrypt.
 */
export function openEncryptedDatabase(options: OpenEncryptedDatabaseOptions): EncryptedDatabase {
  const { file, key } = options;
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new EncryptedDatabaseError('BAD_KEY', `the database key must be ${KEY_BYTES} bytes`);
  }
  const migrations = normaliseMigrations(options.migrations);
  const existed = existsSync(file) && statSync(file).size > 0;
  if (options.readonly && !existed) {
    throw new EncryptedDatabaseError('SQLITE_ERROR', `${file} does not exist`, 'SQLITE_CANTOPEN');
  }

  if (!options.readonly) ownerOnly(file);

  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (error) {
    throw toDatabaseError(error, file);
  }
  try {
    // SQLCipher 4 compatibility (toolchain.md): without cipher='sqlcipher' the library would use
    // ChaCha20-Poly1305 and the sqlcipher CLI could not read the file.
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    // Raw key: x'<64 hex>' skips the 256k-iteration KDF, which protects passphrases, not random keys.
    db.pragma(`key="x'${key.toString('hex')}'"`);
    // First statement: a read. A wrong key fails here with SQLITE_NOTADB before anything is written.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (!options.readonly) {
      const mode = db.pragma('journal_mode=WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') {
        throw new EncryptedDatabaseError(
          'SQLITE_ERROR',
          `${file}: could not switch to WAL (got ${String(mode)})`,
        );
      }
      // Durability: a committed transaction survives power loss (fsync on every commit).
      db.pragma('synchronous=FULL');
      // Another process (a command-line tool) may hold the write lock briefly: wait, don't fail.
      db.pragma('busy_timeout=5000');
      db.pragma('foreign_keys=ON');
      migrate(db, migrations, file);
    } else {
      checkSchemaVersion(db, migrations, file);
    }
    return db as unknown as EncryptedDatabase;
  } catch (error) {
    try {
      db.close();
    } catch {
      // closing a handle that failed to open is best effort
    }
    throw toDatabaseError(error, file);
  }
}

/**
 * Why: the files hold encrypted patient data and audit entries, but their size, timing and
 * (for a wrong key) existence are still nobody else's business (issue 12, finding 7). SQLite
 * gives the -wal and -shm files the database file's own mode, so the database is created 0600
 * before SQLite opens it, and files left wider by an older version are narrowed.
 */
function ownerOnly(file: string): void {
  if (process.platform === 'win32') return;
  try {
    closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600));
  } catch (error) {
    throw toDatabaseError(error, file);
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch {
      // absent: nothing to narrow
    }
  }
}

function currentVersion(db: Database.Database): number {
  const table = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type='table' AND name='schema_migrations'`)
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function checkSchemaVersion(db: Database.Database, migrations: Migration[], file: string): number {
  const version = currentVersion(db);
  if (version > migrations.length) {
    throw new EncryptedDatabaseError(
      'SCHEMA_TOO_NEW',
      `${file} has schema version ${version}, newer than this app understands (${migrations.length})`,
    );
  }
  return version;
}

function migrate(db: Database.Database, migrations: Migration[], file: string): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       applied_at TEXT NOT NULL
     ) STRICT`,
  );
  const version = checkSchemaVersion(db, migrations, file);
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    // Each step and its bookkeeping commit together: a crash leaves the schema at a known version.
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, new Date().toISOString());
    }).immediate();
  }
}

/**
 * Opens a plain (unencrypted) SQLite database with the same durability settings. Only for the
 * benchmark baseline (issue 6 asks for ratios against plain SQLite in the same run).
 */
export function openPlainDatabaseForBenchmark(file: string): EncryptedDatabase {
  const db = new Database(file);
  db.pragma('journal_mode=WAL');
  db.pragma('synchronous=FULL');
  return db as unknown as EncryptedDatabase;
}
