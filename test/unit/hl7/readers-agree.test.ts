// The two XML readers (issue 15) agree: on every generated document that both saxes (saxes-reader.ts,
// documents up to 4 KB) and fast-xml-parser (xml.ts, larger ones) accept, the element trees are
// the same — names, attributes with their decoded and normalised values, text — so the size of
// a message can never change what it says. Inputs are well-formed trees with the awkward parts
// of XML (entities, character references, CDATA, comments, PIs, line breaks and tabs in
// attributes, prefixes, names such as toString) and then the same trees with bytes cut, doubled
// or changed, so that refusals are exercised too. Run with the real readers, no doubles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSaxesXml, SaxesXmlError } from '../../../main/hl7/saxes-reader';
import { parseXml, readLargeXml } from '../../../main/hl7/xml';
import { Hl7ParseError, type XmlElement, type XmlNode } from '../../../main/hl7/xml-tree';

type Plain = { name: string; local: string; attrs: [string, string][]; children: (Plain | string)[] };

/** Text split differently (around comments, PIs, CDATA) is the same text: merge runs, drop empties. */
function plain(element: XmlElement): Plain {
  const children: (Plain | string)[] = [];
  for (const node of element.children as readonly XmlNode[]) {
    if (typeof node === 'string') {
      if (node === '') continue;
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === 'string')
        children[last] = `${children[last] as string}${node}`;
      else children.push(node);
    } else children.push(plain(node));
  }
  return { name: element.name, local: element.local, attrs: Object.entries(element.attrs), children };
}

type Outcome = { ok: true; tree: Plain } | { ok: false };
function attempt(read: (text: string) => XmlElement, text: string): Outcome {
  try {
    return { ok: true, tree: plain(read(text)) };
  } catch {
    return { ok: false };
  }
}

const names = fc.constantFrom(
  'a',
  'hl7:id',
  'eb:MessageHeader',
  'SOAP-ENV:Body',
  'x.y-z',
  'toString',
  'é',
  '_n1',
);
const attrName = fc.constantFrom(
  'root',
  'extension',
  'eb:version',
  'xmlns:hl7',
  'xml:lang',
  'hasOwnProperty',
  'v',
);
const pieces = fc.constantFrom(
  'text',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#10;',
  '&#x9;',
  '&#13;',
  '&#x1F600;',
  'é',
  '>',
  "'",
  '"',
  ']]',
);
// `]]>` may not stand in text (XML 1.0 section 2.4): a generated run never holds it, and never
// ends in `]`, so no neighbour can complete it either.
const textRun = fc
  .array(pieces, { maxLength: 6 })
  .map((parts) => parts.join('').replace(/]]>/g, ']]&gt;').replace(/]$/, '];'));
const attrValue = textRun.map((value) => value.replace(/"/g, '&quot;'));
const misc = fc.constantFrom('<!-- c -->', '<?pi x?>', '<![CDATA[<raw> & ]]]>', '<![CDATA[]]>', '');

const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc
    .tuple(
      names,
      fc.uniqueArray(fc.tuple(attrName, attrValue), { maxLength: 3, selector: ([name]) => name }),
      fc.array(fc.oneof({ weight: 3, arbitrary: textRun }, misc, tie('node')), { maxLength: 4 }),
      fc.boolean(),
      fc.constantFrom(' ', '\n', '\t', ''),
    )
    .map(([name, attrs, children, selfClosing, space]) => {
      const attributes = attrs.map(([n, v]) => ` ${n}=${space}"${v}"`).join('');
      return selfClosing && children.length === 0
        ? `<${name}${attributes}${space}/>`
        : `<${name}${attributes}${space}>${children.join('')}</${name}${space}>`;
    }),
})).node;

const document = fc
  .tuple(
    fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!-- head -->'),
    element,
    fc.constantFrom('', '\n', '  \r\n'),
  )
  .map(([head, root, tail]) => `${head}${root}${tail}`);

/** The same documents with a few bytes cut, doubled or replaced by markup characters. */
const damaged = fc
  .tuple(
    document,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('cut', 'double', '<', '&', '"', '>', '/')), {
      minLength: 1,
      maxLength: 2,
    }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, edit] of edits) {
      const i = at % Math.max(out.length, 1);
      if (edit === 'cut') out = out.slice(0, i) + out.slice(i + 1);
      else if (edit === 'double') out = out.slice(0, i + 1) + out.slice(i);
      else out = out.slice(0, i) + edit + out.slice(i + 1);
    }
    return out;
  });

describe('HAZ-015 the saxes and fast-xml-parser readers', () => {
  it('build the same tree from every well-formed document', () => {
    let both = 0;
    fc.assert(
      fc.property(document, (text) => {
        const small = attempt(readSaxesXml, text);
        const large = attempt(readLargeXml, text);
        // Generated documents are well formed: both must read them, and alike.
        expect(small.ok && large.ok).toBe(true);
        if (small.ok && large.ok) {
          both += 1;
          expect(small.tree).toEqual(large.tree);
        }
      }),
      { numRuns: 1500, seed: 15 },
    );
    expect(both).toBe(1500);
  });

  it('agree on every damaged document that both accept', () => {
    let both = 0;
    fc.assert(
      fc.property(damaged, (text) => {
        const small = attempt(readSaxesXml, text);
        const large = attempt(readLargeXml, text);
        if (small.ok && large.ok) {
          both += 1;
          expect(small.tree).toEqual(large.tree);
        }
      }),
      { numRuns: 3000, seed: 15 },
    );
    // The damage must leave enough documents readable for the comparison to mean something.
    expect(both).toBeGreaterThan(300);
  });
});

describe('HAZ-015 the saxes reader keeps the same locks', () => {
  it('refuses a DOCTYPE itself, even when called without the check in front of it', () => {
    expect(() => readSaxesXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(
      /DOCTYPE declarations are not allowed/,
    );
  });

  it('refuses a recursion bomb (deeper than 256) through parseXml, small or large', () => {
    const small = `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`;
    expect(() => parseXml(small)).toThrow(/nested/);
    const large = `<r>${'<p>padding</p>'.repeat(5_000)}${'<a>'.repeat(300)}${'</a>'.repeat(300)}</r>`;
    expect(() => parseXml(large)).toThrow(/nested/);
  });

  it('refuses prototype names as element and attribute names, as fast-xml-parser does', () => {
    for (const text of ['<a __proto__="x"/>', '<a><constructor/></a>', '<a prototype="1"/>']) {
      expect(() => readSaxesXml(text)).toThrow(SaxesXmlError);
      expect(() => readLargeXml(text)).toThrow(Hl7ParseError);
    }
  });

  it('words a refusal as the other reader does, with saxes giving only what it alone refuses', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(
      /^Malformed XML at line 1, column 7: Expected <\/b> but found <\/a>$/,
    );
    // A control character XML cannot carry: only saxes notices it.
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/^Malformed XML at line 1, column \d+: .*character/);
  });
});
