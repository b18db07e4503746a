// The GP's presentation text, drawn from the sanitised node tree main sends: only allow-listed
// elements, no attributes, text as text. Never dangerouslySetInnerHTML — the GP system's HTML
// is untrusted input, and React escapes every text node.
import { createElement, type ReactNode } from 'react';
import type { SafeNode } from '../../../preload/contract';
import { safeElements } from '../../../preload/contract/safe-markup';

// Headings inside the GP text sit below the page's own headings (h1 page, h2 record sections).
const headingShift: Readonly<Record<string, string>> = { h1: 'h3', h2: 'h3', h3: 'h4', h4: 'h5' };
// The renderer re-checks every element against the contract's allow-list: defence in depth.
const allowed = new Set<string>(safeElements);

function render(node: SafeNode, key: number, depth: number): ReactNode {
  if (node.type === 'text') return node.text;
  // Belt and braces: the contract schema already limits names; a name outside the list is dropped.
  if (!allowed.has(node.name) || depth > 64) return null;
  const name = headingShift[node.name] ?? node.name;
  if (name === 'br') return createElement('br', { key });
  return createElement(
    name,
    { key },
    ...node.children.map((child, index) => render(child, index, depth + 1)),
  );
}

/**
 * A top-level table goes in its own block: the block's CSS lets the browser skip layout and paint
 * while it is off screen (`content-visibility: auto`, which a table box itself cannot take). A
 * megabyte GP Summary is thousands of rows; all of it is in the DOM (and the accessibility tree,
 * find-in-page and print) at once, only the drawing of what is scrolled away is deferred.
 */
function renderTop(node: SafeNode, key: number): ReactNode {
  const rendered = render(node, key, 0);
  if (node.type !== 'element' || node.name !== 'table' || rendered === null) return rendered;
  return (
    <div key={key} className="app-offscreen-block">
      {rendered}
    </div>
  );
}

export function PresentationText({ nodes }: { readonly nodes: readonly SafeNode[] }) {
  return <div className="app-presentation">{nodes.map((node, index) => renderTop(node, index))}</div>;
}

/** The plain text of the tree's headings, to see which sections the GP text already covers. */
export function headingText(nodes: readonly SafeNode[]): string {
  const out: string[] = [];
  const walk = (node: SafeNode, inHeading: boolean) => {
    if (node.type === 'text') {
      if (inHeading) out.push(node.text);
      return;
    }
    const heading = inHeading || /^h[1-4]$/.test(node.name) || node.name === 'caption' || node.name === 'th';
    node.children.forEach((child) => walk(child, heading));
  };
  nodes.forEach((node) => walk(node, false));
  return out.join(' ').toLowerCase();
}

const textOfNode = (node: SafeNode): string =>
  node.type === 'text' ? node.text : node.children.map(textOfNode).join('');

const isHeading = (node: SafeNode): boolean => node.type === 'element' && /^h[1-4]$/.test(node.name);

/**
 * Splits the GP's text into its core part (title, allergies, medication) and the rest, which is
 * Additional Information and is shown in its own, visibly separate region. The split is at the
 * first heading after the allergies heading that is not about allergies or medication.
 */
export function splitPresentation(nodes: readonly SafeNode[]): { core: SafeNode[]; additional: SafeNode[] } {
  let list = [...nodes];
  // GP systems wrap the whole text in one <div>; look inside it.
  while (list.length === 1 && list[0]?.type === 'element' && list[0].name === 'div')
    list = [...list[0].children];
  const allergies = list.findIndex((node) => isHeading(node) && /allerg/i.test(textOfNode(node)));
  if (allergies < 0) return { core: list, additional: [] };
  const split = list.findIndex(
    (node, index) => index > allergies && isHeading(node) && !/allerg|medic/i.test(textOfNode(node)),
  );
  if (split < 0) return { core: list, additional: [] };
  return { core: list.slice(0, split), additional: list.slice(split) };
}
