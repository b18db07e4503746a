// The record as sections, clinical facts first (issue 11, HAZ-010): the GP's text is cut at its
// headings and each part placed by what it is about — allergies, then acute, repeat and
// discontinued medication, then the GP's own heading material (title, disclaimer, who created it),
// then Additional Information. Coded sections fill in what the GP's text lacks. Each section knows
// its item count, for the index ("Allergies (1) · Acute medication (2) · …").
import type { SafeNode, ScrCategory, ScrSection, SummaryCareRecordView } from '../../../preload/contract';
import { headingText, isHeading, textOfNode } from './presentation';

export type SectionPlace = 'core' | 'about' | 'additional';

export interface RecordSection {
  /** Stable id for the jump links, e.g. "scr-allergies". */
  readonly id: string;
  readonly title: string;
  readonly place: SectionPlace;
  readonly category: ScrCategory | null;
  /** Items (table rows or coded entries); null when the section is free text. */
  readonly count: number | null;
  /** The GP's text for this section (heading excluded), or null for a coded section. */
  readonly nodes: readonly SafeNode[] | null;
  /** The coded section, when the GP's text lacks it. */
  readonly coded: ScrSection | null;
}

const coveredBy: Readonly<Record<ScrCategory, RegExp>> = {
  allergies: /allerg/,
  'acute-medication': /acute/,
  'repeat-medication': /(^|[^d]\w*\s)repeat|^repeat/,
  'discontinued-repeat-medication': /discontinued/,
  additional: /$^/,
};

const coreOrder: readonly ScrCategory[] = [
  'allergies',
  'acute-medication',
  'repeat-medication',
  'discontinued-repeat-medication',
];

/** The category a GP heading is about; null when it is Additional Information. */
export function categoryOfHeading(heading: string): ScrCategory | null {
  const text = heading.toLowerCase();
  if (/allerg|adverse reaction/.test(text)) return 'allergies';
  if (/discontinued/.test(text)) return 'discontinued-repeat-medication';
  if (/repeat/.test(text)) return 'repeat-medication';
  if (/acute|medication|medicines/.test(text)) return 'acute-medication';
  return null;
}

/** Table body rows under these nodes (iteratively: the GP text can be very wide). */
export function countRows(nodes: readonly SafeNode[]): number | null {
  let rows = 0;
  let tables = 0;
  const stack: { node: SafeNode; inHead: boolean }[] = nodes.map((node) => ({ node, inHead: false }));
  while (stack.length > 0) {
    const { node, inHead } = stack.pop() as { node: SafeNode; inHead: boolean };
    if (node.type !== 'element') continue;
    if (node.name === 'table') tables += 1;
    if (node.name === 'tr') {
      const header = inHead || node.children.every((cell) => cell.type !== 'element' || cell.name === 'th');
      if (!header) rows += 1;
      continue;
    }
    for (const child of node.children) stack.push({ node: child, inHead: inHead || node.name === 'thead' });
  }
  if (tables > 0) return rows;
  // List items count too (some GP systems send lists).
  let items = 0;
  for (const node of nodes)
    if (node.type === 'element' && (node.name === 'ul' || node.name === 'ol'))
      items += node.children.filter((c) => c.type === 'element').length;
  return items > 0 ? items : null;
}

const slug = (text: string, index: number): string =>
  `scr-${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)}-${index}`;

/** Splits the GP's text into a preamble and runs that each start at a heading. */
function runs(nodes: readonly SafeNode[]): {
  preamble: SafeNode[];
  parts: { heading: SafeNode; body: SafeNode[] }[];
} {
  let list: readonly SafeNode[] = nodes;
  // GP systems wrap the whole text in one <div> (or <body>-like wrapper); look inside it.
  while (list.length === 1 && list[0]?.type === 'element' && list[0].name === 'div') list = list[0].children;
  const preamble: SafeNode[] = [];
  const parts: { heading: SafeNode; body: SafeNode[] }[] = [];
  for (const node of list) {
    if (isHeading(node) && categoryOfHeading(textOfNode(node)) !== null)
      parts.push({ heading: node, body: [] });
    else if (isHeading(node) && parts.length > 0) parts.push({ heading: node, body: [] });
    else if (parts.length === 0) preamble.push(node);
    else (parts[parts.length - 1] as { body: SafeNode[] }).body.push(node);
  }
  return { preamble, parts };
}

export function recordSections(record: SummaryCareRecordView): RecordSection[] {
  const sections: RecordSection[] = [];
  const presentation = record.presentation;
  const covered = presentation ? headingText(presentation) : '';
  const codedCore = record.core.filter(
    (section) => presentation === null || !coveredBy[section.category].test(covered),
  );
  const fromText = presentation ? runs(presentation) : { preamble: [], parts: [] };
  const textSections = fromText.parts.map((part, index) => {
    const title = textOfNode(part.heading).replace(/\s+/g, ' ').trim();
    const category = categoryOfHeading(title);
    return {
      id: slug(title, index),
      title,
      place: category ? ('core' as const) : ('additional' as const),
      category,
      count: countRows(part.body),
      nodes: part.body,
      coded: null,
    };
  });
  for (const category of coreOrder) {
    for (const section of textSections) if (section.category === category) sections.push(section);
    for (const section of codedCore)
      if (section.category === category)
        sections.push({
          id: `scr-${category}`,
          title: section.title,
          place: 'core',
          category,
          count: section.entries.length,
          nodes: null,
          coded: section,
        });
  }
  if (fromText.preamble.length > 0)
    sections.push({
      id: 'scr-about',
      title: 'About this summary',
      place: 'about',
      category: null,
      count: null,
      nodes: fromText.preamble,
      coded: null,
    });
  for (const section of textSections) if (section.place === 'additional') sections.push(section);
  if (presentation === null)
    record.additional.forEach((section, index) =>
      sections.push({
        id: `scr-additional-${index}`,
        title: section.title,
        place: 'additional',
        category: 'additional',
        count: section.entries.length,
        nodes: null,
        coded: section,
      }),
    );
  return sections;
}

/** Allergy names the banner cue shows before "and N more". */
const CUE_NAMES = 4;

/** The allergy cue beside the patient banner: names, or what the document explicitly states. */
export function allergyCue(sections: readonly RecordSection[]): string {
  const names: string[] = [];
  for (const section of sections) {
    if (section.category !== 'allergies') continue;
    if (section.coded) names.push(...section.coded.entries.map((entry) => entry.text));
    else if (section.nodes) names.push(...allergyNamesFromText(section.nodes));
  }
  // Each name once, and only a few: the cue sits in the sticky banner and must stay one line or two.
  const unique = [...new Set(names)];
  if (unique.length > CUE_NAMES)
    return `Allergies: ${unique.slice(0, CUE_NAMES).join(', ')} and ${unique.length - CUE_NAMES} more (see the record)`;
  if (unique.length > 0) return `Allergies: ${unique.join(', ')}`;
  const all = sections
    .filter((section) => section.category === 'allergies' && section.nodes)
    .map((section) => (section.nodes ?? []).map(textOfNode).join(' '))
    .join(' ');
  if (/no known (drug )?allerg/i.test(all)) return 'No known allergies';
  return 'No allergy information recorded';
}

/** The allergy names in a GP allergy table: the column headed Description (or Allergy), row by row. */
function allergyNamesFromText(nodes: readonly SafeNode[]): string[] {
  const names: string[] = [];
  for (const table of nodes) {
    if (table.type !== 'element') continue;
    if (table.name === 'p' || table.name === 'li' || table.name === 'ul' || table.name === 'ol') {
      // Free text: each paragraph or list item is one entry, unless it states there are none.
      const items = table.name === 'ul' || table.name === 'ol' ? table.children : [table];
      for (const item of items.slice(0, 500)) {
        const words = textOfNode(item).replace(/\s+/g, ' ').trim();
        if (words && !/^no (known|allerg)/i.test(words)) names.push(words);
      }
      continue;
    }
    if (table.name !== 'table') continue;
    const rows: SafeNode[] = [];
    for (const part of table.children)
      if (part.type === 'element' && (part.name === 'thead' || part.name === 'tbody'))
        rows.push(...part.children.slice(0, 500));
      else if (part.type === 'element' && part.name === 'tr') rows.push(part);
    const cells = (row: SafeNode) =>
      row.type === 'element'
        ? row.children.filter((c) => c.type === 'element' && (c.name === 'td' || c.name === 'th'))
        : [];
    const head = rows.find((row) => cells(row).every((c) => c.type === 'element' && c.name === 'th'));
    const column = head
      ? cells(head).findIndex((c) => /description|allerg|substance|drug/i.test(textOfNode(c)))
      : -1;
    for (const row of rows) {
      if (row === head) continue;
      const cell = cells(row)[column < 0 ? 0 : column];
      const text = cell ? textOfNode(cell).replace(/\s+/g, ' ').trim() : '';
      if (text && !/^no known/i.test(text)) names.push(text);
    }
  }
  return names;
}
