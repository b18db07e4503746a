// Database keys kept in a file (test host, command-line tools, training mode): 32 random bytes
// written as 64 hex digits, owner-only permissions checked on every read. The Electron app wraps
// its key with safeStorage instead (main/electron/key-store.ts).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { KEY_BYTES } from './database';

export type KeyFileErrorCode = 'KEY_FILE_MISSING' | 'KEY_FILE_PERMISSIONS' | 'KEY_FILE_INVALID';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    readonly code: KeyFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function checkPermissions(file: string): void {
  // POSIX only: Windows has no mode bits; the user-data folder's ACL protects the file there.
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  // Why: a key readable by group or others is a key anyone on the machine can use.
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(
      'KEY_FILE_PERMISSIONS',
      `${file} has permissions ${mode.toString(8).padStart(3, '0')}; a key file must be readable by its owner only (chmod 600)`,
    );
  }
}

/** Reads a key file (64 hex digits, or exactly 32 raw bytes), refusing one with wider permissions than 0600. */
export function readKeyFile(file: string): Buffer {
  let raw: Buffer;
  try {
    checkPermissions(file);
    raw = readFileSync(file);
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError('KEY_FILE_MISSING', `cannot read the key file ${file}`);
  }
  if (raw.length === KEY_BYTES) return raw;
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new KeyFileError('KEY_FILE_INVALID', `${file} does not hold a ${KEY_BYTES}-byte key (64 hex digits)`);
}

/** Writes a new random key to `file` (created 0600, never overwriting an existing file). */
export function createKeyFile(file: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  // O_EXCL: never replace an existing key — that would make the database unreadable for ever.
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return key;
}

/**
 * Replaces an existing key file with a new random key (a signing-key rotation; never a database
 * key, which would lock the database for ever). Written to a 0600 sibling and renamed over the
 * old file, so a crash leaves either the old key or the new one, never half of one.
 */
export function replaceKeyFile(file: string): Buffer {
  readKeyFile(file).fill(0); // the file must exist and be owner-only before it is replaced
  const next = `${file}.new`;
  rmSync(next, { force: true });
  const key = createKeyFile(next);
  renameSync(next, file);
  return key;
}

/** Reads the key file, or creates one when it does not exist yet. */
export function readOrCreateKeyFile(file: string): Buffer {
  try {
    statSync(file);
  } catch {
    try {
      return createKeyFile(file);
    } catch (error) {
      // Lost a race with another process creating it: read theirs.
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
  return readKeyFile(file);
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
