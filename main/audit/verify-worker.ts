// A verifier helper thread: checks the lines of one byte range of audit.ndjson on its own (each
// line hashes to what it says, follows the previous line by one sequence number and names its
// hash). verify.ts joins the ranges; any problem sends it back to the sequential walk, which
// names the first bad line and why.
import { parentPort, workerData } from 'node:worker_threads';
import { readChainLink } from './chain-line';
import { readLines } from './line-reader';

export interface ChunkTask {
  readonly file: string;
  /** Lines whose first byte lies in [start, end) belong to this chunk. */
  readonly start: number;
  readonly end: number;
}

export type ChunkResult =
  | {
      readonly ok: true;
      readonly lines: number;
      readonly firstSequence: number | null;
      readonly firstPrevHash: string | null;
      readonly lastSequence: number | null;
      readonly lastHash: string | null;
    }
  | { readonly ok: false };

export async function checkChunk(task: ChunkTask): Promise<ChunkResult> {
  let ok = true;
  let count = 0;
  let firstSequence: number | null = null;
  let firstPrevHash: string | null = null;
  let lastSequence: number | null = null;
  let lastHash: string | null = null;
  try {
    await readLines(task.file, task, (text, from, to) => {
      const entry = readChainLink(text, from, to, true);
      if (
        !entry.sealed ||
        (lastSequence !== null && (entry.sequence !== lastSequence + 1 || entry.prevHash !== lastHash))
      ) {
        ok = false;
        return false;
      }
      if (firstSequence === null) {
        firstSequence = entry.sequence;
        firstPrevHash = entry.prevHash;
      }
      lastSequence = entry.sequence;
      lastHash = entry.hash;
      count += 1;
      return true;
    });
  } catch {
    return { ok: false };
  }
  return ok
    ? { ok: true, lines: count, firstSequence, firstPrevHash, lastSequence, lastHash }
    : { ok: false };
}

if (parentPort && workerData) {
  const port = parentPort;
  void checkChunk(workerData as ChunkTask).then(
    (result) => port.postMessage(result),
    () => port.postMessage({ ok: false } satisfies ChunkResult),
  );
}
