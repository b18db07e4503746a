// The element tree every reader in main/hl7 produces and every mapper reads, the one error type
// for input the library cannot accept, and the small shared pieces both XML readers (xml.ts:
// fast-xml-parser; saxes-reader.ts: saxes) build the tree with, so their trees cannot drift apart.

/** Deepest element nesting accepted. */
export const MAX_DEPTH = 256;

export type Hl7ParseErrorReason = 'too-large' | 'doctype' | 'malformed' | 'unexpected';

/** Any input the library cannot accept; `line`/`column` are 1-based when known. */
export class Hl7ParseError extends Error {
  override readonly name = 'Hl7ParseError';
  constructor(
    message: string,
    readonly reason: Hl7ParseErrorReason,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
  }
}

export interface XmlElement {
  /** Qualified name as written, e.g. `SOAP-ENV:Envelope`. */
  readonly name: string;
  /** Name without its prefix; all lookups use this (prefixes differ between producers). */
  readonly local: string;
  /** Attributes by qualified name, entity-decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

export type XmlNode = XmlElement | string;

// Shared empties and interned local names keep the tree's allocations (and GC) down.
export const EMPTY_ATTRS: Record<string, string> = Object.freeze({});
export const EMPTY_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];
const LOCAL_NAMES = new Map<string, string>();

export function localName(name: string): string {
  const cached = LOCAL_NAMES.get(name);
  if (cached !== undefined) return cached;
  const colon = name.indexOf(':');
  const local = colon === -1 ? name : name.slice(colon + 1);
  // Bounded: names come from input, so stop caching after a few thousand distinct ones.
  if (LOCAL_NAMES.size < 4096) LOCAL_NAMES.set(name, local);
  return local;
}

/** 1-based line and column of a character index. */
export function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}
