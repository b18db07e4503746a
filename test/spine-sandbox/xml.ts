// XML for the sandbox: safe parsing of what clients send (main/hl7's parser: DOCTYPE refused,
// entities off, values kept as strings — toolchain.md "XML"), a small namespace-prefix-blind
// element model for the validators, and escaping for every value the sandbox writes.
import { Hl7ParseError, parseXml as parseHl7Xml, type XmlElement as Hl7Element } from '../../main/hl7/xml';

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

/** Requests larger than this are refused before parsing (the server's body limit is the same). */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

function convert(element: Hl7Element): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(element.attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    attrs[k.slice(k.indexOf(':') + 1)] = v;
  }
  const kids: XmlElement[] = [];
  let text = '';
  for (const node of element.children) {
    if (typeof node === 'string') text += node;
    else kids.push(convert(node));
  }
  return { name: element.local, attrs, children: kids, text };
}

/**
 * Parses a document and returns its root element; throws XmlError when not well formed. The
 * parsing is main/hl7's (architecture: the sandbox reuses it for requests): size-checked,
 * DOCTYPE refused, entities never expanded (toolchain.md "XML").
 */
export function parseXml(text: string): XmlElement {
  try {
    return convert(parseHl7Xml(text, { maxBytes: MAX_XML_BYTES }));
  } catch (error) {
    if (error instanceof Hl7ParseError) throw new XmlError(error.message);
    throw error;
  }
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
