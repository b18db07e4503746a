// The verifier reads a line exactly as the exporter writes it straight from its text, and any
// other line through JSON.parse and fromAuditEvent. These tests hold the two readers to one
// answer: every exported line is read the fast way, as the entry it was written from; and no
// line, however it was changed, is read the fast way as anything other than what JSON.parse and
// fromAuditEvent make of it (else a tampered line could verify as an entry no reviewer reads).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readChainLink } from '../../../main/audit/chain-line';
import {
  canonicalEncoding,
  canonicalEncodingOfJson,
  entryOfJsonFields,
  seal,
  type AuditEntry,
} from '../../../main/audit/entry';
import { auditEventLine, readEventLine } from '../../../main/audit/event-line';
import { fromAuditEvent } from '../../../main/audit/fhir';
import { auditEntryArb } from '../../support/audit-entries';

/** What JSON.parse and fromAuditEvent read from a line (null: they refuse it). */
function readSlowly(line: string): AuditEntry | null {
  try {
    return fromAuditEvent(JSON.parse(line));
  } catch {
    return null;
  }
}

/** Both readers' view of a line: equal whenever the fast reader accepts it. */
function expectSameReading(line: string): boolean {
  const fast = readEventLine(line);
  if (fast === null) return false;
  const slow = readSlowly(line);
  expect(slow, line).not.toBeNull();
  const entry = slow as AuditEntry;
  expect(fast.sequence, line).toBe(entry.sequence);
  expect(fast.prevHash, line).toBe(entry.prevHash);
  expect(fast.hash, line).toBe(entry.hash);
  expect(canonicalEncodingOfJson(fast.fields), line).toBe(canonicalEncoding(entry));
  // Estate ingest loads the entry from these fields: it must be the entry JSON.parse reads.
  expect(entryOfJsonFields(fast.fields, fast.prevHash, fast.hash), line).toEqual(entry);
  return true;
}

/** The line's bytes one per character, as the verifier's helper threads read a block. */
const asBytes = (line: string) => Buffer.from(line, 'utf8').toString('latin1');

const exported = (arb = auditEntryArb()) => arb.map((e) => auditEventLine(seal(e)));

/** Pieces a tamperer might put into a line: JSON punctuation, escapes, other characters, keys. */
const snippet = fc.constantFrom(
  '"',
  '\\',
  '\\"',
  '\\u0041',
  ',',
  ':',
  '{',
  '}',
  '[',
  ']',
  ' ',
  'null',
  '1',
  '.0',
  'e0',
  'é',
  '\n',
  ',"display":"SOMEONE, Else"',
  ',"who":{"display":"SOMEONE, Else"}',
  ',"requestor":true',
  ',"requestor":false',
  ',"recorded":"2030-01-01T00:00:00.000Z"',
  ',"name":"detail","detail":[{"type":"detail","valueString":"x"}]',
);

/** A changed line: a piece inserted, a run removed or replaced, or a run of the line repeated. */
const changed = fc
  .tuple(exported(), fc.nat(), fc.nat({ max: 60 }), snippet, fc.nat(), fc.integer({ min: 0, max: 3 }))
  .map(([line, p, length, piece, q, how]) => {
    const at = p % (line.length + 1);
    const to = Math.min(line.length, at + length);
    if (how === 0) return line.slice(0, at) + piece + line.slice(at);
    if (how === 1) return line.slice(0, at) + line.slice(to);
    if (how === 2) return line.slice(0, at) + piece + line.slice(to);
    const into = q % (line.length + 1);
    return line.slice(0, into) + line.slice(at, to) + line.slice(into);
  });

describe('reading an exported line from its text', () => {
  it('reads every line the exporter writes as the entry it was written from', () => {
    fc.assert(
      fc.property(auditEntryArb(), (unsealed) => {
        const entry = seal(unsealed);
        const read = readEventLine(auditEventLine(entry));
        expect(read).not.toBeNull();
        expect(read?.sequence).toBe(entry.sequence);
        expect(read?.prevHash).toBe(entry.prevHash);
        expect(read?.hash).toBe(entry.hash);
        expect(canonicalEncodingOfJson(read?.fields ?? [])).toBe(canonicalEncoding(entry));
        expect(entryOfJsonFields(read?.fields ?? [], entry.prevHash, entry.hash)).toEqual(entry);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves other characters and escapes to JSON.parse, and the chain check reads them the same', () => {
    fc.assert(
      fc.property(auditEntryArb('binary'), (unsealed) => {
        const entry = seal(unsealed);
        const line = auditEventLine(entry);
        expectSameReading(line);
        for (const link of [readChainLink(line), readChainLink(asBytes(line), 0, undefined, true)]) {
          expect(link).toEqual({
            sequence: entry.sequence,
            prevHash: entry.prevHash,
            hash: entry.hash,
            sealed: true,
          });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never reads a changed line as anything other than what JSON.parse and fromAuditEvent read', () => {
    let readFast = 0;
    fc.assert(
      fc.property(changed, (line) => {
        if (expectSameReading(line)) readFast += 1;
      }),
      { numRuns: 5000 },
    );
    // Changes inside a value keep the exporter's layout: the property was tested on those too.
    expect(readFast).toBeGreaterThan(100);
  });

  it('refuses a repeated key, which JSON.parse reads as the last one', () => {
    const entry = seal(fc.sample(auditEntryArb(), { seed: 15, numRuns: 1 })[0] as AuditEntry);
    const line = auditEventLine({ ...entry, displayName: 'PHARMACIST, Ann' });
    const repeated = line.replace('"requestor":true}', '"requestor":true,"who":{"display":"SOMEONE, Else"}}');
    expect(repeated).not.toBe(line);
    expect(readEventLine(repeated)).toBeNull();
    expect(readSlowly(repeated)?.displayName).toBe('SOMEONE, Else');
    expect(readChainLink(repeated).sealed).toBe(false);
  });

  it('reads a value written with an equivalent escape as the same entry, through JSON.parse', () => {
    const entry = seal(fc.sample(auditEntryArb(), { seed: 16, numRuns: 1 })[0] as AuditEntry);
    const line = auditEventLine({ ...entry, workstation: 'PHARM-01' });
    const escaped = line.replace('"site":"PHARM-01"', '"site":"\\u0050HARM-01"');
    expect(readEventLine(escaped)).toBeNull();
    // The same link; only the line read as exported also hands over its fields (for ingest).
    expect({ ...readChainLink(escaped), fields: undefined }).toEqual({
      ...readChainLink(line),
      fields: undefined,
    });
  });
});
