// One line of audit.ndjson as the chain check sees it: its sequence, the previous hash and hash
// it names, and whether its content hashes to that hash. The one line reader of the verifier's
// sequential walk and of its helper threads. A line exactly as the exporter writes it is read
// from its own text (event-line.ts) and hashed from the JSON values already in it; any other
// line is read by JSON.parse and fromAuditEvent, which also say what is malformed. Both give the
// same answer for every line the first accepts (test/unit/audit/event-line.test.ts).
import { canonicalEncodingOfJson, chainHash, chainHashOf } from './entry';
import { readEventLine } from './event-line';
import { fromAuditEvent } from './fhir';

export interface ChainLink {
  readonly sequence: number;
  readonly prevHash: string;
  readonly hash: string;
  /** The line's content hashes to `hash`. */
  readonly sealed: boolean;
  /** Read as the exporter writes it: the entry's canonical fields as JSON (entryOfJsonFields). */
  readonly fields?: readonly string[];
}

/**
 * Reads the line `text.slice(start, end)`. `text` is either decoded text, or the file's bytes
 * one per character (`bytes`: Buffer#latin1Slice), which a line that needs JSON.parse first
 * decodes as UTF-8. Throws an Error saying what is malformed.
 */
/** A line of `text` as its UTF-8 characters (`bytes`: `text` holds one character per byte). */
export function lineText(text: string, start: number, end: number, bytes: boolean): string {
  return bytes ? Buffer.from(text.slice(start, end), 'latin1').toString('utf8') : text.slice(start, end);
}

export function readChainLink(text: string, start = 0, end = text.length, bytes = false): ChainLink {
  const exported = readEventLine(text, start, end);
  if (exported) {
    const { sequence, prevHash, hash, fields } = exported;
    return {
      sequence,
      prevHash,
      hash,
      sealed: chainHashOf(prevHash, canonicalEncodingOfJson(fields)) === hash,
      fields,
    };
  }
  const entry = fromAuditEvent(JSON.parse(lineText(text, start, end, bytes)));
  return {
    sequence: entry.sequence,
    prevHash: entry.prevHash,
    hash: entry.hash,
    sealed: chainHash(entry) === entry.hash,
  };
}
