// A verifier helper thread: checks the lines of one byte range of audit.ndjson on its own (each
// line hashes to what it says, follows the previous line by one sequence number and names its
// hash). verify.ts joins the ranges; any problem sends it back to the sequential walk, which
// names the first bad line and why.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { chainHash } from './entry';
import { fromAuditEvent } from './fhir';

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
  const from = Math.max(0, task.start - 1);
  const stream = createReadStream(task.file, { start: from });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let offset = from;
  // From a byte before `start`, the first fragment is the tail of the previous chunk's last line
  // (or, when that byte is a newline, an empty fragment): it is never ours.
  let skipFirst = task.start > 0;
  let count = 0;
  let firstSequence: number | null = null;
  let firstPrevHash: string | null = null;
  let lastSequence: number | null = null;
  let lastHash: string | null = null;
  try {
    for await (const line of lines) {
      const lineStart = offset;
      offset += Buffer.byteLength(line, 'utf8') + 1;
      if (skipFirst) {
        skipFirst = false;
        continue;
      }
      if (lineStart >= task.end) break;
      const entry = fromAuditEvent(JSON.parse(line));
      if (chainHash(entry) !== entry.hash) return { ok: false };
      if (lastSequence !== null && (entry.sequence !== lastSequence + 1 || entry.prevHash !== lastHash)) {
        return { ok: false };
      }
      if (firstSequence === null) {
        firstSequence = entry.sequence;
        firstPrevHash = entry.prevHash;
      }
      lastSequence = entry.sequence;
      lastHash = entry.hash;
      count += 1;
    }
  } catch {
    return { ok: false };
  } finally {
    lines.close();
    stream.destroy();
  }
  return { ok: true, lines: count, firstSequence, firstPrevHash, lastSequence, lastHash };
}

if (parentPort && workerData) {
  const port = parentPort;
  void checkChunk(workerData as ChunkTask).then(
    (result) => port.postMessage(result),
    () => port.postMessage({ ok: false } satisfies ChunkResult),
  );
}
