// The offline verifier: checks an export bundle with no database and no key (issue 6), so an
// information-governance lead can run it on any machine. Names the first bad line and why.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chainHash, type AuditEntry } from './entry';
import { fromAuditEvent } from './fhir';
import type { ChunkResult, ChunkTask } from './verify-worker';
import type * as SourceModuleNs from './worker-source';
import {
  MANIFEST_FORMAT,
  fingerprintOf,
  manifestSignatureValid,
  normaliseFingerprint,
  type Manifest,
} from './manifest';

type SourceModule = typeof SourceModuleNs;

export type VerifyProblem =
  'changed' | 'missing' | 'reordered' | 'extra' | 'manifest mismatch' | 'bad signature' | 'untrusted key';

export type VerifyResult =
  | {
      readonly valid: true;
      readonly entries: number;
      readonly firstSequence: number | null;
      readonly lastSequence: number | null;
      readonly keyFingerprint: string;
    }
  | {
      readonly valid: false;
      readonly problem: VerifyProblem;
      /** `audit.ndjson:12`, `manifest.json`, `audit.csv`. */
      readonly where: string;
      readonly reason: string;
    };

export interface VerifyOptions {
  /** Fingerprint of the workstation export key the reviewer trusts (`--trust`). */
  readonly trust?: string;
}

const bad = (problem: VerifyProblem, where: string, reason: string): VerifyResult => ({
  valid: false,
  problem,
  where,
  reason,
});

function readManifest(dir: string): Manifest | string {
  let text: string;
  try {
    text = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return 'manifest.json is missing';
  }
  try {
    const value = JSON.parse(text) as Manifest;
    if (value.format !== MANIFEST_FORMAT) return `unknown format ${String(value.format)}`;
    return value;
  } catch {
    return 'manifest.json is not valid JSON';
  }
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function sequenceOf(line: string): number | null {
  try {
    return fromAuditEvent(JSON.parse(line)).sequence;
  } catch {
    return null;
  }
}

const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

function runChunk(task: ChunkTask): Promise<ChunkResult> {
  return (async () => {
    // From source only (the command-line tool); a computed specifier keeps bundlers out.
    const sourceModule = './worker-source';
    const { createSourceWorker } = (await import(sourceModule)) as SourceModule;
    const worker = createSourceWorker('verify-worker.ts', task);
    try {
      return await new Promise<ChunkResult>((resolve) => {
        worker.once('message', (result: ChunkResult) => resolve(result));
        worker.once('error', () => resolve({ ok: false }));
        worker.once('exit', () => resolve({ ok: false }));
      });
    } finally {
      await worker.terminate();
    }
  })();
}

/**
 * The fast path for big bundles: byte ranges checked in parallel threads while this thread
 * digests the file, then joined. True only when everything matches the signed manifest (the
 * file digest included, so a pass here means the bytes are exactly what was exported); on any
 * doubt the caller runs the sequential walk, which says what is wrong and where.
 */
export async function parallelIntact(
  file: string,
  manifest: Manifest,
  tuning: { readonly minBytes?: number; readonly threads?: number } = {},
): Promise<boolean> {
  if (typeof __filename === 'string' && __filename.endsWith('.cjs')) return false;
  const size = statSync(file).size;
  const threads = tuning.threads ?? Math.min(availableParallelism(), 4);
  if (size < (tuning.minBytes ?? PARALLEL_MIN_BYTES) || threads < 2) return false;
  const tasks: ChunkTask[] = Array.from({ length: threads }, (_, i) => ({
    file,
    start: Math.floor((size * i) / threads),
    end: i === threads - 1 ? size : Math.floor((size * (i + 1)) / threads),
  }));
  const [digest, ...results] = await Promise.all([sha256OfFile(file), ...tasks.map(runChunk)]);
  let lines = 0;
  let sequence = manifest.firstSequence === null ? null : manifest.firstSequence - 1;
  let hash = manifest.previousHash;
  for (const r of results) {
    if (!r.ok) return false;
    if (r.lines === 0) continue;
    if (sequence === null || r.firstSequence !== sequence + 1 || r.firstPrevHash !== hash) return false;
    sequence = r.lastSequence;
    hash = r.lastHash;
    lines += r.lines;
  }
  return (
    lines === manifest.entries &&
    sequence === manifest.lastSequence &&
    hash === manifest.chainHead &&
    digest === manifest.files['audit.ndjson'].sha256
  );
}

async function csvProblem(dir: string, manifest: Manifest): Promise<VerifyResult | null> {
  let csvDigest: string;
  try {
    csvDigest = await sha256OfFile(join(dir, 'audit.csv'));
  } catch {
    return bad('missing', 'audit.csv', 'audit.csv is missing');
  }
  if (csvDigest !== manifest.files['audit.csv'].sha256) {
    return bad('changed', 'audit.csv', 'the file digest differs from the signed manifest');
  }
  return null;
}

export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const manifest = readManifest(dir);
  if (typeof manifest === 'string') return bad('manifest mismatch', 'manifest.json', manifest);
  // Signature first: every later comparison trusts the manifest's numbers.
  if (!manifestSignatureValid(manifest)) {
    return bad('bad signature', 'manifest.json', 'the signature does not match the manifest');
  }
  const fingerprint = fingerprintOf(Buffer.from(manifest.publicKey, 'base64'));
  if (fingerprint !== manifest.keyFingerprint) {
    return bad('manifest mismatch', 'manifest.json', 'keyFingerprint is not the fingerprint of publicKey');
  }
  if (options.trust !== undefined && normaliseFingerprint(options.trust) !== fingerprint) {
    return bad(
      'untrusted key',
      'manifest.json',
      `signed by key ${fingerprint}, not the trusted ${normaliseFingerprint(options.trust)}`,
    );
  }

  const ndjsonPath = join(dir, 'audit.ndjson');
  const intact = await parallelIntact(ndjsonPath, manifest).catch(() => false);
  if (intact) {
    return (
      (await csvProblem(dir, manifest)) ?? {
        valid: true,
        entries: manifest.entries,
        firstSequence: manifest.firstSequence,
        lastSequence: manifest.lastSequence,
        keyFingerprint: fingerprint,
      }
    );
  }

  const hash = createHash('sha256');
  const stream = createReadStream(ndjsonPath);
  stream.on('data', (chunk) => hash.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });

  let lineNo = 0;
  let count = 0;
  let expected = manifest.firstSequence;
  let running = manifest.previousHash;
  let previous: AuditEntry | null = null;
  const seen = new Set<number>();
  // The first out-of-order line; the rest of the file is then only scanned to say which kind.
  let anomaly: { line: number; sequence: number; expected: number } | null = null;
  let foundExpectedAt: number | null = null;
  let result: VerifyResult | null = null;

  try {
    for await (const line of lines) {
      lineNo += 1;
      if (anomaly) {
        if (foundExpectedAt === null && sequenceOf(line) === anomaly.expected) foundExpectedAt = lineNo;
        continue;
      }
      const where = `audit.ndjson:${lineNo}`;
      let entry: AuditEntry;
      try {
        entry = fromAuditEvent(JSON.parse(line));
      } catch (error) {
        result = bad('changed', where, error instanceof Error ? error.message : 'not valid JSON');
        break;
      }
      if (expected === null || manifest.lastSequence === null) {
        result = bad('extra', where, 'the manifest lists no entries');
        break;
      }
      if (entry.sequence > manifest.lastSequence) {
        result = bad(
          'extra',
          where,
          `seq ${entry.sequence} is after the manifest's last sequence ${manifest.lastSequence}`,
        );
        break;
      }
      if (entry.sequence !== expected) {
        if (entry.sequence < expected && seen.has(entry.sequence)) {
          result = bad('extra', where, `seq ${entry.sequence} appears a second time`);
          break;
        }
        anomaly = { line: lineNo, sequence: entry.sequence, expected };
        continue;
      }
      if (entry.prevHash !== running) {
        if (previous && chainHash(entry) === entry.hash) {
          // This line is intact and chains to the original previous entry: that one was
          // changed and given a recomputed hash.
          result = bad(
            'changed',
            `audit.ndjson:${lineNo - 1}`,
            `seq ${previous.sequence} was altered (line ${lineNo} still chains to its original hash)`,
          );
        } else if (lineNo === 1) {
          result = bad(
            'manifest mismatch',
            where,
            "the first entry's previous hash is not the manifest's previousHash",
          );
        } else {
          result = bad(
            'changed',
            where,
            `seq ${entry.sequence}: previous hash does not match line ${lineNo - 1}`,
          );
        }
        break;
      }
      if (chainHash(entry) !== entry.hash) {
        result = bad('changed', where, `seq ${entry.sequence}: content does not match its hash`);
        break;
      }
      seen.add(entry.sequence);
      running = entry.hash;
      previous = entry;
      expected += 1;
      count += 1;
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      return bad('missing', 'audit.ndjson', 'audit.ndjson is missing');
    }
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
  if (result) return result;

  if (anomaly) {
    const where = `audit.ndjson:${anomaly.line}`;
    if (anomaly.sequence > anomaly.expected) {
      return foundExpectedAt !== null
        ? bad(
            'reordered',
            where,
            `seq ${anomaly.sequence} where seq ${anomaly.expected} was expected (seq ${anomaly.expected} is at line ${foundExpectedAt})`,
          )
        : bad('missing', where, `seq ${anomaly.expected} is missing (this line has seq ${anomaly.sequence})`);
    }
    return bad('reordered', where, `seq ${anomaly.sequence} where seq ${anomaly.expected} was expected`);
  }

  if (count < manifest.entries) {
    const after = previous ? `after seq ${previous.sequence} (line ${lineNo})` : 'all';
    return bad(
      'missing',
      `audit.ndjson:${lineNo + 1}`,
      `entries ${after} are missing: the manifest lists ${manifest.entries} up to seq ${manifest.lastSequence}`,
    );
  }
  if (running !== manifest.chainHead) {
    return bad('changed', `audit.ndjson:${lineNo}`, `the last entry's hash is not the manifest's chain head`);
  }
  if (count !== manifest.entries) {
    return bad(
      'manifest mismatch',
      'manifest.json',
      `${count} entries, the manifest says ${manifest.entries}`,
    );
  }
  if (hash.digest('hex') !== manifest.files['audit.ndjson'].sha256) {
    return bad(
      'manifest mismatch',
      'audit.ndjson',
      'the file digest differs from the manifest (bytes changed)',
    );
  }
  const csv = await csvProblem(dir, manifest);
  if (csv) return csv;
  return {
    valid: true,
    entries: count,
    firstSequence: manifest.firstSequence,
    lastSequence: manifest.lastSequence,
    keyFingerprint: fingerprint,
  };
}
