// XML for the sandbox: safe parsing of what clients send (DOCTYPE refused, entities off, values
// kept as strings — toolchain.md "XML"), a small namespace-prefix-blind element model for the
// validators, and escaping for every value the sandbox writes into a response.
import { XMLParser } from 'fast-xml-parser';

/** An element: local name, attributes by local name, child elements in order, and its text. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  // Security: entity expansion is a billion-laughs vector; DOCTYPE is refused before parsing.
  processEntities: false,
  preserveOrder: true,
  trimValues: false,
  removeNSPrefix: true,
});

type Ordered = Record<string, unknown>;

const named: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; nothing else is expanded. */
function decode(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return named[ref] ?? whole;
  });
}

function convert(node: Ordered): XmlElement | null {
  const keys = Object.keys(node).filter((k) => k !== ':@');
  const name = keys[0];
  if (name === undefined || name === '#text' || name.startsWith('?') || name === '#comment') return null;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k] = decode(String(v));
  }
  const kids = (node[name] ?? []) as Ordered[];
  const children: XmlElement[] = [];
  let text = '';
  for (const kid of kids) {
    if ('#text' in kid) text += decode(String(kid['#text']));
    else {
      const child = convert(kid);
      if (child) children.push(child);
    }
  }
  return { name, attrs, children, text };
}

/** Parses a document and returns its root element; throws XmlError when not well formed. */
export function parseXml(text: string): XmlElement {
  // Security: a DOCTYPE can declare entities; Spine messages never carry one (toolchain.md).
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('DOCTYPE is not allowed');
  if (!text.trim().startsWith('<')) throw new XmlError('not an XML document');
  let ordered: Ordered[];
  try {
    ordered = parser.parse(text, true) as Ordered[];
  } catch (error) {
    throw new XmlError(error instanceof Error ? error.message : String(error));
  }
  const roots = ordered.map(convert).filter((e): e is XmlElement => e !== null);
  const root = roots[0];
  if (!root || roots.length !== 1) throw new XmlError('a document has exactly one root element');
  return root;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** Follows a path of local names, first match at each step. */
export function path(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = element;
  for (const name of names) at = child(at, name);
  return at;
}

/** Every descendant (depth first) with this local name. */
export function descendants(element: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  if (element) walk(element);
  return out;
}

export function attr(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attrs[name];
}

export function text(element: XmlElement | undefined): string {
  return element ? element.text.trim() : '';
}

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text or an attribute value; every value a response carries goes through this. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** HL7 timestamp `YYYYMMDDHHMMSS` (UTC). */
export function hl7Time(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
