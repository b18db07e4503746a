// "Copy medication list" (issue 11, HAZ-001, HAZ-013): the current medication (acute and repeat)
// as plain text for the pharmacy system, headed by the patient's name, date of birth and NHS
// number so a paste into the wrong patient is visible; one line per item: drug, dosage, quantity,
// date. The text is remembered so the clipboard can be cleared on lock and sign-out if it still
// holds it.
import type { Patient, SafeNode } from '../../../preload/contract';
import { formatDate, formatDateTime, formatName, formatNhsNumber } from '../../lib/cui';
import { textOfNode } from './presentation';
import type { RecordSection } from './sections';

const current = (section: RecordSection) =>
  section.category === 'acute-medication' || section.category === 'repeat-medication';

const cellsOf = (row: SafeNode): string[] =>
  row.type === 'element'
    ? row.children
        .filter((cell) => cell.type === 'element' && (cell.name === 'td' || cell.name === 'th'))
        .map((cell) => textOfNode(cell).replace(/\s+/g, ' ').trim())
    : [];

/** Lines from the GP's medication tables: the columns found by their headings. */
function linesFromTables(nodes: readonly SafeNode[]): string[] {
  const lines: string[] = [];
  for (const table of nodes) {
    if (table.type !== 'element' || table.name !== 'table') continue;
    const rows: SafeNode[] = [];
    for (const part of table.children) {
      if (part.type !== 'element') continue;
      if (part.name === 'tr') rows.push(part);
      else if (part.name === 'thead' || part.name === 'tbody')
        for (const row of part.children) rows.push(row);
    }
    const head = rows.find(
      (row) => row.type === 'element' && row.children.some((c) => c.type === 'element' && c.name === 'th'),
    );
    const headings = head ? cellsOf(head).map((h) => h.toLowerCase()) : [];
    const column = (pattern: RegExp) => headings.findIndex((h) => pattern.test(h));
    const at = {
      drug: column(/medication|drug|item/),
      dosage: column(/dos/),
      quantity: column(/quantity/),
      date: column(/date/),
    };
    for (const row of rows) {
      if (row === head) continue;
      const cells = cellsOf(row);
      if (cells.length < 2) continue;
      const pick = (index: number) => (index >= 0 ? (cells[index] ?? '') : '');
      const drug = at.drug >= 0 ? pick(at.drug) : cells.join(' ');
      lines.push([drug, pick(at.dosage), pick(at.quantity), pick(at.date)].filter(Boolean).join(' — '));
    }
  }
  return lines;
}

/** The medication list as copied: identity header, then one line per current medicine. */
export function medicationListText(
  patient: Patient,
  sections: readonly RecordSection[],
  now = new Date(),
): string {
  const header = [
    `${formatName(patient.name)} · Born ${formatDate(patient.birthDate)} · NHS No. ${formatNhsNumber(patient.nhsNumber)}`,
    `Current medication from the Summary Care Record, copied ${formatDateTime(now)}`,
  ];
  const lines: string[] = [];
  for (const section of sections.filter(current)) {
    const items = section.coded
      ? section.coded.entries.map((entry) =>
          [entry.text, ...entry.details, entry.date ? formatDate(entry.date) : '']
            .filter(Boolean)
            .join(' — '),
        )
      : linesFromTables(section.nodes ?? []);
    if (items.length === 0) continue;
    lines.push('', `${section.title}:`, ...items);
  }
  if (lines.length === 0) lines.push('', 'No current medication recorded');
  return [...header, ...lines].join('\n');
}

let held: string | null = null;

/** Puts the text on the clipboard and remembers it. */
export async function copyToClipboard(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
  held = text;
}

/**
 * On lock and sign-out: clears the clipboard if it still holds the copied list. Why clear when the
 * clipboard cannot be read: patient data must not outlive the session for the next user, and an
 * emptied clipboard harms nothing.
 */
export async function clearCopiedMedication(): Promise<void> {
  if (held === null) return;
  const ours = held;
  held = null;
  let still: boolean;
  try {
    still = (await navigator.clipboard.readText()) === ours;
  } catch {
    still = true;
  }
  if (still) await navigator.clipboard.writeText('').catch(() => undefined);
}
