// The verifier names a bad line by its number: it must count lines exactly as readline (and so
// any editor or `sed -n Np`) does, however the file's bytes arrive in chunks.
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonLines } from '../../../main/audit/ndjson-lines';

async function* inChunks(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > at) yield bytes.subarray(at, cut);
    at = Math.max(at, cut);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function ours(bytes: Buffer, cuts: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  for await (const lines of ndjsonLines(inChunks(bytes, cuts))) out.push(...lines);
  return out;
}

async function readline(bytes: Buffer, cuts: readonly number[]): Promise<string[]> {
  const out: string[] = [];
  const lines = createInterface({ input: Readable.from(inChunks(bytes, cuts)), crlfDelay: Infinity });
  for await (const line of lines) out.push(line);
  return out;
}

describe('the verifier reads lines as readline does', () => {
  it('for CR, CRLF and LF endings split across chunks, empty lines and a last line without an ending', async () => {
    const text = Buffer.from('{"a":1}\r\n{"b":"é"}\r\r\n\n{"c":2}\r{"d":3}', 'utf8');
    for (let first = 0; first <= text.length; first += 1) {
      for (let second = first; second <= text.length; second += 1) {
        expect(await ours(text, [first, second])).toEqual(await readline(text, [first, second]));
      }
    }
    expect(await ours(text, [])).toEqual(['{"a":1}', '{"b":"é"}', '', '', '{"c":2}', '{"d":3}']);
  });

  it('for any bytes in any chunks', async () => {
    const pieces = fc.constantFrom('\r', '\n', '\r\n', '{}', 'é', '😀', ' ', '\xff');
    await fc.assert(
      fc.asyncProperty(
        fc.array(pieces, { maxLength: 30 }),
        fc.array(fc.nat({ max: 80 }), { maxLength: 6 }),
        fc.boolean(),
        async (parts, cuts, cutCharacter) => {
          let bytes = Buffer.from(parts.join(''), 'utf8');
          // Sometimes end inside a character, as a truncated file would.
          if (cutCharacter && bytes.length > 0) bytes = bytes.subarray(0, bytes.length - 1);
          expect(await ours(bytes, cuts)).toEqual(await readline(bytes, cuts));
        },
      ),
      { numRuns: 300 },
    );
  });
});
