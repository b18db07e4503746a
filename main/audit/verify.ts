// The offline verifier: checks an export bundle, or a series of them, with no database and no key
// (issues 6 and 12), so an information-governance lead can run it on any machine. Names the first
// bad line and why, says who signed, and never depends on the clock's order.
//
// The library API (used by `smsp audit verify`, the in-app export and estate ingestion):
//
//   verifyBundle(dir, { trusted?: string[] }): Promise<BundleVerification>
//     intact        the signature is valid for the manifest's own key and every file, line and
//                   hash link matches it (a filtered bundle: its lines plus omitted.ndjson make
//                   the complete chain from previousHash to chainHead)
//     signer        { fingerprint, workstation, keyId } from the manifest (null if unreadable)
//     trusted       the signer's fingerprint is in `trusted` (normalised; several keys allowed)
//     kind, filter, entries (lines), omitted, firstSequence, lastSequence (the range covered),
//     previousHash, chainHead, previousBundle ({ lastSequence, chainHead } of the full bundle
//     exported before, or null), createdAt
//     problems      [{ problem, where, reason }]: empty exactly when intact
//   with `consumer`, each entry is also handed on as the walk checks it (estate ingest loads
//   while verifying, so a bundle is read and parsed once; see EntryConsumer)
//
//   verifySeries(dirs, { trusted? }): Promise<SeriesVerification>
//     bundles       each BundleVerification, in series order (by last sequence)
//     continuous    every bundle intact, one workstation, no sequence left uncovered between the
//                   first and the last, every full bundle's previousBundle is the one before it,
//                   and wherever two bundles (or a link) speak of the same sequence they agree
//     firstSequence, lastSequence of the whole series
//     problems      [{ problem, between: [dir, dir?], reason }]
//
// A caller decides with: intact && trusted (exit 0); !intact (exit 1); intact && !trusted (exit 3).
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AuditExportFilter, AuditExportResult, AuditSigner } from '../../preload/contract';
import { entryOfJsonFields, type AuditEntry } from './entry';
import { fromAuditEvent } from './fhir';
import { lineText, readChainLink, type ChainLink } from './chain-line';
import { readLines } from './line-reader';
import type { ChunkResult, ChunkTask } from './verify-worker';
import type * as SourceModuleNs from './worker-source';
import {
  MANIFEST_FORMAT,
  manifestSignatureValid,
  type BundleKind,
  type Manifest,
  type ManifestBody,
} from './manifest';
import { fingerprintOf, keyIdOf, normaliseFingerprint } from './signing-key';

type SourceModule = typeof SourceModuleNs;

export type VerifyProblem =
  'changed' | 'missing' | 'reordered' | 'extra' | 'manifest mismatch' | 'bad signature';

export interface BundleProblem {
  readonly problem: VerifyProblem;
  /** `audit.ndjson:12`, `omitted.ndjson:3`, `manifest.json`, `audit.csv`. */
  readonly where: string;
  readonly reason: string;
}

export interface BundleVerification extends Pick<
  ManifestBody,
  'entries' | 'omitted' | 'firstSequence' | 'lastSequence' | 'previousHash' | 'chainHead' | 'previousBundle'
> {
  readonly dir: string;
  readonly intact: boolean;
  readonly signer: AuditSigner | null;
  readonly trusted: boolean;
  readonly kind: BundleKind | null;
  readonly filter: AuditExportFilter | null;
  readonly createdAt: string | null;
  readonly problems: readonly BundleProblem[];
}

export interface VerifyOptions {
  /** Fingerprints of the workstation export keys the reviewer trusts (`--trust`, `audit.trustedSigners`). */
  readonly trusted?: readonly string[];
  /**
   * Sequences whose hashes the caller wants reported back (series continuity). Filled in as the
   * lines are read; forces the line-by-line walk when one lies inside the bundle.
   */
  readonly collect?: Map<number, string | null>;
  /**
   * Asked once the manifest's signature and key check out, before the first line is read, with
   * the bundle as its manifest describes it (`intact` still false): returns who takes the entries
   * as they are checked, or null to verify only. A consumer forces the line-by-line walk.
   */
  readonly consumer?: (signed: BundleVerification, manifest: Manifest) => EntryConsumer | null;
}

/**
 * Takes a bundle's entries as the walk checks them: in sequence order, in batches, each one
 * already found to hash to its own hash and to follow the one before; awaiting `take` holds the
 * walk. What it receives is provisional: the whole bundle is intact only when verifyBundle says
 * so (the count, the chain head and the file digests are known only at the end), so a consumer
 * keeps what it took undone (in a transaction) until then.
 */
export interface EntryConsumer {
  take(entries: readonly AuditEntry[]): void | Promise<void>;
}

/** Entries per hand-over to a consumer: big enough that awaiting costs nothing, small in memory. */
const CONSUMER_BATCH = 500;

const bad = (problem: VerifyProblem, where: string, reason: string): BundleProblem => ({
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
    if (typeof value !== 'object' || value === null) return 'manifest.json is not an object';
    if (value.format !== MANIFEST_FORMAT) return `unknown format ${String(value.format)}`;
    return value;
  } catch {
    return 'manifest.json is not valid JSON';
  }
}

/** Read in 1 MiB pieces: at the default 64 KiB, a 1.5 GB file spent a third of its digest time in the stream. */
const READ_PIECE = 1 << 20;

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: READ_PIECE })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function sequenceOf(text: string, from: number, to: number): number | null {
  try {
    return readChainLink(text, from, to, true).sequence;
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

async function fileProblem(
  dir: string,
  name: 'audit.csv' | 'omitted.ndjson',
  expected: string,
): Promise<BundleProblem | null> {
  let digest: string;
  try {
    digest = await sha256OfFile(join(dir, name));
  } catch {
    return bad('missing', name, `${name} is missing`);
  }
  return digest === expected
    ? null
    : bad('changed', name, 'the file digest differs from the signed manifest');
}

/** One run of entries a filtered bundle leaves out: `from..to`, and the hash of entry `to`. */
interface OmittedRun {
  readonly from: number;
  readonly to: number;
  readonly hash: string;
}

function readOmitted(dir: string): OmittedRun[] | BundleProblem {
  let text: string;
  try {
    text = readFileSync(join(dir, 'omitted.ndjson'), 'utf8');
  } catch {
    return bad('missing', 'omitted.ndjson', 'omitted.ndjson is missing');
  }
  const runs: OmittedRun[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line === '' && i === lines.length - 1) break;
    let run: OmittedRun;
    try {
      run = JSON.parse(line) as OmittedRun;
    } catch {
      return bad('changed', `omitted.ndjson:${i + 1}`, 'not valid JSON');
    }
    if (
      !Number.isSafeInteger(run.from) ||
      !Number.isSafeInteger(run.to) ||
      run.from < 1 ||
      run.to < run.from ||
      typeof run.hash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(run.hash)
    ) {
      return bad('changed', `omitted.ndjson:${i + 1}`, 'not a run {from, to, hash}');
    }
    runs.push(run);
  }
  return runs;
}

/** What the manifest alone says; `intact` and `problems` are settled by the caller. */
function describe(dir: string, manifest: Manifest | null, trusted: readonly string[]): BundleVerification {
  const fingerprint = manifest ? fingerprintOf(Buffer.from(String(manifest.publicKey), 'base64')) : null;
  return {
    dir,
    intact: false,
    signer:
      manifest && fingerprint
        ? { fingerprint, workstation: String(manifest.workstation), keyId: String(manifest.keyId) }
        : null,
    trusted: fingerprint !== null && trusted.some((t) => normaliseFingerprint(t) === fingerprint),
    kind: manifest?.kind ?? null,
    filter: manifest?.filter ?? null,
    entries: manifest?.entries ?? 0,
    omitted: manifest?.omitted ?? 0,
    firstSequence: manifest?.firstSequence ?? null,
    lastSequence: manifest?.lastSequence ?? null,
    previousHash: manifest?.previousHash ?? null,
    chainHead: manifest?.chainHead ?? null,
    previousBundle: manifest?.previousBundle ?? null,
    createdAt: manifest?.createdAt ?? null,
    problems: [],
  };
}

export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<BundleVerification> {
  const manifest = readManifest(dir);
  if (typeof manifest === 'string') {
    return { ...describe(dir, null, []), problems: [bad('manifest mismatch', 'manifest.json', manifest)] };
  }
  const base = describe(dir, manifest, options.trusted ?? []);
  const consumerFor = () => options.consumer?.(base, manifest) ?? null;
  const problem = await bundleProblem(dir, manifest, options.collect, consumerFor);
  return problem ? { ...base, problems: [problem] } : { ...base, intact: true };
}

async function bundleProblem(
  dir: string,
  manifest: Manifest,
  collect: Map<number, string | null> | undefined,
  consumerFor: () => EntryConsumer | null,
): Promise<BundleProblem | null> {
  // Signature first: every later comparison trusts the manifest's numbers.
  if (!manifestSignatureValid(manifest)) {
    return bad('bad signature', 'manifest.json', 'the signature does not match the manifest');
  }
  const fingerprint = fingerprintOf(Buffer.from(manifest.publicKey, 'base64'));
  if (fingerprint !== manifest.keyFingerprint || manifest.keyId !== keyIdOf(fingerprint)) {
    return bad('manifest mismatch', 'manifest.json', 'keyFingerprint or keyId does not belong to publicKey');
  }
  const filtered = manifest.kind === 'filtered';
  if (manifest.kind !== 'full' && !filtered) {
    return bad('manifest mismatch', 'manifest.json', `unknown bundle kind ${String(manifest.kind)}`);
  }
  if (
    filtered !== (manifest.files['omitted.ndjson'] !== undefined) ||
    (filtered && manifest.previousBundle !== null)
  ) {
    return bad(
      'manifest mismatch',
      'manifest.json',
      `a ${manifest.kind} bundle with the wrong files or link`,
    );
  }
  const first = manifest.firstSequence;
  const last = manifest.lastSequence;
  // The manifest's own link to the previous full bundle: when it falls inside this bundle, the
  // hash there must still be what the previous export signed (else history was rewritten).
  const wanted = new Map<number, string | null>(collect ?? []);
  const link = manifest.previousBundle;
  if (link && first !== null && last !== null && link.lastSequence >= first && link.lastSequence <= last) {
    wanted.set(link.lastSequence, null);
  }
  const inner = [...wanted.keys()].some(
    (seq) => first !== null && last !== null && seq >= first && seq < last,
  );

  let runs: OmittedRun[] = [];
  if (filtered) {
    const digest = manifest.files['omitted.ndjson'];
    const omittedDigest = digest ? await fileProblem(dir, 'omitted.ndjson', digest.sha256) : null;
    if (omittedDigest) return omittedDigest;
    const read = readOmitted(dir);
    if (!Array.isArray(read)) return read;
    runs = read;
  }

  const ndjsonPath = join(dir, 'audit.ndjson');
  const consumer = consumerFor();
  const fast =
    !filtered && !inner && !consumer && (await parallelIntact(ndjsonPath, manifest).catch(() => false));
  const walked = fast ? null : await walk(ndjsonPath, manifest, runs, wanted, consumer);
  if (walked) return walked;
  if (first !== null) wanted.set(first - 1, manifest.previousHash);
  if (last !== null) wanted.set(last, manifest.chainHead);
  if (link && wanted.has(link.lastSequence) && wanted.get(link.lastSequence) !== link.chainHead) {
    return bad(
      'changed',
      'manifest.json',
      `seq ${link.lastSequence} no longer has the hash the previous export signed: entries up to it were changed, removed or re-chained since`,
    );
  }
  if (collect) for (const seq of collect.keys()) collect.set(seq, wanted.get(seq) ?? null);
  return fileProblem(dir, 'audit.csv', manifest.files['audit.csv'].sha256);
}

/**
 * The sequential walk: every line and every omitted run, in sequence order, must continue the
 * chain from previousHash to chainHead. Fills `wanted` with the hashes at its sequences, and
 * hands each checked entry to `consumer`.
 */
async function walk(
  ndjsonPath: string,
  manifest: Manifest,
  runs: readonly OmittedRun[],
  wanted: Map<number, string | null>,
  consumer: EntryConsumer | null,
): Promise<BundleProblem | null> {
  const hash = createHash('sha256');

  let lineNo = 0;
  let count = 0;
  let omitted = 0;
  let runIndex = 0;
  let expected = manifest.firstSequence;
  let running = manifest.previousHash;
  // Written by onLine below: `as` keeps TypeScript from assuming they are still null after it.
  let previous = null as ChainLink | null;
  const seen = new Set<number>();
  // The first out-of-order line; the rest of the file is then only scanned to say which kind.
  let anomaly = null as { line: number; sequence: number; expected: number } | null;
  let foundExpectedAt = null as number | null;
  let result = null as BundleProblem | null;
  // Checked entries not yet handed to the consumer (estate ingest), in order.
  let checked: AuditEntry[] = [];

  /** Takes the omitted run that starts where the chain has reached, if there is one. */
  const takeRuns = () => {
    for (let run = runs[runIndex]; run && expected !== null && run.from === expected; run = runs[runIndex]) {
      omitted += run.to - run.from + 1;
      expected = run.to + 1;
      running = run.hash;
      if (wanted.has(run.to)) wanted.set(run.to, run.hash);
      previous = null;
      runIndex += 1;
    }
  };

  /** Checks one line; false when the walk has seen enough. */
  const onLine = (text: string, from: number, to: number): boolean => {
    lineNo += 1;
    if (anomaly) {
      if (sequenceOf(text, from, to) === anomaly.expected) foundExpectedAt = lineNo;
      return foundExpectedAt === null;
    }
    takeRuns();
    const where = `audit.ndjson:${lineNo}`;
    let entry: ChainLink;
    try {
      entry = readChainLink(text, from, to, true);
    } catch (error) {
      result = bad('changed', where, error instanceof Error ? error.message : 'not valid JSON');
      return false;
    }
    if (expected === null || manifest.lastSequence === null) {
      result = bad('extra', where, 'the manifest lists no entries');
      return false;
    }
    if (entry.sequence > manifest.lastSequence) {
      result = bad(
        'extra',
        where,
        `seq ${entry.sequence} is after the manifest's last sequence ${manifest.lastSequence}`,
      );
      return false;
    }
    if (entry.sequence !== expected) {
      if (entry.sequence < expected && seen.has(entry.sequence)) {
        result = bad('extra', where, `seq ${entry.sequence} appears a second time`);
        return false;
      }
      anomaly = { line: lineNo, sequence: entry.sequence, expected };
      return true;
    }
    if (entry.prevHash !== running) {
      const before = previous;
      if (before && entry.sealed) {
        // This line is intact and chains to the original previous entry: that one was
        // changed and given a recomputed hash.
        result = bad(
          'changed',
          `audit.ndjson:${lineNo - 1}`,
          `seq ${before.sequence} was altered (line ${lineNo} still chains to its original hash)`,
        );
      } else if (lineNo === 1 && runIndex === 0) {
        result = bad(
          'manifest mismatch',
          where,
          "the first entry's previous hash is not the manifest's previousHash",
        );
      } else {
        result = bad(
          'changed',
          where,
          `seq ${entry.sequence}: previous hash does not match the entry before it`,
        );
      }
      return false;
    }
    if (!entry.sealed) {
      result = bad('changed', where, `seq ${entry.sequence}: content does not match its hash`);
      return false;
    }
    seen.add(entry.sequence);
    if (wanted.has(entry.sequence)) wanted.set(entry.sequence, entry.hash);
    running = entry.hash;
    previous = entry;
    expected += 1;
    count += 1;
    // The consumer loads the entry it was given: the same bytes just checked, read in full.
    if (consumer) {
      checked.push(
        entry.fields
          ? entryOfJsonFields(entry.fields, entry.prevHash, entry.hash)
          : fromAuditEvent(JSON.parse(lineText(text, from, to, true))),
      );
    }
    return true;
  };

  /** After each block: the consumer takes what has been checked (it may make the walk wait). */
  const handOver = async (): Promise<void> => {
    if (!consumer || checked.length < CONSUMER_BATCH) return;
    const batch = checked;
    checked = [];
    await consumer.take(batch);
  };

  try {
    await readLines(ndjsonPath, { start: 0, end: Infinity }, onLine, (bytes) => hash.update(bytes), handOver);
    if (!anomaly && !result) {
      takeRuns();
      if (consumer && checked.length > 0) await consumer.take(checked);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      return bad('missing', 'audit.ndjson', 'audit.ndjson is missing');
    }
    throw error;
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
  if (runIndex < runs.length) {
    return bad(
      'changed',
      `omitted.ndjson:${runIndex + 1}`,
      `the omitted run seq ${runs[runIndex]?.from}..${runs[runIndex]?.to} does not fit the chain`,
    );
  }
  const reached = expected === null ? null : expected - 1;
  if (manifest.lastSequence !== null && (reached ?? 0) < manifest.lastSequence) {
    const lastSeen = previous;
    const after = lastSeen ? `after seq ${lastSeen.sequence} (line ${lineNo})` : `from seq ${expected}`;
    return bad(
      'missing',
      `audit.ndjson:${lineNo + 1}`,
      `entries ${after} are missing: the manifest covers up to seq ${manifest.lastSequence}`,
    );
  }
  if (running !== manifest.chainHead) {
    return bad('changed', `audit.ndjson:${lineNo}`, `the last entry's hash is not the manifest's chain head`);
  }
  if (count !== manifest.entries || omitted !== manifest.omitted) {
    return bad(
      'manifest mismatch',
      'manifest.json',
      `${count} entries and ${omitted} left out, the manifest says ${manifest.entries} and ${manifest.omitted}`,
    );
  }
  if (hash.digest('hex') !== manifest.files['audit.ndjson'].sha256) {
    return bad(
      'manifest mismatch',
      'audit.ndjson',
      'the file digest differs from the manifest (bytes changed)',
    );
  }
  return null;
}

/** One problem as a line of text: `audit.ndjson:7: changed: seq 7: content does not match its hash`. */
export function problemText(p: BundleProblem): string {
  return `${p.where}: ${p.problem}: ${p.reason}`;
}

export type SeriesProblemKind = 'not intact' | 'workstation' | 'gap' | 'bundle missing' | 'diverged';

export interface SeriesProblem {
  readonly problem: SeriesProblemKind;
  /** The bundle folders concerned (one or two). */
  readonly between: readonly string[];
  readonly reason: string;
}

export interface SeriesVerification {
  readonly bundles: readonly BundleVerification[];
  readonly continuous: boolean;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  readonly problems: readonly SeriesProblem[];
}

/**
 * Checks several bundles of one workstation as a series: each on its own, then that together
 * they leave no entry out and tell one history (see the header for the rules).
 */
export async function verifySeries(
  dirs: readonly string[],
  options: Omit<VerifyOptions, 'collect'> = {},
): Promise<SeriesVerification> {
  const problems: SeriesProblem[] = [];
  const manifests = dirs.map((dir) => ({ dir, manifest: readManifest(dir) }));
  // Every sequence any bundle or link speaks of: each bundle reports its hash at those it covers.
  const points = new Set<number>();
  for (const { manifest } of manifests) {
    if (typeof manifest === 'string' || manifest.firstSequence === null || manifest.lastSequence === null)
      continue;
    points.add(manifest.firstSequence - 1);
    points.add(manifest.lastSequence);
    if (manifest.previousBundle) points.add(manifest.previousBundle.lastSequence);
  }
  const claims = new Map<number, { hash: string; dir: string }>();
  const bundles: BundleVerification[] = [];
  for (const { dir, manifest } of manifests) {
    const collect = new Map<number, string | null>();
    if (typeof manifest !== 'string' && manifest.firstSequence !== null && manifest.lastSequence !== null) {
      for (const p of points)
        if (p >= manifest.firstSequence - 1 && p <= manifest.lastSequence) collect.set(p, null);
    }
    const result = await verifyBundle(dir, { ...options, collect });
    bundles.push(result);
    if (!result.intact) {
      problems.push({
        problem: 'not intact',
        between: [dir],
        reason: result.problems.map(problemText).join('; '),
      });
      continue;
    }
    for (const [seq, hash] of collect) {
      if (hash === null) continue;
      const prior = claims.get(seq);
      if (prior && prior.hash !== hash) {
        problems.push({
          problem: 'diverged',
          between: [prior.dir, dir],
          reason: `the two bundles disagree about seq ${seq}: entries were changed, removed or re-chained between the exports`,
        });
      } else if (!prior) claims.set(seq, { hash, dir });
    }
  }
  bundles.sort(
    (a, b) =>
      (a.lastSequence ?? 0) - (b.lastSequence ?? 0) || (a.firstSequence ?? 0) - (b.firstSequence ?? 0),
  );
  const workstations = new Set(bundles.map((b) => b.signer?.workstation).filter((w) => w !== undefined));
  if (workstations.size > 1) {
    problems.push({
      problem: 'workstation',
      between: bundles.map((b) => b.dir),
      reason: `the bundles come from different workstations (${[...workstations].join(', ')}); a series is one workstation's trail`,
    });
  }
  const full = bundles.filter((b) => b.intact && b.kind === 'full' && b.lastSequence !== null);
  // Coverage: from the first full bundle's start to the last one's end, every sequence is in one.
  let reach: number | null = null;
  let reachDir = '';
  for (const b of full) {
    const bFirst = b.firstSequence as number;
    if (reach !== null && bFirst > reach + 1) {
      problems.push({
        problem: 'gap',
        between: [reachDir, b.dir],
        reason: `seq ${reach + 1}..${bFirst - 1} are in no bundle: a bundle is missing between these two, or entries were cut off`,
      });
    }
    if (reach === null || (b.lastSequence as number) > reach) {
      reach = b.lastSequence as number;
      reachDir = b.dir;
    }
  }
  // Links: each full bundle after the first names the full bundle exported before it.
  full.forEach((b, i) => {
    const before = full[i - 1];
    if (!before) return;
    const link = b.previousBundle;
    if (!link) {
      problems.push({
        problem: 'bundle missing',
        between: [before.dir, b.dir],
        reason: `the later bundle names no earlier export, so the earlier one is not from the same trail`,
      });
    } else if (link.lastSequence > (before.lastSequence as number)) {
      problems.push({
        problem: 'bundle missing',
        between: [before.dir, b.dir],
        reason: `a bundle is missing: the later one follows an export that ended at seq ${link.lastSequence}, the earlier one ends at seq ${before.lastSequence}`,
      });
    } else if (link.lastSequence < (before.lastSequence as number)) {
      problems.push({
        problem: 'bundle missing',
        between: [before.dir, b.dir],
        reason: `the later bundle follows an export that ended at seq ${link.lastSequence}; the earlier one (to seq ${before.lastSequence}) is not in its line of exports`,
      });
    } else if (link.chainHead !== before.chainHead) {
      problems.push({
        problem: 'diverged',
        between: [before.dir, b.dir],
        reason: `the later bundle follows an export whose chain head at seq ${link.lastSequence} differs from the earlier bundle's`,
      });
    }
  });
  const sequences = bundles.filter((b) => b.firstSequence !== null && b.lastSequence !== null);
  return {
    bundles,
    continuous: problems.length === 0 && bundles.length > 0,
    firstSequence: sequences.length ? Math.min(...sequences.map((b) => b.firstSequence as number)) : null,
    lastSequence: sequences.length ? Math.max(...sequences.map((b) => b.lastSequence as number)) : null,
    problems,
  };
}

/** The verifier's verdict in the contract's words, as the export screen shows it (issues 12, 13). */
export async function verifyForScreen(
  dir: string,
  trusted: readonly string[],
): Promise<AuditExportResult['verification']> {
  const verdict = await verifyBundle(dir, { trusted: [...trusted] });
  return {
    intact: verdict.intact,
    trusted: verdict.trusted,
    entries: verdict.entries,
    signer: verdict.signer,
    problems: verdict.problems.map(problemText),
  };
}
