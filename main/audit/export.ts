// Writes an export bundle from the store: audit.ndjson (FHIR R4 AuditEvent per line), audit.csv
// (for spreadsheets), omitted.ndjson (filtered bundles: hash links of the entries left out) and
// manifest.json (signed; format in manifest.ts). Selects by sequence, never by clock order
// (issue 12). Synchronous: runs in the audit worker in the app and directly in the command-line tool.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditExportFilter } from '../../preload/contract';
import { CANONICAL_FIELDS, type AuditEntry } from './entry';
import { auditEventLine } from './event-line';
import {
  MANIFEST_FORMAT,
  signManifest,
  type BundleFiles,
  type BundleKind,
  type FileDigest,
  type Manifest,
} from './manifest';
import type { SigningKey } from './signing-key';
import type { AuditStore, RangeQuery } from './store';

export interface ExportOptions {
  readonly dir: string;
  /** A time range, mapped to a sequence range by the store (AuditStore.sequenceRange). */
  readonly range: RangeQuery;
  /** Present and non-empty: a filtered bundle. */
  readonly filter?: AuditExportFilter | undefined;
  readonly workstation: string;
  readonly exportedBy: Manifest['exportedBy'];
  readonly createdAt?: string;
  /** The workstation's export key (from the platform key store, never the database). */
  readonly signingKey: SigningKey;
}

export interface ExportSummary {
  readonly folder: string;
  readonly kind: BundleKind;
  readonly entries: number;
  readonly omitted: number;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly chainHead: string | null;
  readonly keyFingerprint: string;
  readonly keyId: string;
}

const csvColumns: readonly (keyof AuditEntry)[] = [...CANONICAL_FIELDS, 'prevHash', 'hash'];

/** One CSV field (RFC 4180 quoting). */
const needsCare = /[",\r\n']|^[=+\-@\t\r]/;

export function csvField(value: string | number | null, guard = true): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  // Fast path: most fields (ids, hashes, codes) need neither quoting nor a formula guard.
  if (!needsCare.test(value)) return value;
  let text = value;
  // Why: a cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheet programs;
  // a display name or typed reason must never execute on the reviewer's machine.
  if (guard && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line for an entry, columns in csvColumns order. */
function csvLine(e: AuditEntry): string {
  return `${e.sequence},${e.at},${e.tzOffset},${csvField(e.type)},${csvField(e.outcome)},${csvField(e.userUuid)},${csvField(
    e.displayName,
  )},${csvField(e.roleProfileId)},${csvField(e.jobRole)},${csvField(e.odsCode)},${csvField(e.workstation)},${csvField(
    e.asid,
  )},${csvField(e.nhsNumber)},${csvField(e.interactionId)},${csvField(e.messageId)},${csvField(
    e.correlationId,
  )},${csvField(e.accessReason)},${csvField(e.accessReasonText)},${csvField(e.detail)},${e.prevHash},${e.hash}\r\n`;
}

/** Buffered append-only writer that hashes what it writes (one reused 4 MiB buffer). */
class BundleFile {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  private bytes = 0;

  constructor(path: string) {
    // 'wx': never overwrite an existing file.
    this.fd = openSync(path, 'wx', 0o600);
  }

  write(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.buffer.length) this.flush();
    if (text.length * 3 > this.buffer.length) {
      const big = Buffer.from(text, 'utf8');
      this.emit(big);
      return;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  private emit(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(this.fd, chunk, offset);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.emit(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  close(): FileDigest {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

const hasCriteria = (filter: AuditExportFilter | undefined): filter is AuditExportFilter =>
  filter !== undefined && Object.values(filter).some((v) => v !== undefined);

export function exportBundle(store: AuditStore, options: ExportOptions): ExportSummary {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (readdirSync(options.dir).length > 0) {
    throw new Error(`${options.dir} is not empty; an export is written into a new or empty folder`);
  }
  const key = options.signingKey;
  const filter = hasCriteria(options.filter) ? options.filter : undefined;
  const kind: BundleKind = filter ? 'filtered' : 'full';
  const timed = options.range.from !== undefined || options.range.to !== undefined;
  // Why by sequence: time order is not chain order when the clock went backwards (finding 5).
  const selection = timed
    ? store.sequenceRange(options.range)
    : { first: 1, last: store.chainHead().sequence };
  const ndjson = new BundleFile(join(options.dir, 'audit.ndjson'));
  const csv = new BundleFile(join(options.dir, 'audit.csv'));
  const omittedFile = filter ? new BundleFile(join(options.dir, 'omitted.ndjson')) : null;
  csv.write(`${csvColumns.join(',')}\r\n`);
  let first: AuditEntry | null = null;
  let last: AuditEntry | null = null;
  let firstLine: AuditEntry | null = null;
  let lastLine: AuditEntry | null = null;
  let count = 0;
  let omitted = 0;
  // The run of left-out entries being collected: only its end's hash is needed to continue.
  let run = null as { from: number; to: number; hash: string } | null;
  try {
    if (selection && selection.last >= selection.first) {
      for (const { entry, matches } of store.entriesMatching(selection, filter)) {
        if (!first) first = entry;
        last = entry;
        if (!matches) {
          omitted += 1;
          run = { from: run?.from ?? entry.sequence, to: entry.sequence, hash: entry.hash };
          continue;
        }
        if (run) {
          omittedFile?.write(`${JSON.stringify(run)}\n`);
          run = null;
        }
        if (!firstLine) firstLine = entry;
        lastLine = entry;
        count += 1;
        ndjson.write(`${auditEventLine(entry)}\n`);
        csv.write(csvLine(entry));
      }
      if (run) omittedFile?.write(`${JSON.stringify(run)}\n`);
    }
  } catch (error) {
    ndjson.close();
    csv.close();
    omittedFile?.close();
    throw error;
  }
  const ndjsonDigest = ndjson.close();
  const csvDigest = csv.close();
  const omittedDigest = omittedFile?.close();
  const files: BundleFiles = omittedDigest
    ? { 'audit.ndjson': ndjsonDigest, 'audit.csv': csvDigest, 'omitted.ndjson': omittedDigest }
    : { 'audit.ndjson': ndjsonDigest, 'audit.csv': csvDigest };
  const createdAt = options.createdAt ?? new Date().toISOString();
  const previousBundle = kind === 'full' ? store.lastFullExport() : null;
  const manifest = signManifest(
    {
      format: MANIFEST_FORMAT,
      kind,
      filter: filter ?? null,
      entries: count,
      omitted,
      firstSequence: first?.sequence ?? null,
      lastSequence: last?.sequence ?? null,
      previousHash: first?.prevHash ?? null,
      chainHead: last?.hash ?? null,
      previousBundle,
      timeRange: { first: firstLine?.at ?? null, last: lastLine?.at ?? null },
      requestedRange: {
        from: options.range.from ? new Date(options.range.from).toISOString() : null,
        to: options.range.to ? new Date(options.range.to).toISOString() : null,
      },
      workstation: options.workstation,
      exportedBy: options.exportedBy,
      createdAt,
      files,
      algorithm: 'Ed25519',
      keyId: key.keyId,
      publicKey: key.publicSpki.toString('base64'),
      keyFingerprint: key.fingerprint,
    },
    key,
  );
  const manifestFile = new BundleFile(join(options.dir, 'manifest.json'));
  manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
  manifestFile.close();
  store.recordExport({
    kind,
    firstSequence: manifest.firstSequence,
    lastSequence: manifest.lastSequence,
    chainHead: manifest.chainHead,
    keyId: key.keyId,
    createdAt,
  });
  return {
    folder: options.dir,
    kind,
    entries: count,
    omitted,
    firstSequence: manifest.firstSequence,
    lastSequence: manifest.lastSequence,
    chainHead: manifest.chainHead,
    keyFingerprint: key.fingerprint,
    keyId: key.keyId,
  };
}
