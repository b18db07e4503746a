// CUI dates never wrap (DD-Mmm-YYYY, product.md): a date in the GP's text is kept on one line,
// so "06-Aug-2024" can never be read as "06-" and "Aug-2024" on two lines.
import { createElement, type ReactNode } from 'react';

const CUI_DATE = /\b\d{1,2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}\b/g;

/** The text, with each CUI date wrapped in a no-wrap span; plain text when it has none. */
export function withNowrapDates(text: string, key: number): ReactNode {
  CUI_DATE.lastIndex = 0;
  if (!CUI_DATE.test(text)) return text;
  CUI_DATE.lastIndex = 0;
  const parts: ReactNode[] = [];
  let last = 0;
  for (let match = CUI_DATE.exec(text); match !== null; match = CUI_DATE.exec(text)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(createElement('span', { key: match.index, className: 'app-nowrap' }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return createElement('span', { key }, parts);
}
