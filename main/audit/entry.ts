// One audit entry as stored and exported, its canonical encoding and its chain hash
// (issue 6: hash = SHA-256(previous hash ‖ canonical encoding of the entry)). Pure: no I/O, so
// the store, the exporter and the offline verifier compute exactly the same bytes.
import * as crypto from 'node:crypto';

/** Field order is the canonical order: changing it changes every hash, so it never changes. */
export interface AuditEntry {
  readonly sequence: number;
  /** UTC, milliseconds, `Z` (MSCA-AUD-03 timestamp). */
  readonly at: string;
  /** The workstation's offset from UTC at that moment, `±HH:MM` (MSCA-AUD-07). */
  readonly tzOffset: string;
  readonly type: string;
  readonly outcome: string;
  readonly userUuid: string | null;
  readonly displayName: string | null;
  readonly roleProfileId: string | null;
  readonly jobRole: string | null;
  readonly odsCode: string | null;
  readonly workstation: string;
  /** Originating system id (MSCA-AUD-03/04): our ASID. */
  readonly asid: string | null;
  readonly nhsNumber: string | null;
  readonly interactionId: string | null;
  readonly messageId: string | null;
  readonly correlationId: string | null;
  readonly accessReason: string | null;
  readonly accessReasonText: string | null;
  /** Canonical JSON text of the structured detail, or null. */
  readonly detail: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export type UnsealedEntry = Omit<AuditEntry, 'hash'>;

/** The hash before the first entry of a new store. */
export const GENESIS_HASH = '0'.repeat(64);

/** Encoding version, first element of every canonical encoding. */
const ENCODING = 'smsp-audit/1';

/** Every field of an entry except the hashes, in the canonical encoding's order. */
export const CANONICAL_FIELDS = [
  'sequence',
  'at',
  'tzOffset',
  'type',
  'outcome',
  'userUuid',
  'displayName',
  'roleProfileId',
  'jobRole',
  'odsCode',
  'workstation',
  'asid',
  'nhsNumber',
  'interactionId',
  'messageId',
  'correlationId',
  'accessReason',
  'accessReasonText',
  'detail',
] as const satisfies readonly (keyof UnsealedEntry)[];

/**
 * The canonical encoding: a JSON array of every field except the hashes, in a fixed order,
 * nulls explicit. JSON.stringify of strings, integers and null is deterministic in every engine.
 */
export function canonicalEncoding(entry: UnsealedEntry): string {
  return JSON.stringify([ENCODING, ...CANONICAL_FIELDS.map((field) => entry[field])]);
}

/**
 * The canonical encoding assembled from the fields already written as JSON: `fields` are the
 * entry's fields in canonical order (sequence first, detail last), each exactly as
 * JSON.stringify writes its value. The verifier uses it to hash an exported line's own text
 * without decoding it; a unit test holds it equal to canonicalEncoding.
 */
export function canonicalEncodingOfJson(fields: readonly string[]): string {
  return `${ENCODING_OPEN}${fields.join(',')}]`;
}

const ENCODING_OPEN = `[${JSON.stringify(ENCODING)},`;

/**
 * The entry whose canonical fields are `fields` (as canonicalEncodingOfJson takes them), with its
 * hashes: estate ingest loads an exported line this way, from the fields the verifier has just
 * hashed, instead of parsing the whole FHIR line again. A unit test holds it equal to
 * fromAuditEvent(JSON.parse(line)) for every line the exported-line reader accepts.
 */
export function entryOfJsonFields(fields: readonly string[], prevHash: string, hash: string): AuditEntry {
  const values = JSON.parse(`[${fields.join(',')}]`) as unknown[];
  const entry: Record<string, unknown> = { prevHash, hash };
  CANONICAL_FIELDS.forEach((field, index) => (entry[field] = values[index] ?? null));
  return entry as unknown as AuditEntry;
}

/** One-shot crypto.hash where Node has it (20.12+): a Hash object costs more than hashing one entry. */
const sha256Hex: (data: Buffer) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Reused for every hash: one buffer holds the previous hash's bytes and the encoding. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * SHA-256(previous hash bytes ‖ UTF-8 encoding), lower-case hex. The previous hash is decoded
 * as Buffer.from(prevHash, 'hex') does (a line may carry anything there); the bytes are
 * gathered into one buffer so that a million entries cost one hash call each.
 */
export function chainHashOf(prevHash: string, encoding: string): string {
  const room = (prevHash.length >> 1) + encoding.length * 3;
  if (room > scratch.length) scratch = Buffer.allocUnsafe(room);
  const prefix = scratch.write(prevHash, 0, 'hex');
  const used = prefix + scratch.write(encoding, prefix, 'utf8');
  return sha256Hex(scratch.subarray(0, used));
}

/** SHA-256(previous hash bytes ‖ UTF-8 canonical encoding), lower-case hex. */
export function chainHash(entry: UnsealedEntry): string {
  return chainHashOf(entry.prevHash, canonicalEncoding(entry));
}

export function seal(entry: UnsealedEntry): AuditEntry {
  return { ...entry, hash: chainHash(entry) };
}

/** JSON with object keys sorted at every level, so equal detail always encodes the same way. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Keys whose values never enter the trail, whatever a caller passes (issue 6: no PIN, no key). */
const forbiddenDetailKey =
  /^(pin|passcode|password|secret|key|privatekey|dbkey|sessionkey|token|accesstoken|idtoken|authorization|cookie)$/;

/** Drops secrets from detail, recursively; the entry says that something was removed. */
export function scrubDetail(detail: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!detail) return null;
  let removed = false;
  const scrub = (value: unknown, depth: number): unknown => {
    if (depth > 8) return '[too deep]';
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (forbiddenDetailKey.test(k.toLowerCase().replace(/[^a-z]/g, ''))) {
          removed = true;
          continue;
        }
        out[k] = scrub(v, depth + 1);
      }
      return out;
    }
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  };
  const clean = scrub(detail, 0) as Record<string, unknown>;
  if (removed) clean['_redacted'] = true;
  return canonicalJson(clean);
}

/** `±HH:MM` for the local offset at `date` (JavaScript's getTimezoneOffset is minutes west). */
export function localOffset(date: Date): string {
  const minutesEast = -date.getTimezoneOffset();
  const sign = minutesEast >= 0 ? '+' : '-';
  const abs = Math.abs(minutesEast);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
