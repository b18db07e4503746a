// The patient pack other tests and documents rely on: valid NHS numbers, the special numbers with
// their meanings, and a committed file that matches its generator.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPack, PACK_VERSION } from '../../spine-sandbox/make-pack';
import { createState, defaultPackFile, isValidNhsNumber, loadPack } from '../../spine-sandbox/patients';

describe('NHS number check digit (modulus 11)', () => {
  it.each(['9000000009', '9000000025', '9000000033', '9111231130', '9434765919', '4010232137'])(
    'accepts %s',
    (n) => {
      expect(isValidNhsNumber(n)).toBe(true);
    },
  );
  it.each([
    ['9000000008', 'wrong check digit'],
    ['9000000018', 'wrong check digit'],
    ['900000000', 'nine digits'],
    ['90000000099', 'eleven digits'],
    ['900000000A', 'a letter'],
    ['1000000010', 'check digit would be 10'],
  ])('rejects %s (%s)', (n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });
});

describe('patient pack', () => {
  const pack = loadPack();
  const find = (n: string) => pack.patients.find((p) => p.nhsNumber === n);

  it('is versioned, has at least 50 patients, all valid and unique', () => {
    expect(pack.version).toBe(PACK_VERSION);
    expect(pack.patients.length).toBeGreaterThanOrEqual(50);
    expect(pack.patients.every((p) => isValidNhsNumber(p.nhsNumber))).toBe(true);
    expect(new Set(pack.patients.map((p) => p.nhsNumber)).size).toBe(pack.patients.length);
  });

  it('holds the four numbers other tests rely on, with their meanings', () => {
    const ordinary = find('9000000009');
    expect(ordinary?.consent).toBe('Ask');
    expect(ordinary?.restricted).toBeFalsy();
    expect(ordinary?.documents[0]?.clinical.additional.length).toBeGreaterThan(0);
    expect(find('9000000025')?.restricted).toBe(true);
    expect(find('9000000033')?.documents).toHaveLength(0);
    expect(find('9111231130')?.unknownToPds).toBe(true);
  });

  it('covers deceased, superseded, merged, dissent, withdrawn/replaced, child, trace candidates, two practices, large summary', () => {
    const ps = pack.patients;
    expect(ps.some((p) => p.deceasedDate)).toBe(true);
    const old = ps.find((p) => p.supersededBy);
    expect(find(old?.supersededBy ?? '')).toBeDefined();
    const merged = ps.find((p) => p.mergedInto);
    expect(find(merged?.mergedInto ?? '')).toBeDefined();
    expect(ps.some((p) => p.consent === 'No')).toBe(true);
    const statuses = new Set(ps.flatMap((p) => p.documents.map((d) => d.status)));
    expect([...statuses].sort()).toEqual(['Normal', 'Replaced', 'Withdrawn']);
    expect(ps.some((p) => p.birthDate >= '20100101')).toBe(true);
    expect(
      ps.filter((p) => p.name.family === 'Hargreaves' && p.gender === '1' && p.birthDate.startsWith('198')),
    ).toHaveLength(3);
    expect(ps.some((p) => p.gp.length === 2 && p.gp[0]?.to)).toBe(true);
    expect(ps.some((p) => p.documents.some((d) => d.large))).toBe(true);
  });

  it('is exactly what make-pack.ts generates (regenerate after changing it)', () => {
    expect(JSON.parse(readFileSync(defaultPackFile, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(buildPack())),
    );
  });

  it('gives each sandbox its own state: a consent change does not leak into another', () => {
    const a = createState(pack);
    const b = createState(pack);
    a.setConsent('9000000009', 'No');
    expect(a.consent('9000000009')).toBe('No');
    expect(b.consent('9000000009')).toBe('Ask');
  });
});
