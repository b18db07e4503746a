// The GP's presentation text, drawn from the sanitised node tree main sends: only allow-listed
// elements and attributes, text as text. Never dangerouslySetInnerHTML — the GP system's HTML is
// untrusted input, and React escapes every text node. Issue 11:
// - meaning survives: sub/sup, strike-through shown AND announced (HAZ-003), row/column spans
//   (HAZ-002), preformatted text; every block isolates its direction (dir="auto", HAZ-004);
// - nothing can take the view down: children are passed as arrays (a `<p>` with 130,000 `<br/>`
//   once overflowed the stack through argument spreading), depth is capped, and large tables
//   draw their rows in batches so input is never blocked for long (HAZ-005, HAZ-006);
// - wide tables scroll inside their own block with the header row kept in view (HAZ-008).
import { createContext, createElement, useContext, useEffect, useState, type ReactNode } from 'react';
import type { SafeNode } from '../../../preload/contract';
import { safeElements } from '../../../preload/contract/safe-markup';
import { withNowrapDates } from './dates';
import { trackRendering } from './progress';

type Element = Extract<SafeNode, { type: 'element' }>;

// Headings inside the GP text sit below the page's own headings (h1 page, h2 record sections).
const headingShift: Readonly<Record<string, string>> = {
  h1: 'h3',
  h2: 'h3',
  h3: 'h4',
  h4: 'h5',
  h5: 'h6',
  h6: 'h6',
};
// The renderer re-checks every element against the contract's allow-list: defence in depth.
const allowed = new Set<string>(safeElements);
// Blocks whose text may be right-to-left: each isolates its own direction.
const isolating = /^(?:h[1-6]|p|li|td|th|caption|pre|div)$/;
const MAX_RENDER_DEPTH = 64;
/** Rows drawn at once before the rest of a table follows in batches. */
export const FIRST_ROWS = 60;
const ROW_BATCH = 400;

const textOfNode = (node: SafeNode): string => {
  if (node.type === 'text') return node.text;
  let out = '';
  for (const child of node.children) out += textOfNode(child);
  return out;
};

function props(node: Element, key: number): Record<string, unknown> {
  const out: Record<string, unknown> = { key };
  const attrs = node.attrs;
  if (attrs?.colspan !== undefined) out['colSpan'] = attrs.colspan;
  if (attrs?.rowspan !== undefined) out['rowSpan'] = attrs.rowspan;
  if (attrs?.scope !== undefined) out['scope'] = attrs.scope;
  if (attrs?.lang !== undefined) out['lang'] = attrs.lang;
  if (isolating.test(node.name)) out['dir'] = 'auto';
  return out;
}

function renderChildren(
  nodes: readonly SafeNode[],
  depth: number,
  hidden?: ReadonlySet<number>,
): ReactNode[] {
  const out: ReactNode[] = [];
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index] as SafeNode;
    if (hidden?.has(index)) continue;
    out.push(render(node, index, depth));
  }
  return out;
}

function render(node: SafeNode, key: number, depth: number): ReactNode {
  if (node.type === 'text') return withNowrapDates(node.text, key);
  // Belt and braces: the contract schema already limits names; a name outside the list is dropped.
  if (!allowed.has(node.name)) return null;
  // Deeper than any real summary: keep the words, lose the structure.
  if (depth > MAX_RENDER_DEPTH) return textOfNode(node);
  const name = headingShift[node.name] ?? node.name;
  if (name === 'br' || name === 'hr' || name === 'col') return createElement(name, props(node, key));
  if (name === 'table') return <ScrollingTable key={key} table={node} depth={depth} />;
  if (name === 'del' || name === 's') {
    // Struck AND announced: a screen reader does not say "strike-through" by default, and a
    // stopped drug must never read as current (HAZ-003).
    return createElement(
      name,
      props(node, key),
      <span className="nhsuk-u-visually-hidden" key="start">
        deleted:{' '}
      </span>,
      renderChildren(node.children, depth + 1),
      <span className="nhsuk-u-visually-hidden" key="end">
        {' '}
        (end of deleted text)
      </span>,
    );
  }
  return createElement(name, props(node, key), renderChildren(node.children, depth + 1));
}

const isElement = (node: SafeNode, name: string): node is Element =>
  node.type === 'element' && node.name === name;

/** Rows of a table section (tbody/thead/tfoot) or of the table itself when rows sit directly in it. */
function rowsOf(nodes: readonly SafeNode[]): Element[] {
  return nodes.filter((node): node is Element => isElement(node, 'tr'));
}

const hasRowSpan = (rows: readonly Element[]): boolean =>
  rows.some((row) => row.children.some((cell) => cell.type === 'element' && (cell.attrs?.rowspan ?? 1) > 1));
const hasColSpan = (rows: readonly Element[]): boolean =>
  rows.some((row) => row.children.some((cell) => cell.type === 'element' && (cell.attrs?.colspan ?? 1) > 1));
const cellsOf = (row: Element): Element[] =>
  row.children.filter((cell): cell is Element => isElement(cell, 'td') || isElement(cell, 'th'));

/**
 * A "Type" column whose every row says the same thing ("Acute Medication") repeats what the
 * section heading says; it is left out (only when no cell spans rows or columns, so no cell moves).
 */
export function repeatedTypeColumn(table: Element): number | null {
  const head = table.children.find((node): node is Element => isElement(node, 'thead'));
  const bodies = table.children.filter((node): node is Element => isElement(node, 'tbody'));
  const bodyRows = bodies.flatMap((body) => rowsOf(body.children));
  const headRow = head ? rowsOf(head.children)[0] : undefined;
  if (!headRow || bodyRows.length < 2 || hasRowSpan(bodyRows) || hasColSpan([headRow, ...bodyRows]))
    return null;
  const headCells = cellsOf(headRow);
  const column = headCells.findIndex((cell) => textOfNode(cell).trim().toLowerCase() === 'type');
  if (column < 0) return null;
  const first = textOfNode(cellsOf(bodyRows[0] as Element)[column] ?? headRow).trim();
  const same = bodyRows.every((row) => {
    const cells = cellsOf(row);
    return cells.length === headCells.length && textOfNode(cells[column] ?? headRow).trim() === first;
  });
  return same ? column : null;
}

/** The child indexes of a row that are cell number `column` (text nodes are not cells). */
function hiddenCellIndexes(row: Element, column: number | null): ReadonlySet<number> | undefined {
  if (column === null) return undefined;
  let cell = -1;
  for (let index = 0; index < row.children.length; index += 1) {
    const child = row.children[index] as SafeNode;
    if (child.type === 'element' && (child.name === 'td' || child.name === 'th')) cell += 1;
    if (cell === column) return new Set([index]);
  }
  return undefined;
}

function renderRow(row: SafeNode, key: number, depth: number, column: number | null): ReactNode {
  if (row.type !== 'element' || row.name !== 'tr') return render(row, key, depth);
  return createElement(
    'tr',
    props(row, key),
    renderChildren(row.children, depth + 1, hiddenCellIndexes(row, column)),
  );
}

/** Print draws everything at once: a page must never be printed before its rows are drawn. */
export const DrawAllAtOnce = createContext(false);

/** Grows from `first` to `total` in steps of `batch`, one step per macrotask, so input is never blocked long. */
function useRevealed(total: number, first: number, batch: number): number {
  const all = useContext(DrawAllAtOnce);
  const [shown, setShown] = useState(all ? total : Math.min(total, first));
  useEffect(() => {
    if (shown >= total) return undefined;
    const done = trackRendering();
    const timer = setTimeout(() => {
      setShown((value) => Math.min(total, value + batch));
      done();
    }, 0);
    return () => {
      clearTimeout(timer);
      done();
    };
  }, [shown, total, batch]);
  return shown;
}

/** Body rows drawn in batches (several <tbody> elements are valid HTML, and print the same). */
function ProgressiveRows({
  rows,
  depth,
  column,
}: {
  readonly rows: readonly SafeNode[];
  readonly depth: number;
  readonly column: number | null;
}) {
  const shown = useRevealed(rows.length, FIRST_ROWS, ROW_BATCH);
  const bodies: ReactNode[] = [];
  for (let start = 0; start < shown; start += ROW_BATCH) {
    const slice: ReactNode[] = [];
    for (let index = start; index < Math.min(shown, start + ROW_BATCH); index += 1)
      slice.push(renderRow(rows[index] as SafeNode, index, depth + 1, column));
    bodies.push(
      <tbody key={start} className="nhsuk-table__body">
        {slice}
      </tbody>,
    );
  }
  return <>{bodies}</>;
}

function ScrollingTable({ table, depth }: { readonly table: Element; readonly depth: number }) {
  const column = repeatedTypeColumn(table);
  const caption = table.children.find((node): node is Element => isElement(node, 'caption'));
  const parts: ReactNode[] = [];
  // Body rows, in order, from every tbody and from rows placed directly in the table.
  const bodyRows: SafeNode[] = [];
  table.children.forEach((child, index) => {
    if (child.type !== 'element') return;
    if (child.name === 'tbody') {
      for (const row of child.children) if (row.type === 'element') bodyRows.push(row);
    } else if (child.name === 'tr') bodyRows.push(child);
    else if (child.name === 'thead' || child.name === 'tfoot')
      parts.push(
        createElement(
          child.name,
          props(child, index),
          child.children.map((row, rowIndex) => renderRow(row, rowIndex, depth + 2, column)),
        ),
      );
    else parts.push(render(child, index, depth + 1));
  });
  // Row spans cannot cross a tbody boundary: such a table is drawn in one go.
  const body = hasRowSpan(rowsOf(bodyRows)) ? (
    <tbody key="body" className="nhsuk-table__body">
      {bodyRows.map((row, index) => renderRow(row, index, depth + 1, column))}
    </tbody>
  ) : (
    <ProgressiveRows key="body" rows={bodyRows} depth={depth} column={column} />
  );
  const footIndex = parts.findIndex((part) => isFoot(part));
  if (footIndex >= 0) parts.splice(footIndex, 0, body);
  else parts.push(body);
  const label = caption ? textOfNode(caption).trim() : '';
  return (
    // Focusable so a keyboard user can scroll it sideways; labelled so it is announced (axe).
    <div
      className="app-table-scroll"
      role="region"
      aria-label={label || 'Table from the GP record'}
      tabIndex={0}
    >
      {createElement('table', { className: 'app-gp-table' }, parts)}
    </div>
  );
}

const isFoot = (part: ReactNode): boolean =>
  typeof part === 'object' && part !== null && 'type' in part && (part as { type: unknown }).type === 'tfoot';

/** Top-level blocks drawn at once before the rest follow in batches. */
const FIRST_BLOCKS = 40;
const BLOCK_BATCH = 200;

export function PresentationText({ nodes }: { readonly nodes: readonly SafeNode[] }) {
  const shown = useRevealed(nodes.length, FIRST_BLOCKS, BLOCK_BATCH);
  const out: ReactNode[] = [];
  for (let index = 0; index < shown; index += 1) out.push(render(nodes[index] as SafeNode, index, 0));
  return <div className="app-presentation">{out}</div>;
}

/** Lines of an oversized document drawn per batch. */
const LINE_BATCH = 2000;

/**
 * An oversized GP text arrives as plain text (main decides, above a stated size): every word is
 * here, for reading, find-in-page and print, drawn in batches of lines so input stays responsive.
 */
export function PlainPresentation({ text }: { readonly text: string }) {
  const [lines] = useState(() => {
    const all = text.split('\n');
    const chunks: string[] = [];
    for (let start = 0; start < all.length; start += LINE_BATCH)
      chunks.push(all.slice(start, start + LINE_BATCH).join('\n'));
    return chunks;
  });
  const shown = useRevealed(lines.length, 1, 1);
  return (
    <div className="app-presentation app-presentation--plain" dir="auto">
      {lines.slice(0, shown).map((chunk, index) => (
        <div key={index} className="app-plain-chunk">
          {chunk}
        </div>
      ))}
    </div>
  );
}

/** The plain text of the tree's headings, to see which sections the GP text already covers. */
export function headingText(nodes: readonly SafeNode[]): string {
  const out: string[] = [];
  // Iterative: the tree may be very wide.
  const stack: { node: SafeNode; inHeading: boolean }[] = [];
  for (let i = nodes.length - 1; i >= 0; i -= 1) stack.push({ node: nodes[i] as SafeNode, inHeading: false });
  while (stack.length > 0) {
    const { node, inHeading } = stack.pop() as { node: SafeNode; inHeading: boolean };
    if (node.type === 'text') {
      if (inHeading) out.push(node.text);
      continue;
    }
    const heading = inHeading || /^h[1-6]$/.test(node.name) || node.name === 'caption' || node.name === 'th';
    for (let i = node.children.length - 1; i >= 0; i -= 1)
      stack.push({ node: node.children[i] as SafeNode, inHeading: heading });
  }
  return out.join(' ').toLowerCase();
}

export { textOfNode };

export const isHeading = (node: SafeNode): boolean => node.type === 'element' && /^h[1-6]$/.test(node.name);

/**
 * Splits the GP's text into its core part (title, allergies, medication) and the rest, which is
 * Additional Information and is shown in its own, visibly separate region. The split is at the
 * first heading after the allergies heading that is not about allergies or medication.
 */
export function splitPresentation(nodes: readonly SafeNode[]): { core: SafeNode[]; additional: SafeNode[] } {
  let list: readonly SafeNode[] = nodes;
  // GP systems wrap the whole text in one <div>; look inside it.
  while (list.length === 1 && list[0]?.type === 'element' && list[0].name === 'div') list = list[0].children;
  const allergies = list.findIndex((node) => isHeading(node) && /allerg/i.test(textOfNode(node)));
  if (allergies < 0) return { core: [...list], additional: [] };
  const split = list.findIndex(
    (node, index) => index > allergies && isHeading(node) && !/allerg|medic/i.test(textOfNode(node)),
  );
  if (split < 0) return { core: [...list], additional: [] };
  return { core: list.slice(0, split), additional: list.slice(split) };
}
