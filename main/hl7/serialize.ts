// Writes a parsed element back out as a standalone XML document (used to hand the HL7 payload of
// an envelope to callers as text). Namespace declarations in scope from ancestors are re-declared
// on the root so prefixes used inside (e.g. `hl7:id`) stay bound.
import { escapeXml, type XmlElement } from './xml';

function write(element: XmlElement, extra: Readonly<Record<string, string>> | null): string {
  let out = `<${element.name}`;
  if (extra) {
    for (const [key, value] of Object.entries(extra)) {
      if (element.attrs[key] === undefined) out += ` ${key}="${escapeXml(value, true)}"`;
    }
  }
  for (const [key, value] of Object.entries(element.attrs)) out += ` ${key}="${escapeXml(value, true)}"`;
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  for (const node of element.children) out += typeof node === 'string' ? escapeXml(node) : write(node, null);
  return `${out}</${element.name}>`;
}

/** Namespace declarations (`xmlns`, `xmlns:p`) of the given ancestors, innermost last wins. */
export function namespacesOf(
  ...ancestors: readonly (XmlElement | null | undefined)[]
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ancestor of ancestors) {
    if (!ancestor) continue;
    for (const [key, value] of Object.entries(ancestor.attrs)) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) out[key] = value;
    }
  }
  return out;
}

export function serialize(element: XmlElement, inScope: Readonly<Record<string, string>> = {}): string {
  return write(element, inScope);
}
