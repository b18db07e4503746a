// Ingest: one signed bundle into an estate store (issue 16). The bundle is checked by the audit
// verifier (never a second verifier of our own), its signer looked up in the estate's trust list,
// and handed to the store, which checks continuity with the series it holds and loads it in one
// transaction. The bundle is read and parsed once: the store loads the entries as the verifier
// checks them, and commits only once the verifier has found the whole bundle intact (anything
// else ends the entries with an error and rolls the load back). Why no private copy of the
// bundle first, though a branch's shared folder may change under us: the entries loaded are the
// very bytes the verifier hashed and parsed, in its one read of audit.ndjson.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Manifest } from '../audit/manifest';
import { reviewReasons } from '../audit/review';
import type { OpeningHours } from '../config/schema';
import { problemText, verifyBundle, type BundleVerification } from '../audit/verify';
import { ContinuityError } from './continuity';
import { EntryFeed } from './entry-feed';
import type { EstateStore, IngestOutcome, LoadResult, VerifiedBundle } from './model';

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
  /**
   * The organisation's opening hours, from the estate tool's administrator configuration
   * (`governance.openingHours`, as the app's own queue uses). Why at ingest: each access is
   * judged once, as it is loaded, by the workstation's rule (audit/review.ts) and its reasons
   * kept with it, so the queue is an indexed read. The hours in force when a bundle is ingested
   * decide its entries; a later change of hours does not re-judge entries already held.
   */
  readonly openingHours: OpeningHours;
}

/** Why an estate takes a bundle in: it must also be intact, which only the end of the walk says. */
function admissible(signed: BundleVerification): boolean {
  // Why trusted: an intact bundle proves only that someone with some key made it; the estate
  // takes in only what its administrator's list says came from one of its own workstations.
  // Why full: a filtered export is a reviewer's selection, not the workstation's series; the
  // estate keeps whole series, so that "nothing else happened" can be said of what it holds.
  return signed.trusted && signed.kind === 'full' && signed.signer !== null;
}

function bundleFor(
  name: string,
  signed: BundleVerification,
  manifest: Manifest,
  feed: EntryFeed,
  openingHours: OpeningHours,
): VerifiedBundle {
  const signer = signed.signer as NonNullable<BundleVerification['signer']>;
  return {
    name,
    source: {
      workstation: signer.workstation,
      keyFingerprint: signer.fingerprint,
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
    reviewReasons: (entry) => reviewReasons(entry, openingHours),
    read: () => feed,
  };
}

class NotAccepted extends Error {}

function manifestOf(dir: string): Partial<Manifest> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Partial<Manifest>;
  } catch {
    return null;
  }
}

export async function ingestBundle(dir: string, options: IngestOptions): Promise<IngestLine> {
  const name = resolve(dir);
  const claimed = manifestOf(dir);
  const workstation = typeof claimed?.workstation === 'string' ? claimed.workstation : null;
  const refuse = async (reason: string, keyFingerprint: string | null): Promise<IngestLine> => {
    await options.store.recordRefusal({ bundle: name, workstation, keyFingerprint, reason });
    return { bundle: name, workstation, entries: 0, outcome: 'refused', reason };
  };
  // The store starts loading once the signature checks out, and only for a bundle it would take.
  const feed = new EntryFeed();
  let loading: Promise<LoadResult | Error> | null = null;
  let result: BundleVerification;
  try {
    result = await verifyBundle(dir, {
      trusted: options.trust,
      consumer: (signed, manifest) => {
        if (!admissible(signed)) return null;
        loading = options.store.load(bundleFor(name, signed, manifest, feed, options.openingHours)).then(
          (loaded) => loaded,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        // Whatever ended the load (done, duplicate, contradiction, failure), the walk goes on.
        void loading.finally(() => feed.abandon());
        return feed;
      },
    });
  } catch (error) {
    feed.end(new NotAccepted('the verifier failed'));
    await loading;
    throw error;
  }
  // Why this is the only place the entries end well: the store commits after the last batch,
  // so it must see the end only for a bundle that is intact as a whole.
  const accepted = result.intact && admissible(result);
  feed.end(accepted ? null : new NotAccepted('the bundle is refused'));
  const loaded = await (loading as Promise<LoadResult | Error> | null);

  if (!result.intact || !result.signer) {
    return refuse(`not intact: ${result.problems.map(problemText).join('; ')}`, null);
  }
  const fingerprint = result.signer.fingerprint;
  if (!result.trusted) {
    return refuse(
      `signer not trusted: signed by key ${fingerprint} (key id ${result.signer.keyId}), which is not in the estate's trust list`,
      fingerprint,
    );
  }
  if (result.kind !== 'full') {
    return refuse(
      'a filtered export: the estate takes full exports only (export without criteria)',
      fingerprint,
    );
  }
  if (loaded === null) throw new Error('an intact, trusted full bundle was not loaded');
  if (loaded instanceof ContinuityError) return refuse(loaded.message, fingerprint);
  if (loaded instanceof Error) throw loaded;
  return {
    bundle: name,
    workstation: result.signer.workstation,
    entries: result.entries,
    outcome: loaded.outcome,
    ...(loaded.outcome === 'duplicate' ? { reason: 'already held' } : {}),
  };
}
