// Arbitrary audit entries for property tests of the entry's encodings and the line readers.
import fc from 'fast-check';
import type { UnsealedEntry } from '../../main/audit/entry';

/**
 * Entries with every field varied and any of the optional ones null. Strings are printable
 * ASCII (fast-check's default), or any Unicode with `unit: 'binary'`.
 */
export function auditEntryArb(unit?: 'binary'): fc.Arbitrary<UnsealedEntry> {
  const text = (minLength = 0) => fc.string(unit ? { unit, minLength } : { minLength });
  const nullable = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: null });
  return fc.record({
    sequence: fc.integer({ min: 1, max: 2_000_000_000 }),
    at: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    tzOffset: fc.constantFrom('+00:00', '+01:00', '-05:30'),
    type: text(1),
    outcome: fc.constantFrom('success', 'failure', 'refused', 'info'),
    userUuid: nullable(text()),
    displayName: nullable(text()),
    roleProfileId: nullable(text()),
    jobRole: nullable(text()),
    odsCode: nullable(text()),
    workstation: text(),
    asid: nullable(text()),
    nhsNumber: nullable(text()),
    interactionId: nullable(text()),
    messageId: nullable(text()),
    correlationId: nullable(text()),
    accessReason: nullable(text()),
    accessReasonText: nullable(text()),
    detail: nullable(text()),
    prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
  });
}
