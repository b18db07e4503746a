// The verifier's one way of reading audit.ndjson line by line, for its sequential walk and its
// helper threads alike. Reads in blocks and hands each line over in place: `text` is the
// block as one string with a character per byte (latin1), the line is text.slice(from, to), so
// a million lines cost no string of their own (chain-line.ts reads them; a line it has to
// decode is decoded as UTF-8 there). Lines end at \n only.
import { open } from 'node:fs/promises';

// Below V8's large-object size, so that each block's string dies young: with 1 MiB blocks a
// helper thread's peak memory grew by about 60 MB, for no gain in speed.
const BLOCK = 96 << 10;

export interface LineRange {
  /** Lines whose first byte lies in [start, end) are read. */
  readonly start: number;
  readonly end: number;
}

/**
 * Calls `onLine` for each line of `file` starting in `range`, in order, until it returns false.
 * `onBytes`, when given, sees every byte read, once and in order (from the range's start, or
 * the byte before it, to where reading stopped). `afterBlock`, when given, is awaited after each
 * block's lines (a consumer of the lines can make the reading wait for it).
 */
export async function readLines(
  file: string,
  range: LineRange,
  onLine: (text: string, from: number, to: number) => boolean,
  onBytes?: (bytes: Buffer) => void,
  afterBlock?: () => Promise<void>,
): Promise<void> {
  const handle = await open(file, 'r');
  // The next block is read while this one is checked (`stage`), then appended to what is left of
  // the last line (`buffer`): the walk otherwise waited for a read between every two blocks.
  const stage = Buffer.allocUnsafe(BLOCK);
  let buffer = Buffer.allocUnsafe(BLOCK * 2);
  // From a byte before `start`, the first fragment is the tail of the previous range's last
  // line (or, when that byte is a newline, an empty fragment): it is never ours.
  let skipFirst = range.start > 0;
  let base = Math.max(0, range.start - 1); // file offset of buffer[0]
  let filled = 0;
  let next: Promise<{ bytesRead: number }> | null = handle.read(stage, 0, BLOCK, base);
  try {
    for (;;) {
      const { bytesRead } = await (next as Promise<{ bytesRead: number }>);
      next = null;
      const eof = bytesRead === 0;
      onBytes?.(stage.subarray(0, bytesRead));
      if (filled + bytesRead > buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, filled + bytesRead));
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      stage.copy(buffer, filled, 0, bytesRead);
      filled += bytesRead;
      if (!eof) next = handle.read(stage, 0, BLOCK, base + filled);
      const text = buffer.toString('latin1', 0, filled);
      let lineStart = 0;
      for (;;) {
        let newline = text.indexOf('\n', lineStart);
        if (newline === -1) {
          if (!eof || lineStart >= filled) break;
          newline = filled; // a last line without a newline
        }
        if (skipFirst) skipFirst = false;
        else {
          if (base + lineStart >= range.end) return;
          if (!onLine(text, lineStart, newline)) return;
        }
        lineStart = newline + 1;
      }
      if (afterBlock) await afterBlock();
      if (eof) return;
      buffer.copy(buffer, 0, lineStart, filled);
      base += lineStart;
      filled -= lineStart;
    }
  } finally {
    await next?.catch(() => undefined);
    await handle.close();
  }
}
