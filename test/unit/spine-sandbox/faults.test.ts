// Fault rules: validation of rule shapes, selection by interaction / NHS number / header, and
// one-shot counts, so retry tests are deterministic.
import { describe, expect, it } from 'vitest';
import { FaultBook } from '../../spine-sandbox/faults';

const target = (
  interaction: string | null,
  nhsNumber: string | null = null,
  header: string | null = null,
) => ({ interaction, nhsNumber, header });

describe('FaultBook', () => {
  it('applies a one-shot rule exactly once', () => {
    const book = new FaultBook();
    book.set([{ kind: 'soap-fault', code: '206', times: 2 }]);
    expect(book.take(target('X'), ['soap-fault'])?.code).toBe('206');
    expect(book.take(target('X'), ['soap-fault'])?.code).toBe('206');
    expect(book.take(target('X'), ['soap-fault'])).toBeNull();
    expect(book.list()).toHaveLength(0);
  });

  it('matches only the chosen interaction, NHS number and header', () => {
    const book = new FaultBook();
    book.set([
      { kind: 'reset', interaction: 'QUPA_IN000008UK02' },
      { kind: 'timeout', nhsNumber: '9000000009' },
      { kind: 'malformed', header: 'bad-xml' },
    ]);
    expect(book.take(target('QUPA_IN000005UK01'), ['reset'])).toBeNull();
    expect(book.take(target('QUPA_IN000008UK02'), ['reset'])?.kind).toBe('reset');
    expect(book.take(target('QUPA_IN000008UK02', '9000000025'), ['timeout'])).toBeNull();
    expect(book.take(target('QUPA_IN000008UK02', '9000000009'), ['timeout'])?.kind).toBe('timeout');
    expect(book.take(target(null), ['malformed'])).toBeNull();
    expect(book.take(target(null, null, 'bad-xml'), ['malformed'])?.kind).toBe('malformed');
  });

  it('leaves rules of other kinds alone', () => {
    const book = new FaultBook();
    book.set([{ kind: 'ack', ackCode: 'AE', times: 1 }]);
    expect(book.take(target('X'), ['soap-fault', 'reset'])).toBeNull();
    expect(book.list()).toHaveLength(1);
  });

  it('rejects unknown kinds, unknown fields and unbounded values', () => {
    const book = new FaultBook();
    expect(() => book.set([{ kind: 'explode' } as never])).toThrow();
    expect(() => book.set([{ kind: 'reset', colour: 'red' } as never])).toThrow();
    expect(() => book.set([{ kind: 'timeout', ms: 10_000_000 }])).toThrow();
    expect(() => book.set([{ kind: 'latency', times: 0 }])).toThrow();
  });
});
