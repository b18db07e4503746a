// The XML reader of every Spine message (issues 15 and 11): saxes, a strict, conformant XML 1.0
// streaming parser (the one jsdom uses), reading straight into the XmlElement tree with no
// intermediate objects. It first read small messages only: on 1–2 KB acknowledgements and
// signals fast-xml-parser's own parse already cost more than NHS England's MHS adaptor spends on
// the whole message (test/bench/hl7-small.bench.ts). Measured on the largest GP Summaries it is
// the faster reader there too (xml.ts parseXml), so it now reads every message. fast-xml-parser
// (xml.ts readLargeXml) words refusals and is the second reader a differential fuzz test
// (test/unit/hl7/readers-agree.test.ts) holds this one to: both build the tree with the same
// pieces (xml-tree.ts).
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { EMPTY_ATTRS, Hl7ParseError, localName, MAX_DEPTH, type XmlElement, type XmlNode } from './xml-tree';

/**
 * Why: names that reach into a JavaScript object's prototype. fast-xml-parser refuses them as
 * element and attribute names (prototype pollution); this reader refuses the same ones, so a
 * message is refused or read alike by both.
 */
const RESERVED: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface OpenElement {
  readonly name: string;
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
}

/** A refusal by saxes, with its 1-based position. */
export class SaxesXmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * One saxes parser with its handlers bound once, reused document after document (saxes resets
 * itself at the end of each). `position` tracks lines and columns (slower): asked for only to
 * report a refusal. After a refusal the parser's state is unknown, so its owner drops it.
 */
class SaxesTreeReader {
  readonly #parser: SaxesParser<{ xmlns: false; position: boolean }>;
  #stack: OpenElement[] = [];
  #root: OpenElement | null = null;
  #attributes = false;

  constructor(position: boolean) {
    const parser = new SaxesParser({ xmlns: false, position });
    this.#parser = parser;
    parser.on('error', (error) => this.#fail(error.message.replace(/^\d+:\d+: /, '')));
    // Why: a DOCTYPE is how entity bombs and external entities are declared. xml.ts refuses one
    // before any reader runs; this is the second lock, in the reader itself.
    parser.on('doctype', () => this.#fail('DOCTYPE declarations are not allowed'));
    parser.on('attribute', (attribute) => {
      if (RESERVED.has(attribute.name)) this.#fail(`Invalid name: "${attribute.name}"`);
      this.#attributes = true;
    });
    parser.on('opentag', (tag: SaxesTagPlain) => this.#open(tag));
    parser.on('closetag', () => {
      this.#stack.pop();
    });
    const addText = (value: string) => this.#text(value);
    parser.on('text', addText);
    parser.on('cdata', addText);
  }

  #fail(message: string): never {
    throw new SaxesXmlError(message, this.#parser.line, this.#parser.column);
  }

  #open(tag: SaxesTagPlain): void {
    const stack = this.#stack;
    // Bounds every recursive walk over the tree, as fast-xml-parser's maxNestedTags does.
    if (stack.length >= MAX_DEPTH) this.#fail(`elements are nested deeper than ${MAX_DEPTH}`);
    const name = tag.name;
    if (RESERVED.has(name)) this.#fail(`Invalid name: "${name}"`);
    // saxes fills a fresh prototype-less object per tag with string values (xmlns off); the
    // attribute handler has already refused reserved names and noted whether there are any.
    const attrs = this.#attributes ? (tag.attributes as Record<string, string>) : EMPTY_ATTRS;
    this.#attributes = false;
    const element: OpenElement = { name, local: localName(name), attrs, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else this.#root = element;
    stack.push(element);
  }

  #text(value: string): void {
    const parent = this.#stack[this.#stack.length - 1];
    // Outside the root saxes allows only white space (and refuses anything else itself).
    if (!parent || value === '') return;
    const kids = parent.children;
    const last = kids.length - 1;
    // Text split by a comment, PI or CDATA section is one run of text to every reader.
    if (last >= 0 && typeof kids[last] === 'string') kids[last] = `${kids[last] as string}${value}`;
    else kids.push(value);
  }

  read(text: string): XmlElement {
    this.#stack = [];
    this.#root = null;
    this.#attributes = false;
    this.#parser.write(text).close();
    const root = this.#root as XmlElement | null;
    this.#root = null;
    if (!root) this.#fail('No root element');
    return root;
  }
}

let reader: SaxesTreeReader | null = null;

/** Reads a document, or throws a SaxesXmlError naming where saxes refused it. */
export function readSaxesXml(text: string): XmlElement {
  reader ??= new SaxesTreeReader(false);
  try {
    return reader.read(text);
  } catch (error) {
    reader = null;
    if (!(error instanceof SaxesXmlError)) throw error;
  }
  // Refused: read again with positions on, for the line and column of the refusal.
  try {
    new SaxesTreeReader(true).read(text);
  } catch (error) {
    if (error instanceof SaxesXmlError) throw error;
    throw new SaxesXmlError(error instanceof Error ? error.message : String(error), 1, 1);
  }
  throw new Hl7ParseError('Malformed XML: refused without a position', 'malformed');
}
