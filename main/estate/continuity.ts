// Is a verified bundle continuous with what the store already holds for its workstation series?
// Both stores use this one check, fed with the held entries just around and inside the bundle's
// sequence range. Why this is enough: each entry's hash commits to its content and to the previous
// hash, so two chains that agree on one sequence's hash agree on everything before it; a bundle
// that disagrees anywhere with what is held is a forked or rewritten trail and is refused whole.
import type { AuditEntry } from '../audit/entry';
import type { VerifiedBundle } from './model';

export interface HeldLink {
  readonly sequence: number;
  readonly hash: string;
  readonly prevHash: string;
}

const canonicalInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export class ContinuityError extends Error {
  override readonly name = 'ContinuityError';
}

export class ContinuityCheck {
  private readonly held = new Map<number, HeldLink>();
  private added = 0;
  private seen = 0;

  constructor(
    private readonly bundle: VerifiedBundle,
    held: Iterable<HeldLink>,
  ) {
    for (const link of held) this.held.set(link.sequence, link);
    const { firstSequence, lastSequence, previousHash, chainHead, previousBundle } = bundle;
    // The export this one says it follows: where the store holds that entry, it must be the one
    // that export signed, or the workstation's history was rewritten in between.
    const linked = previousBundle ? this.held.get(previousBundle.lastSequence) : undefined;
    if (previousBundle && linked && linked.hash !== previousBundle.chainHead) {
      throw new ContinuityError(
        `does not continue the series held for ${bundle.source.workstation}: the export it follows ended at seq ${previousBundle.lastSequence} with a different hash from the one held (forked or rewritten trail)`,
      );
    }
    if (firstSequence === null || lastSequence === null) return;
    const before = this.held.get(firstSequence - 1);
    if (before && before.hash !== previousHash) {
      throw new ContinuityError(
        `does not continue the series held for ${bundle.source.workstation}: seq ${firstSequence - 1} held with a different hash (forked or rewritten trail)`,
      );
    }
    const after = this.held.get(lastSequence + 1);
    if (after && after.prevHash !== chainHead) {
      throw new ContinuityError(
        `does not continue the series held for ${bundle.source.workstation}: held seq ${lastSequence + 1} does not follow this bundle's chain head (forked or rewritten trail)`,
      );
    }
  }

  /** True when the entry is new to the store; throws when it contradicts a held one. */
  accept(entry: AuditEntry): boolean {
    this.seen += 1;
    // Both stores keep time as an instant; only the app's own format (toISOString) round-trips
    // exactly, and an entry the store cannot give back byte for byte would no longer verify.
    if (!canonicalInstant.test(entry.at) || new Date(entry.at).toISOString() !== entry.at) {
      throw new ContinuityError(`seq ${entry.sequence}: time ${entry.at} is not UTC with milliseconds`);
    }
    const held = this.held.get(entry.sequence);
    if (!held) {
      this.added += 1;
      return true;
    }
    if (held.hash !== entry.hash) {
      throw new ContinuityError(
        `seq ${entry.sequence} differs from the entry already held for ${this.bundle.source.workstation} (forked or rewritten trail)`,
      );
    }
    return false;
  }

  /** After the last entry: the count read must be the count the signed manifest promised. */
  finish(): { added: number } {
    if (this.seen !== this.bundle.entries) {
      throw new ContinuityError(`read ${this.seen} entries, the manifest lists ${this.bundle.entries}`);
    }
    return { added: this.added };
  }
}

/**
 * The held entries the check needs: the bundle's range and one either side, and the last entry
 * of the export it follows (`link`, -1 when none).
 */
export function heldWindow(bundle: VerifiedBundle): { low: number; high: number; link: number } {
  const link = bundle.previousBundle?.lastSequence ?? -1;
  if (bundle.firstSequence === null || bundle.lastSequence === null) return { low: 0, high: -1, link };
  return { low: bundle.firstSequence - 1, high: bundle.lastSequence + 1, link };
}
