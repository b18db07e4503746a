// Dates as people type them on the audit screen (issue 13): "2 Dec 2026", "2 December 2026",
// "02/12/2026", "2/12/26"… (day first, UK), and "2026-12-02". Local calendar days; anything
// ambiguous or impossible (31 Feb) is refused rather than guessed.

const monthWords = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function day(y: number, m: number, d: number): Date | null {
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

const fullYear = (text: string): number => (text.length === 2 ? 2000 + Number(text) : Number(text));

/** Local midnight of the day typed, or null when it is not a real date in a form we accept. */
export function parseHumanDate(typed: string): Date | null {
  const text = typed.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(text);
  if (numeric) return day(fullYear(numeric[3] ?? ''), Number(numeric[2]), Number(numeric[1]));
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) return day(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const words = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4}|\d{2})$/.exec(text);
  if (words) {
    const month = monthWords.findIndex((m) => (words[2] ?? '').startsWith(m));
    const word = words[2] ?? '';
    // "Dec", "December" and "decem" are December; "de" alone is too little.
    if (month < 0 || word.length < 3) return null;
    return day(fullYear(words[3] ?? ''), month + 1, Number(words[1]));
  }
  return null;
}

/** `2 Dec 2026`: how the screen writes a day back into a date box (unambiguous in words). */
export function formatDayInput(date: Date): string {
  const month = monthWords[date.getMonth()] ?? '';
  return `${date.getDate()} ${month[0]?.toUpperCase()}${month.slice(1)} ${date.getFullYear()}`;
}

/** Today and the days before it, for "Today", "Last 7 days" and "Last 30 days". */
export function presetRange(days: number, now: Date = new Date()): { from: Date; to: Date } {
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const from = new Date(to);
  from.setDate(from.getDate() - (days - 1));
  return { from, to };
}
