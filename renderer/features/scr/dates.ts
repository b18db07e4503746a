// How the GP's words wrap (issue 11): CUI dates never wrap (DD-Mmm-YYYY, so "06-Aug-2024" is never
// read as "06-" and "Aug-2024"), and only a long unbroken string (a run of 30 or more characters
// without a space, e.g. a pasted code or a hostile "XXXX…") may break anywhere, so it cannot widen
// a table and push the dose out of sight, while ordinary words never split ("caps-ule").
import { createElement, type ReactNode } from 'react';

const PIECES = /\b\d{1,2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}\b|[^\s]{30,}/g;

/** The text, with each CUI date kept on one line and each long unbroken string allowed to break. */
export function withNowrapDates(text: string, key: number): ReactNode {
  PIECES.lastIndex = 0;
  if (!PIECES.test(text)) return text;
  PIECES.lastIndex = 0;
  const parts: ReactNode[] = [];
  let last = 0;
  for (let match = PIECES.exec(text); match !== null; match = PIECES.exec(text)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const long = match[0].length >= 30 && !/^\d{1,2}-/.test(match[0]);
    parts.push(
      createElement('span', { key: match.index, className: long ? 'app-break' : 'app-nowrap' }, match[0]),
    );
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return createElement('span', { key }, parts);
}
