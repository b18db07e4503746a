// The in-context launch grammar (issue 14): property-based checks that nothing outside the
// documented grammar is accepted, and that every request inside it is read exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs, parseLaunchUrl } from '../../../main/launch/request';
import { isValidNhsNumber } from '../../../preload/contract/nhs-number';

// An independent statement of the grammar in docs/integration/in-context-launch.md, written
// without the parser's code: scheme any case, host `patient`, optional `/`, `?`, name=value pairs.
const value = "(?:[A-Za-z0-9\\-._~!$'()*+,;:@/?]|%[0-9A-Fa-f]{2})*";
const param = `(?:nhsNumber|source|dob)=${value}`;
const scheme = [...'scr-desktop']
  .map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : `\\${c}`))
  .join('');
const grammar = new RegExp(`^${scheme}://patient/?\\?${param}(?:&${param})*$`);

function decode(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

/** What the grammar says a URL carries, or null when it is outside the grammar. */
function reference(url: string): Record<string, string> | null {
  if (url.length > 200 || !grammar.test(url)) return null;
  const query = url.slice(url.indexOf('?') + 1);
  const values: Record<string, string> = {};
  for (const part of query.split('&')) {
    const [name, raw] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    if (name in values) return null;
    let text: string;
    try {
      text = decode(raw);
    } catch {
      return null;
    }
    if (!/^[\x20-\x7e]*$/.test(text)) return null;
    values[name] = text;
  }
  const { nhsNumber, source, dob } = values;
  if (nhsNumber === undefined || !/^\d{10}$/.test(nhsNumber) || !isValidNhsNumber(nhsNumber)) return null;
  if (source !== undefined && (source.length < 1 || source.length > 40 || source.trim() === '')) return null;
  if (dob !== undefined) {
    const d = new Date(`${dob}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dob) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== dob)
      return null;
    if (Number(dob.slice(0, 4)) < 1850) return null;
  }
  return values;
}

const validNhs = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
  .map((digits) => {
    const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    return check === 10 ? null : `${digits.join('')}${check}`;
  })
  .filter((n): n is string => n !== null);

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const sourceName = fc
  .array(printable, { minLength: 1, maxLength: 40 })
  .map((chars) => chars.join(''))
  .filter((s) => s.trim() !== '');
const dob = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const safe = /[A-Za-z0-9\-._~!$'()*,;:@/?]/;
/** Encodes a value, choosing per character between raw (when allowed) and %XX (either case). */
const encoded = (text: string) =>
  fc
    .array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: text.length, maxLength: text.length })
    .map((choices) =>
      [...text]
        .map((ch, i) => {
          const [raw, upper] = choices[i] ?? [false, false];
          if (ch === ' ' && raw) return '+';
          if (raw && safe.test(ch)) return ch;
          const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
          return `%${upper ? hex.toUpperCase() : hex}`;
        })
        .join(''),
    );

const validRequest = fc
  .record({
    nhsNumber: validNhs,
    source: fc.option(sourceName, { nil: undefined }),
    dob: fc.option(dob, { nil: undefined }),
  })
  .chain((values) => {
    const entries = Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined);
    return fc
      .record({
        order: fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        encodings: fc.tuple(...entries.map(([, v]) => encoded(v))),
        schemeCase: fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
        slash: fc.boolean(),
      })
      .map(({ order, encodings, schemeCase, slash }) => {
        const enc = new Map(entries.map(([k], i) => [k, encodings[i] as string]));
        const schemeText = [...'scr-desktop'].map((c, i) => (schemeCase[i] ? c.toUpperCase() : c)).join('');
        const query = order.map(([k]) => `${k}=${enc.get(k) ?? ''}`).join('&');
        return { url: `${schemeText}://patient${slash ? '/' : ''}?${query}`, values };
      });
  })
  .filter(({ url }) => url.length <= 200);

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  ch: fc.oneof(printable, fc.constantFrom('#', '&', '=', '%', '\u0000', '\n', ' ', 'é', '\u202e')),
});

function mutate(url: string, m: { at: number; kind: string; ch: string }): string {
  const at = m.at % (url.length + 1);
  if (m.kind === 'insert') return url.slice(0, at) + m.ch + url.slice(at);
  if (m.kind === 'delete') return url.slice(0, at) + url.slice(at + 1);
  return url.slice(0, at) + m.ch + url.slice(at + 1);
}

describe('scr-desktop:// launch URL (HAZ-080: wrong patient from a malformed request)', () => {
  it('reads every request inside the grammar exactly (any scheme case, encoding, order, optional /)', () => {
    fc.assert(
      fc.property(validRequest, ({ url, values }) => {
        const parsed = parseLaunchUrl(url);
        expect(parsed).toEqual({
          ok: true,
          request: { nhsNumber: values.nhsNumber, source: values.source ?? null, dob: values.dob ?? null },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('accepts nothing outside the grammar: one-character mutations of valid links', () => {
    fc.assert(
      fc.property(validRequest, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ url }, steps) => {
        const changed = steps.reduce(mutate, url);
        const parsed = parseLaunchUrl(changed);
        const expected = reference(changed);
        if (expected === null) expect(parsed.ok, changed).toBe(false);
        else
          expect(parsed, changed).toEqual({
            ok: true,
            request: {
              nhsNumber: expected['nhsNumber'],
              source: expected['source'] ?? null,
              dob: expected['dob'] ?? null,
            },
          });
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts nothing outside the grammar: arbitrary text, including text that starts like a link', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 250 }),
      fc.string({ maxLength: 250 }).map((tail) => `scr-desktop://patient?${tail}`),
      fc
        .array(
          fc.constantFrom('nhsNumber=', 'source=', 'dob=', '&', '9000000009', '%39', '#', '/', '?', '+', 'x'),
          {
            maxLength: 20,
          },
        )
        .map((parts) => `SCR-Desktop://patient?${parts.join('')}`),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseLaunchUrl(text);
        if (parsed.ok) expect(reference(text), text).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['a fragment', 'scr-desktop://patient?nhsNumber=9000000009#x', /fragment/],
    [
      'more than 200 characters',
      `scr-desktop://patient?nhsNumber=9000000009&source=${'a'.repeat(40)}&dob=1968-04-12${'/'.repeat(120)}`,
      /200/,
    ],
    [
      'a parameter twice',
      'scr-desktop://patient?nhsNumber=9000000009&nhsNumber=9000000009',
      /more than once/,
    ],
    ['an unknown parameter', 'scr-desktop://patient?nhsNumber=9000000009&role=admin', /only carry/],
    ['a user in the host', 'scr-desktop://user@patient?nhsNumber=9000000009', /must start/],
    ['a port', 'scr-desktop://patient:80?nhsNumber=9000000009', /must start/],
    ['another host', 'scr-desktop://PATIENT?nhsNumber=9000000009', /must start/],
    ['no //', 'scr-desktop:patient?nhsNumber=9000000009', /must start/],
    ['no query', 'scr-desktop://patient/', /must start/],
    ['a path', 'scr-desktop://patient/x?nhsNumber=9000000009', /must start/],
    ['spaces in the number', 'scr-desktop://patient?nhsNumber=900+000+0009', /10 digits/],
    ['a wrong check digit', 'scr-desktop://patient?nhsNumber=9000000008', /check digit/],
    ['no NHS number', 'scr-desktop://patient?source=PMR', /missing/],
    ['an impossible date', 'scr-desktop://patient?nhsNumber=9000000009&dob=2023-02-30', /real date/],
    ['a long source', `scr-desktop://patient?nhsNumber=9000000009&source=${'a'.repeat(41)}`, /1 to 40/],
    ['a control character', 'scr-desktop://patient?nhsNumber=9000000009&source=A%0AB', /encoded/],
    ['a bad escape', 'scr-desktop://patient?nhsNumber=9000000009&source=A%G1', /encoded/],
    ['a non-ASCII byte', 'scr-desktop://patient?nhsNumber=9000000009&source=%C3%A9', /encoded/],
    ['an empty parameter', 'scr-desktop://patient?nhsNumber=9000000009&', /only carry/],
  ])('refuses %s with a reason', (_what, url, reason) => {
    const parsed = parseLaunchUrl(url);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('keeps the NHS number of a refusal only when the number itself was valid (for the audit trail)', () => {
    expect(parseLaunchUrl('scr-desktop://patient?nhsNumber=9000000009&dob=1968-13-01')).toMatchObject({
      ok: false,
      nhsNumber: '9000000009',
    });
    expect(parseLaunchUrl('scr-desktop://patient?nhsNumber=9000000008')).toMatchObject({
      ok: false,
      nhsNumber: null,
    });
  });
});

describe('launch command line (HAZ-081: switches smuggled after a launch URL)', () => {
  const url = 'scr-desktop://patient?nhsNumber=9000000009&source=PMR';

  it('reads --nhs-number, --source and --dob, in either --flag value or --flag=value form', () => {
    expect(
      parseLaunchArgs([
        '/opt/SCR Desktop/scr-desktop',
        '--nhs-number',
        '9000000009',
        '--source=Pharmacy PMR',
        '--dob',
        '1968-04-12',
      ]),
    ).toEqual({ ok: true, request: { nhsNumber: '9000000009', source: 'Pharmacy PMR', dob: '1968-04-12' } });
  });

  it('is not a launch when none of its switches or a link is there', () => {
    expect(parseLaunchArgs(['/usr/bin/electron', '.', '--inspect'])).toBeNull();
    expect(parseLaunchArgs([])).toBeNull();
  });

  it('refuses a switch given twice or without a value', () => {
    expect(parseLaunchArgs(['x', '--nhs-number', '9000000009', '--nhs-number=9000000017'])).toMatchObject({
      ok: false,
      reason: '--nhs-number is given more than once.',
    });
    expect(parseLaunchArgs(['x', '--source', 'PMR', '--nhs-number'])).toMatchObject({
      ok: false,
      reason: '--nhs-number needs a value.',
    });
    expect(parseLaunchArgs(['x', '--source', 'PMR'])).toMatchObject({ ok: false, reason: /missing/ });
  });

  it('reads only the first link: nothing after it, Chromium switch or our own, changes the result', () => {
    const alone = parseLaunchArgs(['C:\\SCR Desktop\\SCR Desktop.exe', '--', url]);
    expect(alone).toEqual({ ok: true, request: { nhsNumber: '9000000009', source: 'PMR', dob: null } });
    const after = fc.array(
      fc.oneof(
        fc.constantFrom(
          '--gpu-launcher=cmd /c calc',
          '--renderer-cmd-prefix=evil',
          '--nhs-number=9000000017',
          '--source=Other',
          '--dob=1970-01-01',
          'scr-desktop://patient?nhsNumber=9000000017',
          '--inspect=9229',
          '--remote-debugging-port=9222',
        ),
        fc.string(),
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(after, (extra) => {
        expect(parseLaunchArgs(['C:\\SCR Desktop\\SCR Desktop.exe', '--', url, ...extra])).toEqual(alone);
      }),
    );
  });

  it('prefers a link over switches that came before it, and reads the link with its own rules', () => {
    expect(parseLaunchArgs(['x', '--nhs-number', '9000000017', url])).toEqual(alone());
    expect(parseLaunchArgs(['x', 'SCR-DESKTOP://patient?nhsNumber=9000000008'])).toMatchObject({ ok: false });
    function alone() {
      return parseLaunchArgs([url]);
    }
  });
});
