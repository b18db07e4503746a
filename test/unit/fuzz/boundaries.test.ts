// Bounded fuzz runs over the parsers at the trust boundaries (issue 12): the XML core every HL7
// reader uses (main/hl7/xml.ts), the ebXML multipart/MIME reader (main/hl7/ebxml.ts) and the test
// host's input handling (main/host/input.ts and a live host). Fixed seeds and run counts, so a
// failure reproduces and each property takes a few seconds at most.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEbxmlMessage, parseEbxmlMessage } from '../../../main/hl7/ebxml';
import { serialize } from '../../../main/hl7/serialize';
import {
  assertXmlChars,
  Hl7ParseError,
  parseXml,
  type XmlElement,
  type XmlNode,
} from '../../../main/hl7/xml';
import { hostAllowed, parseCall, parseExchange, refusalSample, requestPath } from '../../../main/host/input';
import { hostPaths, type RunningHost } from '../../../main/host/server';
import { closeTestHosts, startTestHost } from '../../support/test-host';
import { rawRequest } from '../../support/raw-http';
import { RELIABLE_EBXML } from '../hl7/samples';

const settings = { seed: 20_261_203, numRuns: 300, endOnFailure: true } as const;

/** Either a tree or an Hl7ParseError: never another exception, never a hang. */
function parsesOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof Hl7ParseError)) throw error;
  }
}

/** Random edits (insert, delete, replace) biased towards the characters markup is made of. */
const markup = fc.constantFrom(
  '<',
  '>',
  '&',
  '"',
  "'",
  '/',
  '=',
  '!',
  '?',
  '[',
  ']',
  '-',
  ';',
  '#',
  '\r\n',
  ':',
);
const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 8 }),
  insert: fc.oneof(
    markup,
    fc.string({ maxLength: 6 }),
    fc.constantFrom('<!DOCTYPE x [<!ENTITY a "b">]>', '&a;', ']]>', '<![CDATA['),
  ),
});
function mutate(text: string, edits: readonly { at: number; remove: number; insert: string }[]): string {
  let out = text;
  for (const { at, remove, insert } of edits) {
    const index = out.length === 0 ? 0 : at % out.length;
    out = out.slice(0, index) + insert + out.slice(index + remove);
  }
  return out;
}

const fixture = (name: string) =>
  readFileSync(resolve(import.meta.dirname, '../../fixtures/spine', name), 'utf8');
const hl7Sample = fixture(
  'NHSDigital__integration-adaptor-mhs/examples__SCRWebService__endpoints__tests__data__success_response.xml',
);

// Trees whose text and attributes use every character XML 1.0 can carry in them.
const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.-]{0,7}$/);
/** Characters XML 1.0 can carry (the builders' own check, assertXmlChars). */
const carriable = (value: string): boolean => {
  try {
    assertXmlChars(value, 'text');
    return true;
  } catch {
    return false;
  }
};
const xmlText = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => s.length > 0 && carriable(s));
const tree: fc.Arbitrary<XmlElement> = fc.letrec<{ element: XmlElement }>((tie) => ({
  element: fc
    .record({
      name,
      prefix: fc.option(fc.constantFrom('hl7', 'SOAP-ENV', 'eb'), { nil: null }),
      attrs: fc.dictionary(
        name,
        xmlText.filter((s) => !/\r/.test(s)),
        { maxKeys: 3 },
      ),
      children: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, xmlText, tie('element')), {
        maxLength: 4,
      }),
    })
    .map(({ name: local, prefix, attrs, children }) => ({
      name: prefix ? `${prefix}:${local}` : local,
      local,
      attrs,
      // The parser joins adjacent text, so the generator never writes two in a row.
      children: children.filter(
        (node, i) => typeof node !== 'string' || typeof children[i - 1] !== 'string',
      ) as XmlNode[],
    })),
})).element;

const strip = (element: XmlElement): unknown => ({
  name: element.name,
  attrs: element.attrs,
  children: element.children.map((node) => (typeof node === 'string' ? node : strip(node))),
});

describe('fuzz: XML core (main/hl7/xml.ts)', () => {
  it('accepts or refuses arbitrary text with an Hl7ParseError, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) =>
        parsesOrRefuses(() => parseXml(text)),
      ),
      settings,
    );
  });

  it('accepts or refuses a real Spine message under random edits; a DOCTYPE is always refused', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const text = mutate(hl7Sample, edits);
        try {
          parseXml(text);
          expect(/<!DOCTYPE/i.test(text)).toBe(false);
        } catch (error) {
          if (!(error instanceof Hl7ParseError)) throw error;
          if (/<!DOCTYPE/i.test(text)) expect(error.reason).toBe('doctype');
        }
      }),
      settings,
    );
  });

  it('reads back exactly the tree it was given (names, attributes, text)', () => {
    fc.assert(
      fc.property(tree, (element) => {
        const namespaces = {
          'xmlns:hl7': 'urn:hl7-org:v3',
          'xmlns:SOAP-ENV': 'urn:soap',
          'xmlns:eb': 'urn:eb',
        };
        const root = { ...element, attrs: { ...element.attrs, ...namespaces } };
        expect(strip(parseXml(serialize(root)))).toEqual(strip(root));
      }),
      settings,
    );
  });
});

describe('fuzz: ebXML multipart reader (main/hl7/ebxml.ts)', () => {
  const message = (hl7: string) =>
    buildEbxmlMessage({
      ...RELIABLE_EBXML,
      hl7,
      attachments: [{ contentId: 'att-1@spine.nhs.uk', contentType: 'text/plain', content: 'note' }],
    });

  it('carries any well-formed HL7 payload through unchanged', () => {
    fc.assert(
      fc.property(tree, (element) => {
        const hl7 = serialize(element);
        const built = message(hl7);
        expect(parseEbxmlMessage(built.contentType, built.body).hl7).toBe(hl7);
      }),
      { ...settings, numRuns: 150 },
    );
  });

  it('accepts or refuses a message under random edits to its body and its Content-Type', () => {
    const built = message(hl7Sample);
    const boundaryBits = fc.constantFrom(
      '--',
      '\r\n',
      '----=_MIME-Boundary',
      'Content-Type: ',
      'boundary=',
      '"',
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.oneof(markup, boundaryBits) }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: boundaryBits }), {
          maxLength: 2,
        }),
        (bodyEdits, typeEdits) =>
          parsesOrRefuses(() =>
            parseEbxmlMessage(mutate(built.contentType, typeEdits), mutate(built.body, bodyEdits)),
          ),
      ),
      settings,
    );
  });

  it('accepts or refuses arbitrary bytes as a multipart body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 40 }), (bytes, boundary) =>
        parsesOrRefuses(() =>
          parseEbxmlMessage(`multipart/related; boundary="${boundary}"; type="text/xml"`, bytes),
        ),
      ),
      settings,
    );
  });
});

describe('fuzz: test host input (main/host)', () => {
  it('never throws on any Host header, call body, exchange body or request target', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat({ max: 65_535 }), (text, port) => {
        expect(typeof hostAllowed(text, port)).toBe('boolean');
        const call = parseCall(text);
        expect(call === null || typeof call === 'object').toBe(true);
        const token = parseExchange(text);
        expect(token === null || /^[0-9a-f]{64}$/.test(token)).toBe(true);
        const path = requestPath(text);
        expect(path === null || path.startsWith('/')).toBe(true);
      }),
      settings,
    );
  });

  it("keeps none of a refused path in its sample: only the host's own segments and lengths", () => {
    const segment = fc.oneof(
      fc.constantFrom('__smsp', 'invoke', 'events', 'assets', '9434765919', 'SMITH', 'John'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'get', 'DELETE\r\n', undefined),
        fc.array(segment, { maxLength: 20 }),
        fc.option(fc.string({ maxLength: 60 }), { nil: null }),
        (method, segments, query) => {
          const url = `/${segments.join('/')}${query === null ? '' : `?${query}`}`;
          const sample = refusalSample(method, url);
          expect(sample.length).toBeLessThanOrEqual(120);
          const rest = sample
            .replace(/^(GET|POST|PUT|DELETE|OTHER) /, '')
            .replace(/…\d+ more|…$/g, '')
            .replace(/\*\d*/g, '')
            .replace(/__smsp|invoke|events|session|twin\.js|index\.html|assets/g, '');
          expect(rest).toMatch(/^[/?]*$/);
        },
      ),
      settings,
    );
  });

  describe('a live host', () => {
    let host: RunningHost;
    let agent: Agent;
    beforeAll(async () => {
      host = (await startTestHost()).host;
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
    });
    afterAll(async () => {
      agent?.destroy();
      await closeTestHosts();
    });

    it('answers arbitrary calls with the secret by an envelope or a refusal, never a server error', async () => {
      const target = fc.oneof(
        fc.constantFrom(
          hostPaths.invoke,
          hostPaths.session,
          `${hostPaths.invoke}?x=1`,
          '/',
          '/%2e%2e/%2e%2e/etc/passwd',
          '//x',
          '/\\..\\',
        ),
        fc.webPath(),
      );
      const body = fc.oneof(
        fc.json(),
        fc.string({ maxLength: 200 }),
        fc
          .record({
            operation: fc.oneof(
              fc.constantFrom('app.info', 'auth.state', '__proto__', 'constructor'),
              fc.string(),
            ),
            input: fc.jsonValue(),
          })
          .map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(
          target,
          body,
          fc.constantFrom('POST', 'GET', 'PUT', 'HEAD'),
          async (path, text, method) => {
            const reply = await rawRequest(host.port, {
              method,
              path: path.startsWith('/') ? path : `/${path}`,
              headers: {
                origin: host.origin,
                'x-smsp-secret': host.secret,
                'content-type': 'application/json',
              },
              ...(method === 'GET' || method === 'HEAD' ? {} : { body: text }),
              agent,
            });
            expect(reply.status).toBeLessThan(500);
            if (reply.status === 200 && path === hostPaths.invoke && method === 'POST') {
              const envelope = JSON.parse(reply.body) as { ok: boolean };
              expect(typeof envelope.ok).toBe('boolean');
            }
          },
        ),
        { ...settings, numRuns: 150 },
      );
      // And it still serves the app afterwards.
      expect((await rawRequest(host.port, { path: '/', agent })).status).toBe(200);
    });
  });
});
