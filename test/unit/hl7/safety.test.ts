// Hostile input: entity-expansion bombs, external entities, oversized and malformed messages are
// refused before (or instead of) parsing with an error that says what is wrong and where; and the
// XHTML allow-list keeps active content out of the SCR the screens draw.
import { describe, expect, it } from 'vitest';
import {
  Hl7ParseError,
  MAX_MESSAGE_BYTES,
  parseAny,
  parseHl7,
  parseXml,
  safeText,
  sanitiseXhtml,
} from '../../../main/hl7/index';

function parseError(run: () => unknown): Hl7ParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof Hl7ParseError) return error;
    throw error;
  }
  throw new Error('expected an Hl7ParseError');
}

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<MCCI_IN010000UK13 xmlns="urn:hl7-org:v3"><id root="&lol9;"/></MCCI_IN010000UK13>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<QUPA_IN000009UK03 xmlns="urn:hl7-org:v3"><id root="&xxe;"/></QUPA_IN000009UK03>`;

describe('entities and DOCTYPE', () => {
  it('an entity-expansion bomb is refused at its DOCTYPE, naming the position', () => {
    const error = parseError(() => parseHl7(BOMB));
    expect(error.reason).toBe('doctype');
    expect(error.message).toMatch(/DOCTYPE declarations are not allowed \(line 2, column 1\)/);
  });

  it('an external entity (XXE) is refused the same way, also inside envelopes', () => {
    expect(parseError(() => parseHl7(XXE)).reason).toBe('doctype');
    const soap = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>${XXE.replace(/^<\?xml[^>]*>\s*/, '')}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    expect(parseError(() => parseAny(soap)).reason).toBe('doctype');
    const mime = `----=_MIME-Boundary\r\nContent-Id: <ebXMLHeader@spine.nhs.uk>\r\nContent-Type: text/xml\r\n\r\n${XXE}\r\n----=_MIME-Boundary--\r\n`;
    expect(
      parseError(() =>
        parseAny(
          `POST /reliablemessaging HTTP/1.1\r\nContent-Type: multipart/related; boundary="--=_MIME-Boundary"\r\n\r\n${mime}`,
        ),
      ).reason,
    ).toBe('doctype');
  });

  it('an attribute named __proto__ cannot pollute prototypes (refused as malformed)', () => {
    expect(parseError(() => parseXml('<a __proto__="x"><b constructor="y"/></a>')).reason).toBe('malformed');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('a lower-case doctype is refused too', () => {
    expect(parseError(() => parseXml('<!doctype x><x/>')).reason).toBe('doctype');
  });

  it('an undeclared entity is malformed, never passed on', () => {
    const error = parseError(() => parseXml('<x>&xxe;</x>'));
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(/Undefined entity &xxe;/);
  });

  it('accepts what XML allows: > in attribute values, CDATA, comments, PIs, single quotes', () => {
    const root = parseXml(
      `<?xml version='1.0'?><!-- c --><a b='x>y' c="1"><![CDATA[<not a tag>]]><?pi x?><d/></a>`,
    );
    expect(root.attrs).toEqual({ b: 'x>y', c: '1' });
    expect(root.children[0]).toBe('<not a tag>');
  });

  it('the five predefined entities and character references decode', () => {
    const root = parseXml('<x a="&lt;&amp;&quot;&apos;&gt;">&#65;&#x1F600;&amp;lt;</x>');
    expect(root.attrs['a']).toBe('<&"\'>');
    expect(root.children).toEqual(['A\u{1F600}&lt;']);
  });
});

describe('size limit (5 MB, checked before parsing)', () => {
  it('refuses one byte over the limit', () => {
    const text = `<x>${'a'.repeat(MAX_MESSAGE_BYTES)}</x>`;
    const error = parseError(() => parseXml(text));
    expect(error.reason).toBe('too-large');
    expect(error.message).toMatch(/5 MB/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = `<x>${'é'.repeat(MAX_MESSAGE_BYTES / 2)}</x>`; // fewer characters than the limit, more bytes
    expect(text.length).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(parseError(() => parseXml(text)).reason).toBe('too-large');
  });

  it('accepts a large message under the limit', () => {
    const text = `<x>${'<p>line &amp; text</p>'.repeat(100_000)}</x>`;
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(parseXml(text).children).toHaveLength(100_000);
  });
});

describe('malformed XML', () => {
  it('refuses nesting deeper than any Spine message (a recursion bomb)', () => {
    const error = parseError(() => parseXml(`${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`));
    expect(error.reason).toBe('malformed');
    expect(error.message).toMatch(/nested/i);
  });

  it('names the line and column', () => {
    const error = parseError(() => parseXml('<QUPA_IN000008UK02>\n  <id root="x">\n</QUPA_IN000008UK02>'));
    expect(error.reason).toBe('malformed');
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^Malformed XML at line 3, column \d+: .*id/);
  });

  it.each([
    ['unclosed root', '<a><b/>'],
    ['two roots', '<a/><b/>'],
    ['text only', 'just text'],
    ['bad attribute', '<a b=c/>'],
    ['mismatched closing tag', '<a><b></a></b>'],
    ['< inside an attribute value', '<a b="<"/>'],
    ['unclosed comment', '<a><!-- x </a>'],
    ['unclosed CDATA', '<a><![CDATA[ x </a>'],
    ['text after the root', '<a/>tail'],
  ])('%s is refused', (_name, text) => {
    expect(parseError(() => parseXml(text)).reason).toBe('malformed');
  });

  it('a message that is not Spine XML at all is refused by parseAny with a one-line reason', () => {
    expect(parseError(() => parseAny('{"json": true}')).message).toBe('Not XML, MIME or an HTTP message');
    expect(parseError(() => parseAny('<html><body/></html>')).message).toMatch(
      /unexpected root element <html>/,
    );
  });
});

describe('MIME parts', () => {
  const part = (headers: string, gap: string, content: string) =>
    `----=_MIME-Boundary\r\n${headers}${gap}${content}\r\n`;
  const header = '<SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/"/>';
  const multipart = (...parts: string[]) =>
    `POST /reliablemessaging HTTP/1.1\r\nContent-Type: multipart/related; boundary="--=_MIME-Boundary"\r\n\r\n${parts.join('')}----=_MIME-Boundary--\r\n`;

  it('a part whose headers run straight into its content is refused, naming the part (MHS payload_defect)', () => {
    const payload = part('Content-Id: <p@spine.nhs.uk>\r\nContent-Type: text/xml\r\n', '', 'mock-payload');
    const error = parseError(() =>
      parseAny(multipart(part('Content-Type: text/xml\r\n', '\r\n', header), payload)),
    );
    expect(error.message).toBe('MIME part 2 has no blank line after its headers');
    expect(error.reason).toBe('malformed');
  });

  it('the first part is checked the same way, with LF-only line ends too', () => {
    const error = parseError(() => parseAny(multipart(part('Content-Type: text/xml\n', '', header))));
    expect(error.message).toBe('MIME part 1 has no blank line after its headers');
  });
});

describe('XHTML presentation text allow-list', () => {
  const hostile =
    parseXml(`<value><html xmlns="xhtml:NPfIT:PresentationText"><head><title>t</title></head><body>
    <h2 id="Title" onclick="steal()" style="color:red">Summary</h2>
    <script>alert(1)</script><style>*{}</style><iframe src="https://evil"/>
    <p class="x">See <a href="javascript:alert(1)">this <b>link</b></a><img src="x" onerror="alert(1)"/></p>
    <table id="Allergies"><tr><td colspan="2" rowspan="x" scope="col" headers="h1">Peanut</td></tr></table>
    <form action="https://evil"><input name="pw"/></form>
    <svg><script>alert(2)</script></svg>
  </body></html></value>`);
  const tree = sanitiseXhtml(hostile.children);
  const json = JSON.stringify(tree);

  it('drops scripts, styles, frames, images, forms and SVG with their content', () => {
    expect(json).not.toMatch(/script|alert|style|iframe|img|onerror|form|input|svg|evil|"t"/i);
  });

  it('drops event handlers, style, class and href; unwraps links but keeps their words', () => {
    expect(json).not.toMatch(/onclick|href|javascript|class/);
    expect(safeText(tree)).toMatch(/See this link/);
  });

  it('keeps the allowed structure with sanitised attributes', () => {
    expect(tree).toEqual(
      expect.arrayContaining([
        { kind: 'element', tag: 'h2', attrs: { id: 'Title' }, children: [{ kind: 'text', text: 'Summary' }] },
        {
          kind: 'element',
          tag: 'table',
          attrs: { id: 'Allergies' },
          children: [
            {
              kind: 'element',
              tag: 'tr',
              attrs: {},
              children: [
                {
                  kind: 'element',
                  tag: 'td',
                  attrs: { colspan: '2', scope: 'col', headers: 'h1' },
                  children: [{ kind: 'text', text: 'Peanut' }],
                },
              ],
            },
          ],
        },
      ]),
    );
  });

  it('flattens absurdly deep nesting to text instead of recursing without bound', () => {
    const deep = parseXml(`<value>${'<div>'.repeat(200)}deep${'</div>'.repeat(200)}</value>`);
    const result = sanitiseXhtml(deep.children);
    expect(safeText(result)).toBe('deep');
    let depth = 0;
    for (let node = result[0]; node && node.kind === 'element'; node = node.children[0]) depth += 1;
    expect(depth).toBeLessThanOrEqual(64);
  });
});
