// The safe XML core every parser and builder in main/hl7 uses: a size- and DOCTYPE-checked parse
// into a small ordered element tree, namespace-prefix-agnostic accessors, and escaping for
// builders. Nothing here does I/O.
import { XMLParser } from 'fast-xml-parser';
import { readSaxesXml, SaxesXmlError } from './saxes-reader';
import { checkWellFormed } from './well-formed';
import {
  EMPTY_ATTRS,
  EMPTY_CHILDREN,
  Hl7ParseError,
  localName,
  MAX_DEPTH,
  position,
  type XmlElement,
  type XmlNode,
} from './xml-tree';

/** Spine's message size limit; enforced on the UTF-8 byte length before any parsing. */
export const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export { Hl7ParseError, MAX_DEPTH };
export type { XmlElement, XmlNode };
export type { Hl7ParseErrorReason } from './xml-tree';

export interface ParseXmlOptions {
  readonly maxBytes?: number;
}

// Why these options (toolchain.md "XML"): attributes kept as strings so NHS numbers and dates
// never become numbers; order preserved for the SCR's mixed-content XHTML; processEntities off so
// no DOCTYPE entity is ever expanded (we decode the five predefined ones ourselves).
export const xmlParserOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  // No callbacks use it, and building a path string per tag costs fast-xml-parser 5.12 about
  // two thirds of its time (measured: 3x faster parse without it).
  jPath: false,
  // Bounds every recursive walk over the tree (real Spine messages nest about 30 deep).
  maxNestedTags: MAX_DEPTH,
  // Names such as `toString` are kept as written (its default renames them `__toString`), as saxes
  // keeps them (saxes-reader.ts): the tree only ever holds them as keys of its own records, and
  // `__proto__`/`constructor`/`prototype` are still refused by both readers.
  onDangerousProperty: (name: string) => name,
} as const satisfies ConstructorParameters<typeof XMLParser>[0];
const parser = new XMLParser(xmlParserOptions);

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and character references; anything else is malformed. */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&([^;&\s]{1,12});/g, (_match, name: string) => {
    if (name.startsWith('#')) {
      const hex = name[1] === 'x' || name[1] === 'X';
      const codePoint = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
      if (!Number.isFinite(codePoint) || codePoint < 1 || codePoint > 0x10ffff) {
        throw new Hl7ParseError(`Invalid character reference &${name};`, 'malformed');
      }
      return String.fromCodePoint(codePoint);
    }
    const replacement = PREDEFINED[name];
    if (replacement === undefined) {
      // Why: without a DTD (which we refuse) any other entity is undefined; never pass it on.
      throw new Hl7ParseError(`Undefined entity &${name}; (entities are not allowed)`, 'malformed');
    }
    return replacement;
  });
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const DOCTYPE = /^<!DOCTYPE/i;

/** Where `<!DOCTYPE` (any case) starts, or -1: a plain scan for `<!`, then a look at each one. */
function doctypeIndex(text: string): number {
  for (let at = text.indexOf('<!'); at !== -1; at = text.indexOf('<!', at + 2)) {
    if (DOCTYPE.test(text.slice(at, at + 9))) return at;
  }
  return -1;
}

/** Checks size and DOCTYPE before anything parses the text (entity bombs and XXE need a DOCTYPE). */
export function checkXmlInput(text: string, maxBytes = MAX_MESSAGE_BYTES): void {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only a text that could be over the limit is
  // measured byte by byte.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && utf8Length(text) > maxBytes)) {
    throw new Hl7ParseError(
      `Message is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB Spine limit`,
      'too-large',
    );
  }
  const doctype = doctypeIndex(text);
  if (doctype !== -1) {
    const { line, column } = position(text, doctype);
    // Why: a DOCTYPE is how entity-expansion bombs and external entities (XXE) are declared;
    // Spine messages never carry one, so refusing it outright is both safe and lossless.
    throw new Hl7ParseError(
      `DOCTYPE declarations are not allowed (line ${line}, column ${column})`,
      'doctype',
      line,
      column,
    );
  }
}

type RawNode = Record<string, unknown>;

// XML 1.0 section 3.3.3: a literal tab or line break in an attribute value reads as a space (a
// character reference to one does not, so this runs before decoding). fast-xml-parser leaves
// them; saxes (saxes-reader.ts) applies the rule, and both readers must give the same value.
const ATTRIBUTE_SPACE = /[\t\n]/g;

/**
 * Turns fast-xml-parser's ordered output into XmlNodes in place: each array is reused and each
 * raw node replaced by its converted form, so the tree costs few new allocations (the raw output
 * is garbage afterwards anyway). Attribute maps are reused too unless a value needs decoding.
 */
function convert(raw: unknown[]): XmlNode[] {
  let write = 0;
  for (let read = 0; read < raw.length; read += 1) {
    const node = raw[read] as RawNode;
    // Fast path: most nodes are text (indentation included).
    const textValue = node['#text'];
    if (typeof textValue === 'string') {
      raw[write++] = textValue.includes('&') ? decodeEntities(textValue) : textValue;
      continue;
    }
    let name: string | null = null;
    for (const key in node) {
      if (key === ':@') continue;
      name = key;
      break;
    }
    if (name === null) continue;
    const value = node[name];
    if (name === '#cdata') {
      if (Array.isArray(value)) {
        let cdata = '';
        for (const part of value as RawNode[]) {
          const text = part['#text'];
          if (typeof text === 'string') cdata += text;
        }
        raw[write++] = cdata;
      }
      continue;
    }
    const rawAttrs = node[':@'] as Record<string, unknown> | undefined;
    let attrs: Record<string, string> = EMPTY_ATTRS;
    if (rawAttrs) {
      // fast-xml-parser refuses `__proto__`/`constructor` names (strictReservedNames), so the map
      // it built is safe to keep; values are strings (parseAttributeValue off) and only those
      // with a reference need decoding.
      for (const key in rawAttrs) {
        const attrValue = rawAttrs[key];
        if (typeof attrValue !== 'string') rawAttrs[key] = '';
        else if (attrValue.includes('&') || attrValue.includes('\n') || attrValue.includes('\t'))
          rawAttrs[key] = decodeEntities(attrValue.replace(ATTRIBUTE_SPACE, ' '));
      }
      attrs = rawAttrs as Record<string, string>;
    }
    const children = Array.isArray(value) && value.length > 0 ? convert(value as unknown[]) : EMPTY_CHILDREN;
    const element: XmlElement = { name, local: localName(name), attrs, children };
    raw[write++] = element;
  }
  raw.length = write;
  return raw as XmlNode[];
}

/**
 * Parses one XML document safely and returns its root element. Size is checked first, then
 * DOCTYPE; then the document is read by saxes (saxes-reader.ts), whatever its size. It was the
 * reader of small messages only (issue 15); on the largest GP Summaries it is also the faster
 * one (2.8 MB: 79 ms against fast-xml-parser's 151; 1.2 million elements: 189 against 936 ms,
 * medians of 12 on this machine), and the record's first screen waits for this parse (issue 11).
 * A refusal is still worded as fast-xml-parser's reading and our well-formedness check word it
 * (readLargeXml), so an error names the same problem as before.
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  checkXmlInput(text, options.maxBytes);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return readSaxesXml(body);
  } catch (error) {
    if (!(error instanceof SaxesXmlError)) throw error;
    // The refusal is reported as the other reader words it, so an error names the same problem
    // whatever the message's size; saxes's own words only where it alone refuses (it is the
    // stricter: XML characters, names, `]]>` in text, the XML declaration's place).
    readLargeXml(body);
    throw new Hl7ParseError(
      `Malformed XML at line ${error.line}, column ${error.column}: ${error.message}`,
      'malformed',
      error.line,
      error.column,
    );
  }
}

/**
 * fast-xml-parser's reading, after our single-pass well-formedness check: how a refused document's
 * problem is worded, and the second reader the differential test holds saxes to (HAZ-015).
 */
export function readLargeXml(body: string): XmlElement {
  const problem = checkWellFormed(body);
  if (problem) {
    const { line, column } = position(body, problem.index);
    throw new Hl7ParseError(
      `Malformed XML at line ${line}, column ${column}: ${problem.message}`,
      'malformed',
      line,
      column,
    );
  }
  let raw: unknown;
  try {
    raw = parser.parse(body);
  } catch (error) {
    throw new Hl7ParseError(
      `Malformed XML: ${error instanceof Error ? error.message : String(error)}`,
      'malformed',
    );
  }
  const nodes = convert(raw as unknown[]);
  const roots = nodes.filter(isElement);
  const root = roots[0];
  if (!root || roots.length !== 1) {
    throw new Hl7ParseError('Malformed XML: expected exactly one root element', 'malformed');
  }
  return root;
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Child elements, optionally only those with this local name. */
export function elements(parent: XmlElement | null | undefined, local?: string): XmlElement[] {
  if (!parent) return [];
  const out: XmlElement[] = [];
  for (const child of parent.children) {
    if (typeof child !== 'string' && (local === undefined || child.local === local)) out.push(child);
  }
  return out;
}

/** The first child element with this local name. */
export function child(parent: XmlElement | null | undefined, local: string): XmlElement | null {
  if (!parent) return null;
  for (const node of parent.children) {
    if (typeof node !== 'string' && node.local === local) return node;
  }
  return null;
}

const PATHS = new Map<string, readonly string[]>();

/** Follows a `/`-separated path of local names through first matches. */
export function path(parent: XmlElement | null | undefined, steps: string): XmlElement | null {
  let parts = PATHS.get(steps);
  if (!parts) {
    parts = steps.split('/');
    // Paths are literals in this library; the bound only guards against misuse.
    if (PATHS.size < 1024) PATHS.set(steps, parts);
  }
  let current: XmlElement | null = parent ?? null;
  for (const step of parts) {
    if (!current) return null;
    current = child(current, step);
  }
  return current;
}

/** All descendants (depth-first, document order) with this local name; bounded by tree size. */
export function descendants(parent: XmlElement | null | undefined, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (!parent) return out;
  const stack: XmlElement[] = [parent];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current) break;
    const kids = current.children;
    for (let i = kids.length - 1; i >= 0; i -= 1) {
      const node = kids[i];
      if (node === undefined || typeof node === 'string') continue;
      stack.push(node);
    }
    if (current !== parent && current.local === local) out.push(current);
  }
  return out;
}

/**
 * One depth-first walk collecting descendants by local name (document order), not descending
 * into elements named in `prune` (they are collected themselves).
 */
export function collect(
  parent: XmlElement | null | undefined,
  wanted: ReadonlySet<string>,
  prune: ReadonlySet<string> = new Set(),
): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  if (!parent) return out;
  const stack: XmlElement[] = [parent];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current) break;
    if (current !== parent && wanted.has(current.local)) {
      const list = out.get(current.local);
      if (list) list.push(current);
      else out.set(current.local, [current]);
    }
    if (current !== parent && prune.has(current.local)) continue;
    const kids = current.children;
    for (let i = kids.length - 1; i >= 0; i -= 1) {
      const node = kids[i];
      if (node !== undefined && typeof node !== 'string') stack.push(node);
    }
  }
  return out;
}

/** The first descendant with this local name, or null. */
export function find(parent: XmlElement | null | undefined, local: string): XmlElement | null {
  if (!parent) return null;
  for (const node of parent.children) {
    if (typeof node === 'string') continue;
    if (node.local === local) return node;
    const deeper = find(node, local);
    if (deeper) return deeper;
  }
  return null;
}

/** Attribute by local name (prefix-agnostic), or null. */
export function attr(element: XmlElement | null | undefined, local: string): string | null {
  if (!element) return null;
  const attrs = element.attrs;
  const direct = attrs[local];
  if (direct !== undefined) return direct;
  // A prefixed form (`eb:version`, `xlink:href`); `xmlns:*` declarations are not attributes.
  for (const key in attrs) {
    const prefixLength = key.length - local.length - 1;
    if (
      prefixLength > 0 &&
      key.charCodeAt(prefixLength) === 0x3a &&
      key.endsWith(local) &&
      !key.startsWith('xmlns')
    ) {
      return attrs[key] ?? null;
    }
  }
  return null;
}

/** Concatenated text content (all descendants), or null when the element is absent. */
export function text(element: XmlElement | null | undefined): string | null {
  if (!element) return null;
  let out = '';
  for (const node of element.children) out += typeof node === 'string' ? node : (text(node) ?? '');
  return out;
}

/** Trimmed text content; null when absent or empty. */
export function textOf(element: XmlElement | null | undefined): string | null {
  const value = text(element)?.trim();
  return value ? value : null;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/**
 * Escapes text for element content or attribute values (quotes included). CR is always written
 * as a character reference (parsers normalise a literal one away); in attributes LF and TAB too,
 * because attribute-value normalisation would turn them into spaces.
 */
export function escapeXml(value: string, attribute = false): string {
  return value.replace(attribute ? /[<>&"'\r\n\t]/g : /[<>&"'\r]/g, (ch) => ESCAPES[ch] ?? ch);
}

const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching the controls XML forbids is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Rejects characters XML 1.0 cannot carry at all (C0 controls other than tab/CR/LF, lone
 * surrogates, U+FFFE/U+FFFF): escaping cannot make them legal, so builders refuse them.
 */
export function assertXmlChars(value: string, field: string): string {
  if (INVALID_XML_CHARS.test(value)) {
    throw new Error(`${field} contains characters that XML cannot carry`);
  }
  return value;
}
