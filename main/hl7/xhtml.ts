// Sanitises the SCR's XHTML presentation text (spine-hl7v3.md 8.3) to an allow-list of elements
// and attributes, producing a typed tree a React renderer draws with createElement — never
// innerHTML. Unknown but harmless wrappers (html, body, a, font…) are unwrapped; active or
// embedding content (script, style, iframe, img, form…) is dropped with everything inside it.
import type { SafeAttr, SafeNode, SafeTag } from './types';
import type { XmlElement, XmlNode } from './xml';

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
  'img',
  'image',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'select',
  'option',
  'textarea',
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

function safeAttrs(element: XmlElement): Partial<Record<SafeAttr, string>> {
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
        if (/^\d{1,3}$/.test(value)) out[name] = value;
        break;
      case 'scope':
        if (SCOPES.has(value.toLowerCase())) out.scope = value.toLowerCase();
        break;
      case 'title':
        out.title = value.slice(0, 500);
        break;
      case 'lang':
        if (/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(value)) out.lang = value;
        break;
      default:
        // Why: style, class, href/src, on* handlers and everything else are dropped (allow-list).
        break;
    }
  }
  return out;
}

function sanitiseChildren(
  nodes: readonly XmlNode[],
  parentTag: string | null,
  depth: number,
  out: SafeNode[],
): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      if (parentTag !== null && NO_TEXT_CHILDREN.has(parentTag) && node.trim() === '') continue;
      const last = out[out.length - 1];
      if (last && last.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + node };
      else out.push({ kind: 'text', text: node });
      continue;
    }
    const tag = node.local.toLowerCase();
    if (DROP_TAGS.has(tag)) continue;
    if (depth >= MAX_DEPTH) {
      // Too deep to be a real summary: keep the words, lose the structure.
      const flat: SafeNode[] = [];
      sanitiseChildren(node.children, parentTag, depth, flat);
      for (const child of flat) if (child.kind === 'text') out.push(child);
      continue;
    }
    if (!SAFE_TAGS.has(tag)) {
      sanitiseChildren(node.children, parentTag, depth + 1, out);
      continue;
    }
    const children: SafeNode[] = [];
    if (!VOID_TAGS.has(tag)) sanitiseChildren(node.children, tag, depth + 1, children);
    out.push({ kind: 'element', tag: tag as SafeTag, attrs: safeAttrs(node), children });
  }
}

/** The sanitised tree of `presentationText/value` content. */
export function sanitiseXhtml(nodes: readonly XmlNode[]): SafeNode[] {
  const out: SafeNode[] = [];
  sanitiseChildren(nodes, null, 0, out);
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
