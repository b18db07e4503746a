// CUI formatting for identifiers, dates and ages (product.md section 6: NHS Number Input and
// Display v4, Date Display v4, Patient Banner v4). Everything is built by hand from numbers so
// that the computer's locale and regional settings never change what a clinician reads.
import type { Gender, PersonName } from '../../preload/contract';
import { formatNhsNumber, isValidNhsNumber as isValidDigits } from '../../preload/contract/nhs-number';

export { formatNhsNumber };

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const notKnown = 'Not known';

const two = (n: number) => String(n).padStart(2, '0');

/** What the NHS number box shows while typing: digits only, at most 10, grouped 3-3-4 (NUM-0015..0017). */
export function formatNhsNumberInput(typed: string): string {
  const digits = typed.replace(/\D/g, '').slice(0, 10);
  if (digits.length <= 3) return digits;
  if (digits.length <= 6) return `${digits.slice(0, 3)} ${digits.slice(3)}`;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The typed NHS number (spaces allowed) passes modulus 11; main checks again before anything is sent. */
export function isValidNhsNumber(typed: string): boolean {
  return isValidDigits(typed.replace(/\s/g, ''));
}

interface YMD {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

function parseDate(value: string): { y: number; m: number | null; d: number | null } | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!match) return null;
  return {
    y: Number(match[1]),
    m: match[2] ? Number(match[2]) : null,
    d: match[3] ? Number(match[3]) : null,
  };
}

/** `DD-Mmm-YYYY` (D+Ta-0006); partial dates keep only what is known; null → "Not known". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return notKnown;
  const parsed = parseDate(value);
  if (!parsed) return notKnown;
  if (parsed.m === null) return String(parsed.y);
  const month = months[parsed.m - 1] ?? '???';
  if (parsed.d === null) return `${month}-${parsed.y}`;
  return `${two(parsed.d)}-${month}-${parsed.y}`;
}

/** `DD-Mmm-YYYY HH:mm`, 24-hour clock, in the workstation's time zone. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return notKnown;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return notKnown;
  return `${two(date.getDate())}-${months[date.getMonth()]}-${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whole calendar years, months and days from `from` to `to`. */
function calendarDiff(from: YMD, to: YMD): { years: number; months: number; days: number } {
  let years = to.y - from.y;
  let monthsDiff = to.m - from.m;
  let days = to.d - from.d;
  if (days < 0) {
    monthsDiff -= 1;
    const prevMonth = to.m === 1 ? 12 : to.m - 1;
    const prevYear = to.m === 1 ? to.y - 1 : to.y;
    days += daysInMonth(prevYear, prevMonth);
  }
  if (monthsDiff < 0) {
    years -= 1;
    monthsDiff += 12;
  }
  return { years, months: years * 12 + monthsDiff, days };
}

function localYmd(date: Date): YMD {
  return { y: date.getFullYear(), m: date.getMonth() + 1, d: date.getDate() };
}

/**
 * Age in CUI units (PAB-0034 table): under 2 h minutes, under 2 days hours, under 4 weeks days,
 * under 1 year weeks + days, under 2 years months + days, under 18 years years + months, then years.
 * `birth` is `YYYY-MM-DD` (midnight, local) or a full date-time; null when it cannot be worked out.
 */
export function cuiAge(birth: string | null | undefined, at: Date | string = new Date()): string | null {
  if (!birth) return null;
  const parsed = parseDate(birth);
  if (!parsed || parsed.m === null || parsed.d === null) return null;
  const end = at instanceof Date ? at : endOfDay(at);
  const start = birth.length > 10 ? new Date(birth) : new Date(parsed.y, parsed.m - 1, parsed.d);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  const ms = end.getTime() - start.getTime();
  if (ms < 0) return null;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return `${minutes}min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const diff = calendarDiff(localYmd(start), localYmd(end));
  const totalDays = Math.round(
    (Date.UTC(end.getFullYear(), end.getMonth(), end.getDate()) -
      Date.UTC(start.getFullYear(), start.getMonth(), start.getDate())) /
      86_400_000,
  );
  if (totalDays < 28) return `${totalDays}d`;
  if (diff.years < 1) return `${Math.floor(totalDays / 7)}w ${totalDays % 7}d`;
  if (diff.years < 2) return `${diff.months}m ${diff.days}d`;
  if (diff.years < 18) return `${diff.years}y ${diff.months % 12}m`;
  return `${diff.years}y`;
}

/** A date-only death date counts to the end of that day, so an age at death is never short. */
function endOfDay(value: string): Date {
  const parsed = parseDate(value);
  if (!parsed || parsed.m === null || parsed.d === null) return new Date(value);
  return new Date(parsed.y, parsed.m - 1, parsed.d, 12);
}

const titleCase = (word: string) =>
  word
    .toLowerCase()
    .split(/([\s'-])/)
    .map((part) => (part.length > 0 ? part[0]?.toUpperCase() + part.slice(1) : part))
    .join('');

/** `SURNAME, Given (Title)` (PAB-0049..0053); missing parts are left out, never shown as "?". */
export function formatName(name: PersonName): string {
  const family = name.family ? name.family.toUpperCase() : notKnown;
  const given = name.given.map(titleCase).join(' ');
  const title = name.title ? ` (${titleCase(name.title)})` : '';
  return given ? `${family}, ${given}${title}` : `${family}${title}`;
}

const genderWords: Readonly<Record<Gender, string>> = {
  male: 'Male',
  female: 'Female',
  'not-known': notKnown,
  'not-specified': 'Not specified',
};

/** Never abbreviated, never a code (CGS-0005/0006). */
export function formatGender(gender: Gender): string {
  return genderWords[gender];
}
