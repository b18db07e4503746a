// A tiny element builder for the request builders: every string that reaches the output as text
// or as an attribute value is escaped here, so no builder ever concatenates untrusted input into
// XML. Only `Markup` values (themselves produced by `el`) are inserted verbatim.
import { assertXmlChars, escapeXml } from './xml';

export class Markup {
  constructor(readonly xml: string) {}
  toString(): string {
    return this.xml;
  }
}

export type Child = Markup | string | number | null | undefined | false | readonly Child[];
export type Attrs = Readonly<Record<string, string | number | null | undefined>>;

function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (child instanceof Markup) return child.xml;
  if (Array.isArray(child)) return (child as readonly Child[]).map(renderChild).join('');
  return escapeXml(assertXmlChars(String(child), 'Text'));
}

/** `<name attrs>children</name>`; null/undefined attributes are omitted, an empty body self-closes. */
export function el(name: string, attrs: Attrs | null = null, ...children: Child[]): Markup {
  let open = `<${name}`;
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      open += ` ${key}="${escapeXml(assertXmlChars(String(value), `Attribute ${key}`), true)}"`;
    }
  }
  const body = children.map(renderChild).join('');
  return new Markup(body === '' ? `${open}/>` : `${open}>${body}</${name}>`);
}

/** A whole document: the XML declaration then the root. */
export function xmlDocument(root: Markup): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${root.xml}`;
}
