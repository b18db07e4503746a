// A verifier helper thread: checks the lines of one byte range of audit.ndjson on its own (each
// line hashes to what it says, follows the previous line by one sequence number and names its
// hash). verify.ts joins the ranges; any problem sends it back to the sequential walk, which
// names the first bad line and why.
import { closeSync, openSync, readSync } from 'node:fs';
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

/** Calls `onLine` for each line starting in [start, end), with its byte offset; reads in big blocks. */
function forEachLine(task: ChunkTask, onLine: (line: string) => boolean): void {
  const fd = openSync(task.file, 'r');
  let buffer = Buffer.allocUnsafe(8 << 20);
  // From a byte before `start`, the first fragment is the tail of the previous chunk's last line
  // (or, when that byte is a newline, an empty fragment): it is never ours.
  let skipFirst = task.start > 0;
  let base = Math.max(0, task.start - 1); // file offset of buffer[0]
  let filled = 0;
  try {
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, base + filled);
      const eof = read === 0;
      filled += read;
      let lineStart = 0;
      for (;;) {
        let newline = buffer.indexOf(10, lineStart);
        if (newline === -1 || newline >= filled) {
          if (!eof || lineStart >= filled) break;
          newline = filled; // a last line without a newline
        }
        if (skipFirst) skipFirst = false;
        else {
          if (base + lineStart >= task.end) return;
          if (!onLine(buffer.toString('utf8', lineStart, newline))) return;
        }
        lineStart = newline + 1;
      }
      if (eof) return;
      buffer.copy(buffer, 0, lineStart, filled);
      base += lineStart;
      filled -= lineStart;
    }
  } finally {
    closeSync(fd);
  }
}

export async function checkChunk(task: ChunkTask): Promise<ChunkResult> {
  let ok = true;
  let count = 0;
  let firstSequence: number | null = null;
  let firstPrevHash: string | null = null;
  let lastSequence: number | null = null;
  let lastHash: string | null = null;
  try {
    forEachLine(task, (line) => {
      const entry = fromAuditEvent(JSON.parse(line));
      if (
        chainHash(entry) !== entry.hash ||
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
