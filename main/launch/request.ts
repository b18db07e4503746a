// What another system may ask for (issue 14, in-context launch): the `scr-desktop://patient?…`
// URL and the `--nhs-number N [--source NAME] [--dob YYYY-MM-DD]` command line, parsed into one
// LaunchRequest or refused with a reason a person can read. Pure functions: every route into the
// app (Electron second instance, macOS open-url, the test host's local channel) ends here.
//
// Why so strict: the URL arrives from any web page or document a user clicks, so anything outside
// the documented grammar is refused rather than repaired (docs/integration/in-context-launch.md).
import { isValidNhsNumber } from '../../preload/contract/nhs-number';

export interface LaunchRequest {
  /** Ten digits that passed the modulus-11 check. */
  readonly nhsNumber: string;
  /** What the launching system says it is called: a claim, always shown as one. */
  readonly source: string | null;
  /** A date of birth to check against PDS, `YYYY-MM-DD`. */
  readonly dob: string | null;
}

export type ParsedLaunch =
  | { readonly ok: true; readonly request: LaunchRequest }
  /** `nhsNumber` is set only when the number itself was valid and something else was not. */
  | { readonly ok: false; readonly reason: string; readonly nhsNumber: string | null };

export const launchScheme = 'scr-desktop';
export const maxLaunchUrlLength = 200;
export const maxSourceLength = 40;

const refuse = (reason: string, nhsNumber: string | null = null): ParsedLaunch => ({
  ok: false,
  reason,
  nhsNumber,
});

type Key = 'nhsNumber' | 'source' | 'dob';
const keys: readonly Key[] = ['nhsNumber', 'source', 'dob'];
const isKey = (name: string): name is Key => (keys as readonly string[]).includes(name);

/** True for `YYYY-MM-DD` naming a real calendar date. */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1850 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/** 1–40 printable ASCII characters, not only spaces. */
function isSourceName(text: string): boolean {
  return (
    text.length >= 1 && text.length <= maxSourceLength && /^[\x20-\x7e]+$/.test(text) && text.trim() !== ''
  );
}

/** Checks the values, whichever route they came by; the NHS number first (modulus 11). */
function validate(values: Readonly<Partial<Record<Key, string>>>): ParsedLaunch {
  const nhsNumber = values.nhsNumber;
  if (nhsNumber === undefined)
    return refuse('The request does not say which patient (nhsNumber is missing).');
  if (!/^\d{10}$/.test(nhsNumber)) return refuse('The NHS number must be 10 digits with no spaces.');
  if (!isValidNhsNumber(nhsNumber)) return refuse('The NHS number is not valid (its check digit is wrong).');
  const { source, dob } = values;
  if (source !== undefined && !isSourceName(source))
    return refuse(`The source must be 1 to ${maxSourceLength} printable ASCII characters.`, nhsNumber);
  if (dob !== undefined && !isCalendarDate(dob))
    return refuse('The date of birth must be a real date written YYYY-MM-DD.', nhsNumber);
  return { ok: true, request: { nhsNumber, source: source ?? null, dob: dob ?? null } };
}

/** `%XX` sequences decoded to ASCII; `+` is a space (form encoding). Null when malformed or not ASCII. */
function decodeValue(raw: string): string | null {
  let out = '';
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i] as string;
    if (ch === '+') out += ' ';
    else if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      const code = parseInt(hex, 16);
      // Every valid value is printable ASCII, so a byte outside it can only be a trick.
      if (code < 0x20 || code > 0x7e) return null;
      out += String.fromCharCode(code);
      i += 2;
    } else out += ch;
  }
  return out;
}

// Raw characters a query value may hold: RFC 3986 query characters except the separators
// `&` and `=`, `#` (no fragment) and `%` (only as the start of an escape, checked in decodeValue).
const rawValue = /^[A-Za-z0-9\-._~!$'()*+,;:@/?%]*$/;
const prefix = new RegExp(`^${launchScheme}://patient/?\\?`, 'i');

/** Parses one `scr-desktop://patient?nhsNumber=…[&source=…][&dob=…]` URL. */
export function parseLaunchUrl(url: string): ParsedLaunch {
  if (url.length > maxLaunchUrlLength)
    return refuse(`The link is longer than ${maxLaunchUrlLength} characters.`);
  if (!/^[\x21-\x7e]*$/.test(url))
    return refuse('The link contains spaces or characters a link cannot have.');
  if (url.includes('#')) return refuse('The link has a fragment (#…), which is not allowed.');
  const head = prefix.exec(url);
  // Why the host must be exactly `patient`, case and all: the scheme is case-insensitive by
  // RFC 3986, but nothing else is guessed at (no user@, no port, no other path).
  if (!head || !head[0].slice(launchScheme.length).startsWith('://patient'))
    return refuse('The link must start scr-desktop://patient? followed by the request.');
  const query = url.slice(head[0].length);
  const values: Partial<Record<Key, string>> = {};
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || !isKey(name))
      return refuse('The link may only carry nhsNumber, source and dob, each written name=value.');
    if (values[name] !== undefined) return refuse(`The link gives ${name} more than once.`);
    const raw = part.slice(eq + 1);
    const value = rawValue.test(raw) ? decodeValue(raw) : null;
    if (value === null) return refuse(`The value of ${name} is not correctly encoded.`);
    values[name] = value;
  }
  return validate(values);
}

const switches: Readonly<Record<string, Key>> = {
  '--nhs-number': 'nhsNumber',
  '--source': 'source',
  '--dob': 'dob',
};

/** True when the argument is (or starts like) a launch URL: scheme matched case-insensitively. */
export function isLaunchUrl(arg: string): boolean {
  return arg.slice(0, launchScheme.length + 1).toLowerCase() === `${launchScheme}:`;
}

/**
 * Finds a launch request in a process's command line (Electron's argv, or a second instance's
 * command line), or null when there is none. Only the first launch URL, or else the three
 * switches, are read.
 *
 * Why nothing after a URL is read: the OS puts the URL where `%1` stands, and a crafted URL can
 * smuggle extra arguments after it (the protocol-handler injection class, CVE-2018-1000006).
 * Other switches (Chromium's own, the executable path) are never honoured here.
 */
export function parseLaunchArgs(argv: readonly string[]): ParsedLaunch | null {
  const url = argv.find(isLaunchUrl);
  if (url !== undefined) return parseLaunchUrl(url);
  const values: Partial<Record<Key, string>> = {};
  let seen = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const key = Object.prototype.hasOwnProperty.call(switches, flag) ? switches[flag] : undefined;
    if (!key) continue;
    seen = true;
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value.startsWith('--')) return refuse(`${flag} needs a value.`);
    if (values[key] !== undefined) return refuse(`${flag} is given more than once.`);
    values[key] = value;
  }
  return seen ? validate(values) : null;
}
