// native/sqlite: the file is SQLCipher 4 (checked by an independent decryptor written against the
// published page format), holds no plaintext, refuses a wrong key without touching the file, and
// applies numbered migrations once.
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EncryptedDatabaseError,
  KeyFileError,
  openEncryptedDatabase,
  readKeyFile,
  readOrCreateKeyFile,
} from '../../../native/sqlite';

const PAGE = 4096;
const RESERVE = 80; // 16-byte IV + 64-byte HMAC-SHA512 (SQLCipher 4 defaults)

/** Decrypts page 1 of a SQLCipher 4 file with a raw key, checking its HMAC first. */
function decryptFirstPage(file: string, key: Buffer): Buffer {
  const bytes = readFileSync(file);
  const salt = bytes.subarray(0, 16);
  const encrypted = bytes.subarray(16, PAGE - RESERVE);
  const iv = bytes.subarray(PAGE - RESERVE, PAGE - 64);
  const mac = bytes.subarray(PAGE - 64, PAGE);
  const hmacSalt = Buffer.from(salt.map((b) => b ^ 0x3a));
  const hmacKey = pbkdf2Sync(key, hmacSalt, 2, 32, 'sha512');
  const pageNo = Buffer.alloc(4);
  pageNo.writeUInt32LE(1);
  const expected = createHmac('sha512', hmacKey).update(encrypted).update(iv).update(pageNo).digest();
  if (!expected.equals(mac)) throw new Error('HMAC mismatch: not this key');
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const migrations = ['CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT'];

function writeSample(file: string, key: Buffer): void {
  const db = openEncryptedDatabase({ file, key, migrations });
  db.prepare('INSERT INTO note (body) VALUES (?)').run('SMITH, Jane 9990402132');
  db.close();
}

describe('openEncryptedDatabase', () => {
  it('writes a SQLCipher 4 file that only the key decrypts, with no plaintext in it', () => {
    const file = join(dir, 'a.db');
    const key = randomBytes(32);
    writeSample(file, key);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('9990402132'))).toBe(false);
    expect(bytes.includes(Buffer.from('SMITH'))).toBe(false);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);

    const page = decryptFirstPage(file, key);
    // Decrypted bytes 16.. of the SQLite header: page size 4096, WAL (2/2), 80 reserved bytes.
    expect(page.readUInt16BE(0)).toBe(4096);
    expect([page[2], page[3], page[4]]).toEqual([2, 2, RESERVE]);
    expect(page.toString('latin1')).toContain('CREATE TABLE note');
    expect(() => decryptFirstPage(file, randomBytes(32))).toThrow(/HMAC mismatch/);
  });

  it('cannot be opened by the sqlite3 or sqlcipher command-line tools without the key', () => {
    const file = join(dir, 'a.db');
    writeSample(file, randomBytes(32));
    for (const tool of ['sqlite3', 'sqlcipher']) {
      let stderr = '';
      try {
        execFileSync(tool, [file, 'SELECT body FROM note;'], { stdio: 'pipe' });
      } catch (error) {
        stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      }
      expect(stderr, tool).toMatch(/not a database/);
    }
  });

  it('reopens with the right key and keeps the data', () => {
    const file = join(dir, 'a.db');
    const key = randomBytes(32);
    writeSample(file, key);
    const db = openEncryptedDatabase({ file, key, migrations });
    expect(db.prepare<{ body: string }>('SELECT body FROM note').get()?.body).toBe('SMITH, Jane 9990402132');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('refuses a wrong key with WRONG_KEY and leaves the file bytes unchanged', () => {
    const file = join(dir, 'a.db');
    writeSample(file, randomBytes(32));
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    let caught: unknown;
    try {
      openEncryptedDatabase({ file, key: randomBytes(32), migrations });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EncryptedDatabaseError);
    expect((caught as EncryptedDatabaseError).code).toBe('WRONG_KEY');
    expect((caught as EncryptedDatabaseError).sqliteCode).toBe('SQLITE_NOTADB');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('applies each numbered migration once and refuses a schema newer than the app', () => {
    const file = join(dir, 'a.db');
    const key = randomBytes(32);
    writeSample(file, key);
    const two = [...migrations, 'ALTER TABLE note ADD COLUMN tag TEXT'];
    openEncryptedDatabase({ file, key, migrations: two }).close();
    const db = openEncryptedDatabase({ file, key, migrations: two });
    const versions = db
      .prepare<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      .all();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    db.close();
    expect(() => openEncryptedDatabase({ file, key, migrations })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_TOO_NEW' }),
    );
  });

  it('finding 7: creates the database and its WAL and SHM files 0600, and narrows files left 0644', () => {
    const file = join(dir, 'private.db');
    const previous = process.umask(0o022);
    try {
      const db = openEncryptedDatabase({
        file,
        key: randomBytes(32),
        migrations: ['CREATE TABLE t (x TEXT)'],
      });
      db.prepare('INSERT INTO t VALUES (?)').run('x');
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
      }
      db.close();
      const old = join(dir, 'old.db');
      const key = randomBytes(32);
      openEncryptedDatabase({ file: old, key, migrations: [] }).close();
      chmodSync(old, 0o644);
      openEncryptedDatabase({ file: old, key, migrations: [] }).close();
      expect((statSync(old).mode & 0o777).toString(8)).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() =>
      openEncryptedDatabase({ file: join(dir, 'a.db'), key: randomBytes(16), migrations }),
    ).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
  });
});

describe('key files', () => {
  it('creates a 0600 key once and reads the same key back', () => {
    const file = join(dir, 'db.key');
    const key = readOrCreateKeyFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateKeyFile(file).equals(key)).toBe(true);
  });

  it('refuses a key file readable by group or others', () => {
    const file = join(dir, 'db.key');
    writeFileSync(file, randomBytes(32).toString('hex'));
    chmodSync(file, 0o644);
    expect(() => readKeyFile(file)).toThrow(KeyFileError);
    expect(() => readKeyFile(file)).toThrow(/owner only/);
  });
});
