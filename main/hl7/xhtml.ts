// Sanitises the SCR's XHTML presentation text (spine-hl7v3.md 8.3) to an allow-list of elements
// and attributes, producing a typed tree a React renderer draws with createElement — never
// innerHTML. Unknown but harmless wrappers (html, body, a, font…) are unwrapped; active or
// embedding content (script, style, iframe, object…) is dropped with everything inside it. What
// carries the GP's words is kept as words (issue 11, HAZ-003): an image's alt text and the text of
// form controls become plain text, strike-through stays strike-through (a stopped drug must not
// read as current). Whatever is removed is reported, so the screen can say so instead of losing
// it silently; bidi controls are removed from every text (see bidi.ts, HAZ-004).
import { hasBidiControls, stripBidiControls } from './bidi';
import type { SafeAttr, SafeNode, SafeTag } from './types';
import type { XmlElement, XmlNode } from './xml';

/** What the sanitiser took out, for the visible notes beside the GP's text. */
export interface SanitiseReport {
  /** Scripts, styles, links, embedded objects or images were removed. */
  removed: boolean;
  /** Bidi embedding/override/isolate controls were removed from the text. */
  directionMarksRemoved: boolean;
}

const SAFE_TAGS: ReadonlySet<string> = new Set<SafeTag>([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'br',
  'div',
  'span',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'col',
  'colgroup',
  'ul',
  'ol',
  'li',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'sub',
  'sup',
  'pre',
  'code',
  'hr',
  'del',
  's',
]);

/** Other names for an allowed element. */
const ALIASES: Readonly<Record<string, SafeTag>> = { strike: 's', ins: 'u', tt: 'code', kbd: 'code' };

/** Harmless wrappers whose removal loses nothing the reader needs (no note for these). */
const QUIET_UNWRAP: ReadonlySet<string> = new Set([
  'html',
  'body',
  'value',
  'section',
  'article',
  'font',
  'center',
  'small',
  'big',
  'label',
  'fieldset',
  'legend',
  'nobr',
  'abbr',
  'cite',
  'dfn',
  'q',
  'var',
  'samp',
  'mark',
  'header',
  'footer',
  'main',
  'nav',
  'aside',
  'address',
  'blockquote',
  'dl',
  'dt',
  'dd',
  'figure',
  'figcaption',
]);

/** Elements whose words are the reader's (kept as plain text), though the element itself is not. */
const TEXT_OF_CONTROL: ReadonlySet<string> = new Set([
  'button',
  'textarea',
  'option',
  'optgroup',
  'select',
  'output',
  'datalist',
]);

/** Dropped with their content: anything that can execute, load, embed, submit or style. */
const DROP_TAGS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'link',
  'meta',
  'base',
  'template',
  'noscript',
  'audio',
  'video',
  'source',
  'track',
  'canvas',
  'picture',
  'head',
  'title',
  'param',
  'portal',
  'dialog',
]);

const VOID_TAGS: ReadonlySet<string> = new Set(['br', 'hr', 'col']);

/** Containers where React (and HTML) reject stray text nodes. */
const NO_TEXT_CHILDREN: ReadonlySet<string> = new Set([
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'colgroup',
  'ul',
  'ol',
]);

const SCOPES: ReadonlySet<string> = new Set(['row', 'col', 'rowgroup', 'colgroup']);
const MAX_DEPTH = 64;

/** Dropped without a note: document metadata, not the GP's content. */
const QUIET_DROP: ReadonlySet<string> = new Set(['head', 'title', 'meta']);

function cleanText(text: string, report: SanitiseReport): string {
  if (!hasBidiControls(text)) return text;
  report.directionMarksRemoved = true;
  return stripBidiControls(text);
}

function safeAttrs(element: XmlElement, report: SanitiseReport): Partial<Record<SafeAttr, string>> {
  const out: Partial<Record<SafeAttr, string>> = {};
  for (const qualified in element.attrs) {
    const value = element.attrs[qualified] ?? '';
    const colon = qualified.indexOf(':');
    const name = (colon === -1 ? qualified : qualified.slice(colon + 1)).toLowerCase();
    if (qualified.startsWith('xmlns')) continue;
    switch (name) {
      case 'id':
      case 'headers':
        // Plain tokens only: no way to smuggle anything through an id.
        if (/^[A-Za-z0-9_\-. ]{1,200}$/.test(value)) out[name] = value;
        break;
      case 'colspan':
      case 'rowspan':
        // Spans move a cell's words under the right heading ("3mg" under Dosage, HAZ-002).
        if (/^\s*[1-9]\d{0,2}\s*$/.test(value)) out[name] = value.trim();
        break;
      case 'scope':
        if (SCOPES.has(value.toLowerCase())) out.scope = value.toLowerCase();
        break;
      case 'title':
        out.title = cleanText(value, report).slice(0, 500);
        break;
      case 'lang':
        if (/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(value)) out.lang = value;
        break;
      case 'style':
      case 'href':
      case 'src':
        // Formatting and links are removed for safety; the reader is told (HAZ-003).
        report.removed = true;
        break;
      default:
        // Why: style, class, href/src, on* handlers and everything else are dropped (allow-list).
        break;
    }
  }
  return out;
}

/** Appends text, merging with a preceding text node (fewer nodes, same words). */
function pushText(out: SafeNode[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + text };
  else out.push({ kind: 'text', text });
}

/** The words inside a form control (button label, textarea content, select options). */
function controlText(node: XmlElement, report: SanitiseReport): string {
  const words: string[] = [];
  const stack: XmlNode[] = [node];
  // Iterative: a control's content can be arbitrarily wide; the parser already bounds its depth.
  while (stack.length > 0) {
    const next = stack.pop() as XmlNode;
    if (typeof next === 'string') {
      words.push(next);
      continue;
    }
    const local = next.local.toLowerCase();
    if (local !== node.local.toLowerCase() && DROP_TAGS.has(local)) continue;
    if (local === 'option' && words.length > 0 && !/\s$/.test(words[words.length - 1] ?? '')) words.push(' ');
    for (let i = next.children.length - 1; i >= 0; i -= 1) stack.push(next.children[i] as XmlNode);
  }
  return cleanText(words.join('').replace(/\s+/g, ' ').trim(), report);
}

/** An image or input's own words: alt (or title) for an image, the value of a text input. */
function attributeText(node: XmlElement, tag: string, report: SanitiseReport): string {
  const attrs: Record<string, string> = {};
  for (const qualified in node.attrs) {
    const colon = qualified.indexOf(':');
    attrs[(colon === -1 ? qualified : qualified.slice(colon + 1)).toLowerCase()] =
      node.attrs[qualified] ?? '';
  }
  let text = '';
  if (tag === 'input') {
    const type = (attrs['type'] ?? 'text').toLowerCase();
    // A password or hidden field's value is not something the GP meant anyone to read.
    if (type !== 'password' && type !== 'hidden') text = attrs['value'] ?? attrs['placeholder'] ?? '';
  } else {
    text = attrs['alt'] ?? attrs['title'] ?? '';
  }
  return cleanText(text.replace(/\s+/g, ' ').trim(), report);
}

function sanitiseChildren(
  nodes: readonly XmlNode[],
  parentTag: string | null,
  depth: number,
  out: SafeNode[],
  report: SanitiseReport,
): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      if (parentTag !== null && NO_TEXT_CHILDREN.has(parentTag) && node.trim() === '') continue;
      pushText(out, cleanText(node, report));
      continue;
    }
    const local = node.local.toLowerCase();
    if (DROP_TAGS.has(local)) {
      if (!QUIET_DROP.has(local)) report.removed = true;
      continue;
    }
    if (local === 'img' || local === 'image' || local === 'input') {
      // The picture (or the field) goes; its words stay, as plain text.
      if (local !== 'input') report.removed = true;
      const words = attributeText(node, local, report);
      if (words) pushText(out, parentTag !== null && NO_TEXT_CHILDREN.has(parentTag) ? '' : words);
      continue;
    }
    if (TEXT_OF_CONTROL.has(local)) {
      const words = controlText(node, report);
      if (words && !(parentTag !== null && NO_TEXT_CHILDREN.has(parentTag))) pushText(out, words);
      continue;
    }
    const tag = ALIASES[local] ?? local;
    if (depth >= MAX_DEPTH) {
      // Too deep to be a real summary: keep the words, lose the structure.
      const flat: SafeNode[] = [];
      sanitiseChildren(node.children, parentTag, depth, flat, report);
      for (const child of flat) if (child.kind === 'text') pushText(out, child.text);
      continue;
    }
    if (!SAFE_TAGS.has(tag)) {
      if (tag === 'a' ? 'href' in node.attrs : !QUIET_UNWRAP.has(tag)) report.removed = true;
      sanitiseChildren(node.children, parentTag, depth + 1, out, report);
      continue;
    }
    const children: SafeNode[] = [];
    if (!VOID_TAGS.has(tag)) sanitiseChildren(node.children, tag, depth + 1, children, report);
    out.push({ kind: 'element', tag: tag as SafeTag, attrs: safeAttrs(node, report), children });
  }
}

/**
 * The sanitised tree of `presentationText/value` content. Pass `report` to learn what was
 * removed (formatting, direction marks), so the screen can say so.
 */
export function sanitiseXhtml(
  nodes: readonly XmlNode[],
  report: SanitiseReport = { removed: false, directionMarksRemoved: false },
): SafeNode[] {
  const out: SafeNode[] = [];
  sanitiseChildren(nodes, null, 0, out, report);
  // Drop leading/trailing whitespace-only text around the document.
  while (out[0]?.kind === 'text' && out[0].text.trim() === '') out.shift();
  const last = out[out.length - 1];
  if (last?.kind === 'text' && last.text.trim() === '') out.pop();
  return out;
}

/** Plain text of a sanitised tree (for headings and tests). */
export function safeText(nodes: readonly SafeNode[]): string {
  let out = '';
  for (const node of nodes) out += node.kind === 'text' ? node.text : safeText(node.children);
  return out;
}

/** Headings (h1–h3) in document order, whitespace-collapsed. */
export function headingsOf(nodes: readonly SafeNode[], out: string[] = []): string[] {
  for (const node of nodes) {
    if (node.kind !== 'element') continue;
    if (node.tag === 'h1' || node.tag === 'h2' || node.tag === 'h3') {
      const heading = safeText(node.children).replace(/\s+/g, ' ').trim();
      if (heading) out.push(heading);
    } else {
      headingsOf(node.children, out);
    }
  }
  return out;
}
