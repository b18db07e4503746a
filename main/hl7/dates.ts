// HL7 V3 timestamps (`YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+|-ZZZZ]`) to ISO 8601, as the JSON
// shape wants: a date alone → `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`), a time → full date-time with
// offset. Spine times without a zone are UK local time, so the UK offset (GMT/BST) is applied.

const TS = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,4}))?)?([+-]\d{4})?$/;

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/**
 * The UK offset in minutes for a wall-clock time: BST (+60) from the last Sunday of March 01:00
 * UTC to the last Sunday of October 01:00 UTC (the rule since 1996; earlier years approximate).
 */
export function ukOffsetMinutes(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const start = lastSundayUtc(year, 2);
  const end = lastSundayUtc(year, 9);
  // Compare the wall time interpreted in GMT, then in BST, against the transition instants.
  const inBst = asUtc - 60 * 60_000 >= start && asUtc - 60 * 60_000 < end;
  return inBst ? 60 : 0;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The UK offset (minutes) in force at an instant. */
export function ukOffsetAt(instant: Date): number {
  const ms = instant.getTime();
  const year = instant.getUTCFullYear();
  return ms >= lastSundayUtc(year, 2) && ms < lastSundayUtc(year, 9) ? 60 : 0;
}

/** An instant as Spine's `YYYYMMDDHHMMSS` in UK local time (how Spine messages carry times). */
export function hl7TimestampUk(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new Error('Not a valid date');
  const local = new Date(instant.getTime() + ukOffsetAt(instant) * 60_000);
  return local.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** ISO 8601 form of an HL7 timestamp; null when absent or unparseable. */
export function isoDateTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = TS.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, , zone] = match;
  if (!year) return null;
  if (!month) return year;
  if (!day) return `${year}-${month}`;
  const date = `${year}-${month}-${day}`;
  if (!hour || !minute) return date;
  const time = `${hour}:${minute}:${second ?? '00'}`;
  let offset: string;
  if (zone) {
    const minutes =
      (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * (zone.startsWith('-') ? -1 : 1);
    offset = formatOffset(minutes);
  } else {
    offset = formatOffset(
      ukOffsetMinutes(Number(year), Number(month), Number(day), Number(hour), Number(minute)),
    );
  }
  return `${date}T${time}${offset}`;
}

/** ISO date only (`YYYY-MM-DD`, or shorter when the message is less precise). */
export function isoDate(value: string | null | undefined): string | null {
  const iso = isoDateTime(value);
  return iso ? iso.slice(0, 10) : null;
}
