// `smsp audit verify DIR... --witness FILE` (issue 12, finding 3): bundles checked against the
// workstation's witness (its `audit-witness.ndjson`, or a `journalctl -t scr-desktop-audit -o cat`
// dump of the same lines). A bundle can be intact and correctly signed and still not be the trail
// the workstation wrote: someone with the database key may have changed or re-chained entries and
// exported again, or cut entries off the end before the export. The signed checkpoints outside the
// database say what the chain head was at each moment; this reads them against the bundles:
//  - a checkpoint inside a bundle's range must name the hash the bundle has at that sequence;
//  - a checkpoint written before the newest full bundle was exported must lie within it
//    (beyond it, entries the workstation had written were cut off, or the clock went back).
// Only checkpoints of the bundles' own workstations, signed by a key the reviewer trusts or that
// signed one of the bundles, count; a line that is not a validly signed checkpoint is a problem.
// A difference behind a later `acknowledged` checkpoint (a privacy officer acknowledged that
// break on the workstation) is reported, and does not fail the check.
import { verifyBundle, type BundleVerification } from './verify';
import { fingerprintOf } from './signing-key';
import type { Checkpoint, WitnessReading } from './witness';

export interface WitnessCheck {
  /** Checkpoints that belonged to these bundles and were compared. */
  readonly compared: number;
  /** Checkpoints left aside: another workstation, or a key neither trusted nor a bundle's signer. */
  readonly ignored: number;
  /** What does not match: the check fails when there is any. */
  readonly problems: readonly string[];
  /** Differences a privacy officer acknowledged on the workstation (listed, not failed). */
  readonly acknowledged: readonly string[];
}

const fingerprintOfCheckpoint = (c: Checkpoint): string => fingerprintOf(Buffer.from(c.publicKey, 'base64'));

/** The acknowledgement that covers a difference at `sequence` found through checkpoint `index`. */
function acknowledgementOf(checkpoints: readonly Checkpoint[], index: number, sequence: number) {
  return checkpoints
    .slice(index + 1)
    .find((c) => c.kind === 'acknowledged' && (c.acknowledgedSequence ?? c.sequence) <= sequence);
}

export async function checkAgainstWitness(
  bundles: readonly BundleVerification[],
  reading: WitnessReading,
  trusted: readonly string[],
): Promise<WitnessCheck> {
  const problems = reading.problems.map((p) => `witness ${p}`);
  const acknowledged: string[] = [];
  const workstations = new Set(bundles.flatMap((b) => (b.signer ? [b.signer.workstation] : [])));
  const signers = new Set([...trusted, ...bundles.flatMap((b) => (b.signer ? [b.signer.fingerprint] : []))]);
  const relevant = reading.checkpoints.filter(
    (c) => workstations.has(c.workstation) && signers.has(fingerprintOfCheckpoint(c)),
  );
  const ignored = reading.checkpoints.length - relevant.length;
  const differ = (c: Checkpoint, text: string) => {
    const ack = acknowledgementOf(reading.checkpoints, reading.checkpoints.indexOf(c), c.sequence);
    if (ack)
      acknowledged.push(`${text} (break acknowledged on the workstation at ${ack.at}: ${ack.note ?? ''})`);
    else problems.push(text);
  };

  // Each checkpoint inside a bundle's range: the bundle's hash there, read from the bundle.
  for (const bundle of bundles) {
    if (bundle.firstSequence === null || bundle.lastSequence === null) continue;
    const first = bundle.firstSequence - 1;
    const last = bundle.lastSequence;
    const inside = relevant.filter((c) => c.sequence >= first && c.sequence <= last && c.sequence > 0);
    if (inside.length === 0) continue;
    const collect = new Map<number, string | null>(inside.map((c) => [c.sequence, null]));
    await verifyBundle(bundle.dir, { trusted, collect });
    for (const c of inside) {
      const hash = collect.get(c.sequence);
      // A filtered bundle holds no hash for an entry its filter left out: nothing to compare.
      if (hash === null || hash === undefined || hash === c.chainHead) continue;
      differ(
        c,
        `seq ${c.sequence}: ${bundle.dir} has another hash than the witness recorded at ${c.at} (${c.kind}): the entries up to it were changed or re-chained`,
      );
    }
  }

  // Cut off: the workstation had written further than the newest full bundle, before it was made.
  const full = bundles
    .filter((b) => b.kind === 'full' && b.lastSequence !== null && b.createdAt !== null)
    .sort((a, b) => (a.lastSequence ?? 0) - (b.lastSequence ?? 0))
    .at(-1);
  if (full && full.lastSequence !== null && full.createdAt !== null) {
    const exportedAt = Date.parse(full.createdAt);
    const beyond = relevant.filter(
      (c) => c.sequence > (full.lastSequence ?? 0) && Date.parse(c.at) < exportedAt,
    );
    const furthest = beyond.sort((a, b) => b.sequence - a.sequence)[0];
    if (furthest)
      differ(
        furthest,
        `the witness recorded seq ${furthest.sequence} at ${furthest.at}, before ${full.dir} was exported at ${full.createdAt}, but it ends at seq ${full.lastSequence}: entries were cut off (or the clock went back)`,
      );
  }
  return { compared: relevant.length, ignored, problems, acknowledged };
}
