// Audit screen dates as people type them (issue 13): words and UK numbers, never US order.
import { describe, expect, it } from 'vitest';
import { formatDayInput, parseHumanDate, presetRange } from '../../../renderer/lib/human-date';

const ymd = (date: Date | null) =>
  date ? `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}` : null;

describe('dates as typed on the audit screen', () => {
  it('accepts "2 Dec 2026", "2 December 2026", "02/12/2026", "2/12/26" and ISO as the same day', () => {
    for (const typed of [
      '2 Dec 2026',
      '2 December 2026',
      '02/12/2026',
      '2/12/26',
      '2026-12-02',
      ' 2nd dec, 2026 ',
    ]) {
      expect(ymd(parseHumanDate(typed))).toBe('2026-12-2');
    }
  });

  it('refuses impossible or unreadable dates instead of guessing', () => {
    for (const typed of ['31/02/2026', '2 De 2026', '12/31/2026', 'yesterday', '', '2026']) {
      expect(parseHumanDate(typed)).toBeNull();
    }
  });

  it('writes a day back in words and builds the preset ranges ending today', () => {
    expect(formatDayInput(new Date(2026, 11, 2))).toBe('2 Dec 2026');
    const week = presetRange(7, new Date(2026, 11, 2, 15, 30));
    expect([ymd(week.from), ymd(week.to)]).toEqual(['2026-11-26', '2026-12-2']);
    expect(ymd(presetRange(1, new Date(2026, 11, 2, 15, 30)).from)).toBe('2026-12-2');
  });
});
