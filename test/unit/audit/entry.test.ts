// The entry's canonical encoding and chain hash, secret scrubbing, the lossless FHIR mapping the
// offline verifier depends on, and spreadsheet-safe CSV.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalEncoding,
  canonicalEncodingOfJson,
  chainHash,
  localOffset,
  scrubDetail,
  seal,
  type UnsealedEntry,
} from '../../../main/audit/entry';
import { auditEventLine } from '../../../main/audit/event-line';
import { fromAuditEvent, toAuditEvent } from '../../../main/audit/fhir';
import { csvField } from '../../../main/audit/export';
import { auditEntryArb } from '../../support/audit-entries';

const base: UnsealedEntry = {
  sequence: 1,
  at: '2026-11-25T14:45:07.123Z',
  tzOffset: '+00:00',
  type: 'scr.view',
  outcome: 'success',
  userUuid: '555021935107',
  displayName: 'PHARMACIST, Ann',
  roleProfileId: '555021936108',
  jobRole: 'S8000:G8000:R8008',
  odsCode: 'FA123',
  workstation: 'PHARM-01',
  asid: '200000001234',
  nhsNumber: '9990402132',
  interactionId: 'REPC_IN150016UK05',
  messageId: 'A1B2',
  correlationId: 'C3D4',
  accessReason: 'emergency',
  accessReasonText: 'Patient unconscious',
  detail: '{"sections":4}',
  prevHash: GENESIS_HASH,
};

/** The canonical encoding's fields, in its order (entry.ts), sequence first. */
const canonicalOrder = [
  'sequence',
  'at',
  'tzOffset',
  'type',
  'outcome',
  'userUuid',
  'displayName',
  'roleProfileId',
  'jobRole',
  'odsCode',
  'workstation',
  'asid',
  'nhsNumber',
  'interactionId',
  'messageId',
  'correlationId',
  'accessReason',
  'accessReasonText',
  'detail',
] as const satisfies readonly (keyof UnsealedEntry)[];

describe('chain hash', () => {
  it('is SHA-256 of the previous hash bytes followed by the canonical encoding', () => {
    const expected = createHash('sha256')
      .update(Buffer.from(GENESIS_HASH, 'hex'))
      .update(canonicalEncoding(base))
      .digest('hex');
    expect(chainHash(base)).toBe(expected);
  });

  it('changes when any field or the previous hash changes', () => {
    const hash = chainHash(base);
    for (const key of Object.keys(base) as (keyof UnsealedEntry)[]) {
      const value = base[key];
      const altered =
        key === 'prevHash'
          ? { ...base, prevHash: 'f'.repeat(64) }
          : { ...base, [key]: typeof value === 'number' ? value + 1 : value === null ? 'x' : `${value}x` };
      expect(chainHash(altered), key).not.toBe(hash);
    }
    // A null and an empty string are different entries.
    expect(chainHash({ ...base, asid: null })).not.toBe(chainHash({ ...base, asid: '' }));
  });

  it('reads the previous hash as Buffer.from(hex) does, whatever a tampered line carries there', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-F]{0,130}$/)), (prevHash) => {
        const expected = createHash('sha256')
          .update(Buffer.from(prevHash, 'hex'))
          .update(canonicalEncoding(base), 'utf8')
          .digest('hex');
        expect(chainHash({ ...base, prevHash })).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('assembles the same canonical encoding from fields already written as JSON', () => {
    fc.assert(
      fc.property(auditEntryArb('binary'), (entry) => {
        const fields = canonicalOrder.map((name) => JSON.stringify(entry[name]));
        expect(canonicalEncodingOfJson(fields)).toBe(canonicalEncoding(entry));
      }),
      { numRuns: 300 },
    );
  });
});

describe('scrubDetail', () => {
  it('drops PINs, keys and tokens at any depth and says so, with keys sorted', () => {
    const text = scrubDetail({ b: 1, pin: '1234', nested: { dbKey: 'abc', ok: 'yes', access_token: 't' } });
    expect(text).toBe('{"_redacted":true,"b":1,"nested":{"ok":"yes"}}');
    expect(scrubDetail(undefined)).toBeNull();
  });
});

describe('localOffset', () => {
  it('formats the workstation offset as ±HH:MM', () => {
    expect(localOffset(new Date())).toMatch(/^[+-]\d\d:\d\d$/);
  });
});

const entryArb = auditEntryArb();

describe('FHIR AuditEvent mapping', () => {
  it('reads back every field exactly, through JSON', () => {
    fc.assert(
      fc.property(entryArb, (unsealed) => {
        const entry = seal(unsealed);
        const line = JSON.stringify(toAuditEvent(entry));
        expect(fromAuditEvent(JSON.parse(line))).toEqual(entry);
      }),
      { numRuns: 300 },
    );
  });

  it('writes each line exactly as JSON.stringify of the AuditEvent would', () => {
    fc.assert(
      fc.property(entryArb, (unsealed) => {
        const entry = seal(unsealed);
        expect(auditEventLine(entry)).toBe(JSON.stringify(toAuditEvent(entry)));
      }),
      { numRuns: 500 },
    );
  });

  it('says what is malformed', () => {
    const event = toAuditEvent(seal(base));
    expect(() => fromAuditEvent({ ...event, recorded: 42 })).toThrow(/malformed AuditEvent: recorded/);
    expect(() => fromAuditEvent({ ...event, extension: [] })).toThrow(/audit-chain extension is missing/);
  });
});

describe('csvField', () => {
  it('quotes and neutralises spreadsheet formulas', () => {
    expect(csvField('SMITH, Jo')).toBe('"SMITH, Jo"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+00:00', false)).toBe('+00:00');
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
  });
});
