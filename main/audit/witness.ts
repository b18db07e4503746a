// The witness outside the audit database (issue 12, finding 3): signed checkpoints (sequence,
// chain head, time, workstation, key id) appended to a file in `audit.witnessDir` (by default
// beside the audit folder, never inside it) and copied to the system log where there is one.
// Whoever holds only the database key can rewrite the database, but not the checkpoints already
// written here and in the system log; so a chain cut off, changed or re-chained behind the last
// checkpoint is found at the next start-up (integrity.ts) and by `smsp audit verify --witness`.
import { execFile } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { basename, delimiter, dirname, join, resolve, sep } from 'node:path';
import { localOffset } from './entry';
import { bodySignatureValid, fingerprintOf, keyIdOf, signBody, type SigningKey } from './signing-key';

export const CHECKPOINT_FORMAT = 'scr-desktop-audit-checkpoint/1';
export const WITNESS_FILE = 'audit-witness.ndjson';
/** The system log tag; `journalctl -t scr-desktop-audit -o cat` prints the same lines as the file. */
export const SYSTEM_LOG_TAG = 'scr-desktop-audit';

export type CheckpointKind =
  | 'start-up'
  | 'periodic'
  | 'export'
  | 'close'
  /** This key signs from now on; `previousKeyId` is the key before it (null: none on record). */
  | 'key-new'
  /** Signed by the outgoing key: it hands over to `nextKeyId`. */
  | 'key-rotated'
  /** A privacy officer acknowledged a chain break; checks continue from this head. */
  | 'acknowledged';

export interface CheckpointBody {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly kind: CheckpointKind;
  readonly sequence: number;
  readonly chainHead: string;
  /** UTC with milliseconds, and the workstation's offset (MSCA-AUD-07). */
  readonly at: string;
  readonly tzOffset: string;
  readonly workstation: string;
  readonly keyId: string;
  /** Base64 DER SubjectPublicKeyInfo of the signing key. */
  readonly publicKey: string;
  readonly previousKeyId?: string | null;
  readonly nextKeyId?: string;
  /** For `acknowledged`: who acknowledged. */
  readonly note?: string;
  /** For `acknowledged`: the sequence of the break acknowledged. */
  readonly acknowledgedSequence?: number;
}

export interface Checkpoint extends CheckpointBody {
  readonly signature: string;
}

/** The default witness folder: `<audit folder>-witness`, a sibling, so deleting one leaves the other. */
export function witnessDirFor(auditDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const full = resolve(auditDir);
  return join(dirname(full), `${basename(full)}-witness`);
}

/** True when `dir` is `auditDir` or inside it (refused: the witness must outlive the audit folder). */
export function isInside(dir: string, auditDir: string): boolean {
  const a = resolve(auditDir);
  const d = resolve(dir);
  return d === a || d.startsWith(a + sep);
}

export interface SystemLog {
  /** `journald`, `syslog`, or `unavailable` (said so at start-up and in the threat model). */
  readonly name: 'journald' | 'syslog' | 'unavailable';
  write(line: string): void;
}

function onPath(program: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The system log, where this platform has one we can reach without privileges: journald (via
 * systemd-cat) or syslog (via logger). Windows' Event Log needs a registered source, which an
 * installer creates; until then it reports `unavailable`.
 */
export function detectSystemLog(): SystemLog {
  const unavailable: SystemLog = { name: 'unavailable', write: () => undefined };
  if (process.platform === 'win32') return unavailable;
  const tool = (name: string, args: string[]): ((line: string) => void) | null => {
    const program = onPath(name);
    if (!program) return null;
    return (line) => {
      // Fire and forget, bounded: the system log is a second witness, never a reason to block.
      const child = execFile(program, args, { timeout: 5_000 }, () => undefined);
      child.stdin?.end(`${line}\n`);
    };
  };
  if (existsSync('/run/systemd/journal/socket')) {
    const write = tool('systemd-cat', ['-t', SYSTEM_LOG_TAG]);
    if (write) return { name: 'journald', write };
  }
  if (existsSync('/dev/log')) {
    const write = tool('logger', ['-t', SYSTEM_LOG_TAG]);
    if (write) return { name: 'syslog', write };
  }
  return unavailable;
}

export function signCheckpoint(
  fields: Omit<CheckpointBody, 'format' | 'keyId' | 'publicKey' | 'at' | 'tzOffset'> & {
    readonly now?: Date;
  },
  key: SigningKey,
): Checkpoint {
  const { now = new Date(), ...rest } = fields;
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    ...rest,
    at: now.toISOString(),
    tzOffset: localOffset(now),
    keyId: key.keyId,
    publicKey: key.publicSpki.toString('base64'),
  };
  return { ...body, signature: signBody(body, key) };
}

/** A checkpoint's signature is valid for its own key, and its key id names that key. */
export function checkpointValid(c: Checkpoint): boolean {
  if (c.format !== CHECKPOINT_FORMAT || typeof c.publicKey !== 'string') return false;
  const { signature, ...body } = c;
  return (
    keyIdOf(fingerprintOf(Buffer.from(c.publicKey, 'base64'))) === c.keyId &&
    bodySignatureValid(body, c.publicKey, signature)
  );
}

export interface WitnessReading {
  /** Checkpoints whose signature is valid, in file order. */
  readonly checkpoints: readonly Checkpoint[];
  /** Lines that are not valid checkpoints: `line 12: bad signature`. */
  readonly problems: readonly string[];
}

/** Reads a witness file, or a system-log dump of the same lines; missing → empty. */
export function readWitness(file: string): WitnessReading {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { checkpoints: [], problems: [] };
  }
  const checkpoints: Checkpoint[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    // A system-log dump may carry a prefix before the JSON.
    const start = line.indexOf('{');
    if (start === -1) return;
    try {
      const c = JSON.parse(line.slice(start)) as Checkpoint;
      if (checkpointValid(c)) checkpoints.push(c);
      else problems.push(`line ${i + 1}: not a validly signed checkpoint`);
    } catch {
      problems.push(`line ${i + 1}: not valid JSON`);
    }
  });
  return { checkpoints, problems };
}

export class Witness {
  readonly file: string;

  constructor(
    readonly dir: string,
    readonly systemLog: SystemLog,
  ) {
    this.file = join(dir, WITNESS_FILE);
  }

  /** Appends one checkpoint (O_APPEND, 0600, fsync) and copies it to the system log. */
  append(checkpoint: Checkpoint): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const line = JSON.stringify(checkpoint);
    const fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.systemLog.write(line);
  }

  read(): WitnessReading {
    return readWitness(this.file);
  }
}
