// CUI formatting: NHS numbers 3-3-4, DD-Mmm-YYYY whatever the locale, ages in CUI units, names.
import { describe, expect, it } from 'vitest';
import {
  cuiAge,
  formatDate,
  formatDateTime,
  formatName,
  formatNhsNumber,
  formatNhsNumberInput,
  isValidNhsNumber,
} from '../../../renderer/lib/cui';
import { isValidNhsNumber as mainIsValid, normaliseNhsNumber } from '../../../main/clinical/nhs-number';
import { AppError } from '../../../main/api/app-error';

describe('NHS number', () => {
  it('accepts the pack numbers and rejects a wrong check digit, in main and renderer alike', () => {
    for (const valid of ['9000000009', '9000000025', '9000000033', '9111231130', '9449304424']) {
      expect(isValidNhsNumber(valid)).toBe(true);
      expect(mainIsValid(valid)).toBe(true);
    }
    for (const invalid of ['9000000000', '9000000008', '123456789', '90000000091', 'abcdefghij']) {
      expect(isValidNhsNumber(invalid)).toBe(false);
      expect(mainIsValid(invalid)).toBe(false);
    }
  });

  it('rejects numbers whose check digit would be 10', () => {
    // 000000006x: 6×2 = 12, remainder 1 → check digit 10 → no final digit can make it valid.
    for (let last = 0; last <= 9; last += 1) {
      expect(mainIsValid(`000000006${last}`)).toBe(false);
      expect(isValidNhsNumber(`000000006${last}`)).toBe(false);
    }
  });

  it('normalises what was typed and refuses a typo with the words the user sees', () => {
    expect(normaliseNhsNumber('900 000 0009')).toBe('9000000009');
    expect(() => normaliseNhsNumber('900 000 0008')).toThrow(AppError);
    try {
      normaliseNhsNumber('900 000 0008');
    } catch (error) {
      expect((error as AppError).code).toBe('INVALID_NHS_NUMBER');
      expect((error as AppError).message).toBe('Check the NHS number — one digit may be wrong');
    }
    // Too few digits is a different problem with a different fix.
    expect(() => normaliseNhsNumber('900 00')).toThrow('Enter the NHS number — it has 10 digits');
  });

  it('formats 3-3-4 while typing, keeping digits only', () => {
    expect(formatNhsNumberInput('9')).toBe('9');
    expect(formatNhsNumberInput('9000')).toBe('900 0');
    expect(formatNhsNumberInput('900a00-0000 9')).toBe('900 000 0009');
    expect(formatNhsNumberInput('90000000091234')).toBe('900 000 0009');
    expect(formatNhsNumber('9000000009')).toBe('900 000 0009');
  });
});

describe('dates', () => {
  it('uses DD-Mmm-YYYY regardless of locale, and partial dates keep what is known', () => {
    expect(formatDate('1945-07-04')).toBe('04-Jul-1945');
    expect(formatDate('1945-07')).toBe('Jul-1945');
    expect(formatDate('1945')).toBe('1945');
    expect(formatDate(null)).toBe('Not known');
    expect(formatDateTime(new Date(2026, 0, 5, 9, 7))).toBe('05-Jan-2026 09:07');
  });
});

describe('age in CUI units (PAB-0034)', () => {
  const at = new Date(2026, 10, 25, 12, 0); // 25-Nov-2026 12:00 local
  it.each([
    ['2026-11-25T11:15:00', '45min'],
    ['2026-11-24T12:00:00', '24h'],
    ['2026-11-20', '5d'],
    ['2026-10-27', '4w 1d'],
    ['2025-10-17', '13m 8d'],
    ['2022-10-20', '4y 1m'],
    ['2008-11-26', '17y 11m'],
    ['2008-11-25', '18y'],
    ['1945-07-14', '81y'],
  ])('born %s → %s', (birth, expected) => {
    expect(cuiAge(birth, at)).toBe(expected);
  });

  it('works out the age at death from the date of death', () => {
    expect(cuiAge('1930-03-01', '2020-02-29')).toBe('89y');
    expect(cuiAge('1930-03-01', '2020-03-01')).toBe('90y');
  });

  it('is unknown for a missing or partial date of birth', () => {
    expect(cuiAge(null, at)).toBeNull();
    expect(cuiAge('1945', at)).toBeNull();
  });
});

describe('names (PAB-0049..0053)', () => {
  it('writes SURNAME, Given (Title) and never a question mark', () => {
    expect(formatName({ family: 'Smith', given: ['john', 'PAUL'], title: 'MR', preferred: null })).toBe(
      'SMITH, John Paul (Mr)',
    );
    expect(formatName({ family: "o'brien-jones", given: ['mary'], title: null, preferred: null })).toBe(
      "O'BRIEN-JONES, Mary",
    );
    expect(formatName({ family: null, given: [], title: null, preferred: null })).toBe('Not known');
  });
});

describe('NHS number messages (issue 13)', () => {
  it('tells a short number from a mistyped one, with what to do about each', async () => {
    const { nhsNumberProblem } = await import('../../../preload/contract/nhs-number');
    expect(nhsNumberProblem('900 00')).toBe('Enter the NHS number — it has 10 digits');
    expect(nhsNumberProblem('')).toBe('Enter the NHS number — it has 10 digits');
    expect(nhsNumberProblem('900 000 0008')).toBe('Check the NHS number — one digit may be wrong');
    expect(nhsNumberProblem('900 000 0009')).toBeNull();
  });
});
