// Ingest: one signed bundle into an estate store (issue 16). The bundle is first copied into a
// private folder, so what is verified is exactly what is loaded (a branch's shared folder may
// change under us); then checked by the audit verifier (never a second verifier of our own),
// its signer looked up in the estate's trust list, and handed to the store, which checks
// continuity with the series it holds and loads it in one transaction.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEntry } from '../audit/entry';
import { fromAuditEvent } from '../audit/fhir';
import type { Manifest } from '../audit/manifest';
import { problemText, verifyBundle } from '../audit/verify';
import { ContinuityError } from './continuity';
import type { EstateStore, IngestOutcome, VerifiedBundle } from './model';

export interface IngestLine {
  readonly bundle: string;
  readonly workstation: string | null;
  readonly entries: number;
  readonly outcome: IngestOutcome;
  readonly reason?: string;
}

export interface IngestOptions {
  readonly store: EstateStore;
  /** Fingerprints of the workstation signing keys the estate trusts. */
  readonly trust: readonly string[];
}

const BUNDLE_FILES = ['manifest.json', 'audit.ndjson', 'audit.csv', 'omitted.ndjson'] as const;

/** Entries of a bundle's audit.ndjson, in file order. */
async function* readEntries(file: string): AsyncGenerator<AuditEntry> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.length > 0) yield fromAuditEvent(JSON.parse(line));
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

function privateCopy(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'smsp-ingest-'));
  for (const file of BUNDLE_FILES) {
    try {
      copyFileSync(join(dir, file), join(copy, file));
    } catch {
      // A missing file is the verifier's to report, with its own words.
    }
  }
  return copy;
}

function manifestOf(dir: string): Partial<Manifest> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Partial<Manifest>;
  } catch {
    return null;
  }
}

export async function ingestBundle(dir: string, options: IngestOptions): Promise<IngestLine> {
  const name = resolve(dir);
  const copy = privateCopy(dir);
  try {
    const claimed = manifestOf(copy);
    const workstation = typeof claimed?.workstation === 'string' ? claimed.workstation : null;
    const refuse = async (reason: string, keyFingerprint: string | null): Promise<IngestLine> => {
      await options.store.recordRefusal({ bundle: name, workstation, keyFingerprint, reason });
      return { bundle: name, workstation, entries: 0, outcome: 'refused', reason };
    };
    const result = await verifyBundle(copy, { trusted: options.trust });
    if (!result.intact || !result.signer) {
      return refuse(`not intact: ${result.problems.map(problemText).join('; ')}`, null);
    }
    const manifest = claimed as Manifest;
    const fingerprint = result.signer.fingerprint;
    // Why: an intact bundle proves only that someone with some key made it; the estate takes in
    // only what its administrator's list says came from one of its own workstations.
    if (!result.trusted) {
      return refuse(
        `signer not trusted: signed by key ${fingerprint} (key id ${result.signer.keyId}), which is not in the estate's trust list`,
        fingerprint,
      );
    }
    // A filtered export is a reviewer's selection, not the workstation's series: the estate
    // keeps whole series, so that "nothing else happened" can be said of what it holds.
    if (result.kind !== 'full') {
      return refuse(
        'a filtered export: the estate takes full exports only (export without criteria)',
        fingerprint,
      );
    }
    const bundle: VerifiedBundle = {
      name,
      source: {
        workstation: result.signer.workstation,
        keyFingerprint: fingerprint,
        publicKey: manifest.publicKey,
      },
      signature: manifest.signature,
      entries: manifest.entries,
      firstSequence: manifest.firstSequence,
      lastSequence: manifest.lastSequence,
      previousHash: manifest.previousHash,
      chainHead: manifest.chainHead,
      previousBundle: manifest.previousBundle,
      createdAt: manifest.createdAt,
      read: () => readEntries(join(copy, 'audit.ndjson')),
    };
    try {
      const loaded = await options.store.load(bundle);
      return {
        bundle: name,
        workstation: manifest.workstation,
        entries: manifest.entries,
        outcome: loaded.outcome,
        ...(loaded.outcome === 'duplicate' ? { reason: 'already held' } : {}),
      };
    } catch (error) {
      if (error instanceof ContinuityError) return refuse(error.message, fingerprint);
      throw error;
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
