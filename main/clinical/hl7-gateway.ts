// The ClinicalGateway over the real Spine client: main/hl7 builds each request and parses each
// reply; main/spine carries it (and turns Spine's business failures into contract errors, which
// are read back here as outcomes: not found, no SCR, dissent).
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { SpineClient } from '../spine/client';
import type { MessageAuthor, MessageContext } from '../hl7/context';
import { AppError } from '../api/app-error';
import {
  buildGetResourcePermissions,
  buildGpSummary,
  buildLrSelfClaim,
  buildPdsAdvancedTrace,
  buildPdsRetrieval,
  buildPdsSimpleTrace,
  buildPsisDocumentListRequest,
  buildPsisDocumentRequest,
  buildScrEventListQuery,
  buildScrEventQuery,
  buildSetResourcePermissions,
  parseHl7,
  readHl7,
  toConsentState,
  toDocumentList,
} from '../hl7/index';
import type {
  Gender as Hl7Gender,
  GpSummaryBlock,
  GpSummaryEntryInput,
  Patient as Hl7Patient,
  SafeNode as Hl7SafeNode,
  ScrEntry as Hl7ScrEntry,
  SummaryCareRecord,
} from '../hl7/index';
import { buildInteraction } from '../hl7/wrapper';
import { el, Markup } from '../hl7/markup';
import { attr, child, find, parseXml, path, textOf, type XmlElement } from '../hl7/xml';
import { readGpSummary } from '../hl7/scr';
import { namespacesOf, serialize } from '../hl7/serialize';
import type {
  Address,
  ConsentState,
  Contact,
  GpSummaryDraft,
  SafeElementName,
  SafeAttributes,
  SafeNode,
  ScrEntry,
  ScrSection,
  ValidationProblem,
} from '../../preload/contract';
import { MAX_SPAN, safeElements } from '../../preload/contract';
import { textCleaner } from './spine-text';
import type {
  ClinicalGateway,
  GpSummaryRecord,
  PdsPatient,
  RetrievalOutcome,
  ScrOutcome,
  TraceCriteria,
  UploadDocument,
} from './gateway';

export interface Hl7GatewayOptions {
  readonly spine: SpineClient;
  readonly config: AppConfig;
  readonly log: Logger;
  /**
   * Which SCR retrieval pair to use: the Spine-2 synchronous event list / event query
   * (QUPC_IN180000SM04 / QUPC_IN190000UK04, spec 7.4, one round trip each) or the asynchronous
   * PSIS document list / document requests (QUPC_IN160101UK05 / QUPC_IN160103UK05, spec 7.1–7.2).
   */
  readonly scrRetrieval?: 'sync' | 'async';
  readonly now?: () => Date;
}

type DissentCode = '0' | '1' | '2' | '3';

/** One SCR retrieval pair: the document-list interaction and the document interaction after it. */
interface RetrievalPair {
  readonly list: string;
  readonly buildList: (context: MessageContext, nhsNumber: string, dissentOverride: DissentCode) => string;
  readonly document: string;
  readonly buildDocument: (
    context: MessageContext,
    nhsNumber: string,
    documentId: string,
    dissentOverride: DissentCode,
  ) => string;
}

const RETRIEVAL_PAIRS: Readonly<Record<'sync' | 'async', RetrievalPair>> = {
  // Spine-2 synchronous event list / event query (spec 7.4).
  sync: {
    list: 'QUPC_IN180000SM04',
    buildList: (context, nhsNumber, dissentOverride) =>
      buildScrEventListQuery(context, { nhsNumber, dissentOverride }),
    document: 'QUPC_IN190000UK04',
    buildDocument: (context, nhsNumber, eventId, dissentOverride) =>
      buildScrEventQuery(context, { nhsNumber, eventId, dissentOverride }),
  },
  // Asynchronous PSIS document list / document requests (spec 7.1–7.2).
  async: {
    list: 'QUPC_IN160101UK05',
    buildList: (context, nhsNumber, dissentOverride) =>
      buildPsisDocumentListRequest(context, { nhsNumber, dissentOverride }),
    document: 'QUPC_IN160103UK05',
    buildDocument: (context, nhsNumber, documentId, dissentOverride) =>
      buildPsisDocumentRequest(context, { nhsNumber, documentId, dissentOverride }),
  },
};

const addressUse = (use: string | null): Address['use'] =>
  use === 'H' || use === 'HP' || use === null
    ? 'usual'
    : use === 'TMP'
      ? 'temporary'
      : use === 'PST'
        ? 'postal'
        : 'other';

function contactOf(telecom: Hl7Patient['telecoms'][number]): Contact {
  if (telecom.system === 'email') return { kind: 'email', value: telecom.value };
  const kind: Contact['kind'] =
    telecom.use === 'MC' || telecom.use === 'PG'
      ? 'mobile'
      : telecom.use === 'WP'
        ? 'work'
        : telecom.use === 'H' || telecom.use === 'HP' || telecom.use === 'HV'
          ? 'home'
          : 'other';
  return { kind, value: telecom.value };
}

/** The hl7 Patient as the clinical service sees it; nothing is filtered here (patient-view.ts does). */
export function toPdsPatient(patient: Hl7Patient, asked: string): PdsPatient {
  const name = patient.name;
  // Names and addresses are displayed text from Spine: no bidi control may reorder them (HAZ-004).
  const text = textCleaner();
  const pds: Omit<PdsPatient, 'directionMarksRemoved'> = {
    nhsNumber: patient.supersededBy ?? patient.nhsNumber ?? asked,
    name: {
      family: text.cleanOrNull(name?.family ?? null),
      given: (name?.given ?? []).map(text.clean),
      title: text.cleanOrNull(name?.prefix[0] ?? null),
      preferred: null,
    },
    birthDate: patient.birthDate,
    deathDate: patient.deathDate,
    gender: patient.gender ?? 'not-known',
    restricted: patient.restricted,
    addresses: patient.addresses.map((address) => ({
      use: addressUse(address.use),
      lines: address.lines.filter((line) => line.trim() !== '').map(text.clean),
      postcode: text.cleanOrNull(address.postcode),
    })),
    contacts: patient.telecoms
      .map(contactOf)
      .map((contact) => ({ ...contact, value: text.clean(contact.value) })),
    gp: patient.gpPracticeOds ? { odsCode: patient.gpPracticeOds, name: null } : null,
    invalid: false,
    merged: false,
  };
  return { ...pds, directionMarksRemoved: text.removed };
}

const safeNames = new Set<string>(safeElements);

function contractAttrs(attrs: Hl7SafeNode & { kind: 'element' }): SafeAttributes | undefined {
  const out: { -readonly [K in keyof SafeAttributes]: SafeAttributes[K] } = {};
  const span = (value: string | undefined) => {
    const n = value === undefined ? NaN : Number(value);
    return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_SPAN) : undefined;
  };
  const colspan = span(attrs.attrs.colspan);
  const rowspan = span(attrs.attrs.rowspan);
  if (colspan !== undefined && colspan > 1) out.colspan = colspan;
  if (rowspan !== undefined && rowspan > 1) out.rowspan = rowspan;
  const scope = attrs.attrs.scope;
  if (scope === 'row' || scope === 'col' || scope === 'rowgroup' || scope === 'colgroup') out.scope = scope;
  if (attrs.attrs.lang) out.lang = attrs.attrs.lang;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * main/hl7's sanitised tree → the contract's: elements outside the contract list are unwrapped,
 * only table-structure and language attributes kept. No argument spreading: a `<pre>` with
 * 200,000 children must not overflow the stack (HAZ-005); the tree's depth is bounded (≤ 64) by
 * the sanitiser, so the recursion is too.
 */
export function toContractNodes(nodes: readonly Hl7SafeNode[], out: SafeNode[] = []): SafeNode[] {
  for (const node of nodes) {
    if (node.kind === 'text') {
      out.push({ type: 'text', text: node.text });
      continue;
    }
    if (!safeNames.has(node.tag)) {
      toContractNodes(node.children, out);
      continue;
    }
    const attrs = contractAttrs(node);
    const children = toContractNodes(node.children);
    out.push({
      type: 'element',
      name: node.tag as SafeElementName,
      ...(attrs ? { attrs } : {}),
      children,
    });
  }
  return out;
}

/** Elements in a sanitised tree (iterative: a wide tree must not overflow anything). */
export function countElements(nodes: readonly Hl7SafeNode[]): number {
  let count = 0;
  const stack: (readonly Hl7SafeNode[])[] = [nodes];
  while (stack.length > 0) {
    for (const node of stack.pop() ?? []) {
      if (node.kind !== 'element') continue;
      count += 1;
      if (node.children.length > 0) stack.push(node.children);
    }
  }
  return count;
}

/** Elements that end a line in the plain-text form. */
const BLOCK = /^(?:h[1-6]|p|div|li|tr|table|pre|caption|hr|ul|ol)$/;

/**
 * The words of a sanitised tree as plain text, lines for blocks and rows, tabs between cells: the
 * form an oversized document is shown in (every word still on screen, in print and find-in-page).
 */
export function plainTextOf(nodes: readonly Hl7SafeNode[]): string {
  const parts: string[] = [];
  // Iterative walk with explicit close markers, so neither width nor depth can overflow the stack.
  const stack: (Hl7SafeNode | { readonly close: string })[] = [];
  for (let i = nodes.length - 1; i >= 0; i -= 1) stack.push(nodes[i] as Hl7SafeNode);
  while (stack.length > 0) {
    const node = stack.pop() as Hl7SafeNode | { readonly close: string };
    if ('close' in node) {
      if (BLOCK.test(node.close)) parts.push('\n');
      else if (node.close === 'td' || node.close === 'th') parts.push('\t');
      continue;
    }
    if (node.kind === 'text') {
      parts.push(node.text);
      continue;
    }
    if (node.tag === 'br') {
      parts.push('\n');
      continue;
    }
    stack.push({ close: node.tag });
    for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push(node.children[i] as Hl7SafeNode);
  }
  return parts
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const additionalTitles: Readonly<Record<string, string>> = {
  problem: 'Problems and issues',
  diagnosis: 'Diagnoses',
  risk: 'Risks to patient',
  treatment: 'Treatments',
  finding: 'Clinical observations and findings',
  investigation: 'Investigations and results',
  social: 'Social and personal circumstances',
  'care-event': 'Care events',
  preference: 'Personal preferences',
  advice: 'Advice and information given',
  correspondence: 'Correspondence',
  'family-history': 'Family history',
  other: 'Other information',
};

const elsewhere = /prescribed elsewhere|issued elsewhere|recorded elsewhere|elsewhere prescribed/i;

function entryOf(entry: Hl7ScrEntry): ScrEntry {
  // Coded entries are displayed text from Spine: no bidi control may reorder them (HAZ-004).
  const clean = textCleaner();
  const medication = entry.medication;
  const text = clean.clean(
    medication?.drugName ?? entry.display ?? entry.originalText ?? entry.text ?? 'Not known',
  );
  const details: string[] = [];
  if (medication?.dosage) details.push(clean.clean(medication.dosage));
  if (medication?.quantity?.value) {
    const unit = medication.quantity.text ?? medication.quantity.unit;
    details.push(clean.clean(`Quantity ${medication.quantity.value}${unit ? ` ${unit}` : ''}`));
  }
  const supporting = clean.cleanOrNull(entry.text);
  if (!medication && supporting && supporting !== text) details.push(supporting);
  const all = [text, entry.text ?? '', entry.originalText ?? '', entry.status ?? ''].join(' ');
  return {
    text,
    code: medication?.drugCode ?? entry.code,
    date: entry.effectiveTime,
    details,
    prescribedElsewhere: elsewhere.test(all),
    ...(clean.removed ? { directionMarksRemoved: true } : {}),
  };
}

export function toSections(record: SummaryCareRecord): ScrSection[] {
  const allergies: ScrEntry[] = [];
  const acute: ScrEntry[] = [];
  const repeat: ScrEntry[] = [];
  const discontinued: ScrEntry[] = [];
  const additional = new Map<string, ScrEntry[]>();
  for (const entry of record.entries) {
    if (entry.category === 'documentation') continue;
    if (entry.category === 'allergy') allergies.push(entryOf(entry));
    else if (entry.category === 'medication') {
      const kind = entry.medication?.kind ?? (/repeat/i.test(entry.type) ? 'repeat' : 'acute');
      if (kind === 'repeat') repeat.push(entryOf(entry));
      else if (kind === 'discontinued') discontinued.push(entryOf(entry));
      else acute.push(entryOf(entry));
    } else {
      const title = additionalTitles[entry.category] ?? 'Other information';
      const list = additional.get(title) ?? [];
      list.push(entryOf(entry));
      additional.set(title, list);
    }
  }
  return [
    { category: 'allergies', title: 'Allergies and adverse reactions', entries: allergies },
    { category: 'acute-medication', title: 'Acute medication', entries: acute },
    { category: 'repeat-medication', title: 'Repeat medication', entries: repeat },
    {
      category: 'discontinued-repeat-medication',
      title: 'Discontinued repeat medication',
      entries: discontinued,
    },
    ...[...additional.entries()].map(([title, entries]) => ({
      category: 'additional' as const,
      title,
      entries,
    })),
  ];
}

/**
 * Above this many elements the GP's text crosses as plain text (every word, no structure): a
 * 4.8 MB document of 1.2 million elements would otherwise take seconds to move and draw, blocking
 * the clinician's input (HAZ-006). The largest real summary in the pack has far fewer.
 */
export const PLAIN_TEXT_ABOVE_ELEMENTS = 150_000;

export function toRecord(
  record: SummaryCareRecord,
  documentId: string,
  status: GpSummaryRecord['status'] = 'current',
): GpSummaryRecord {
  const author = textCleaner();
  const elements = countElements(record.presentation);
  const plain = elements > PLAIN_TEXT_ABOVE_ELEMENTS;
  return {
    documentId: record.id ?? documentId,
    lastUpdated: record.effectiveTime ?? record.author?.time ?? null,
    author: {
      name: author.cleanOrNull(record.author?.name ?? null),
      organisation: author.cleanOrNull(record.author?.organisationName ?? null),
    },
    authorOdsCode: record.author?.organisationId ?? null,
    recentPracticeChange: false,
    status,
    sections: toSections(record),
    presentation: record.presentation.length > 0 && !plain ? toContractNodes(record.presentation) : null,
    presentationPlain: plain ? plainTextOf(record.presentation) : null,
    notes: {
      formattingRemoved: record.presentationRemoved,
      directionMarksRemoved: record.presentationDirectionMarksRemoved || author.removed,
    },
  };
}

const consentOf = (state: 'yes' | 'no' | 'ask'): ConsentState =>
  state === 'yes' ? 'Yes' : state === 'no' ? 'No' : 'Ask';

const hasCode = (error: unknown, ...codes: string[]): boolean =>
  error instanceof AppError && codes.includes(error.code);

// ---- GP Summary composition and import (spine-hl7v3.md section 8) -----------------------------

const uuid = () => randomUUID().toUpperCase();

const kindTitles: Readonly<Record<GpSummaryDraft['additional'][number]['kind'], string>> = {
  diagnoses: 'Diagnoses',
  problems: 'Problems and issues',
  risks: 'Risks to patient',
  treatments: 'Treatments',
  investigations: 'Investigations',
  'personal-preferences': 'Personal preferences',
  advice: 'Advice and information given',
  'care-events': 'Care events',
  'social-circumstances': 'Social and personal circumstances',
};

/** The presentation text (what clinicians read) and coded entries for those items that carry a code. */
export function composeBlocks(
  draft: GpSummaryDraft,
  today: string,
): { blocks: GpSummaryBlock[]; entries: GpSummaryEntryInput[] } {
  const blocks: GpSummaryBlock[] = [{ kind: 'heading', text: 'General Practice Summary' }];
  const entries: GpSummaryEntryInput[] = [];
  blocks.push({ kind: 'heading', text: 'Allergies and Adverse Reactions' });
  if (draft.noKnownAllergies) blocks.push({ kind: 'paragraph', text: 'No known allergies' });
  else if ((draft.allergies ?? []).length === 0)
    blocks.push({ kind: 'paragraph', text: 'Allergies not recorded' });
  else
    blocks.push({
      kind: 'table',
      header: ['Allergy', 'Reaction', 'Date'],
      rows: (draft.allergies ?? []).map((a) => [a.text, a.reaction ?? '', a.date ?? '']),
    });
  for (const allergy of draft.allergies ?? []) {
    if (allergy.code) {
      entries.push({
        kind: 'allergy',
        id: uuid(),
        date: allergy.date ?? today,
        code: allergy.code,
        display: allergy.text,
        ...(allergy.reaction ? { reaction: allergy.reaction } : {}),
      });
    }
  }
  const medication = (title: string, kind: 'acute' | 'repeat', items: GpSummaryDraft['acuteMedication']) => {
    blocks.push({ kind: 'heading', text: title });
    if (items.length === 0) blocks.push({ kind: 'paragraph', text: 'None recorded' });
    else
      blocks.push({
        kind: 'table',
        header: ['Medication', 'Dosage', 'Quantity', 'Date'],
        rows: items.map((m) => [m.text, m.dosage ?? '', m.quantity ?? '', m.date ?? '']),
      });
    for (const item of items) {
      if (item.code && item.dosage) {
        entries.push({
          kind,
          id: uuid(),
          date: item.date ?? today,
          drugCode: item.code,
          drugName: item.text,
          dosage: item.dosage,
        });
      }
    }
  };
  medication('Acute Medication', 'acute', draft.acuteMedication ?? []);
  medication('Repeat Medication', 'repeat', draft.repeatMedication ?? []);
  const additional = draft.additional ?? [];
  if (additional.length > 0) {
    blocks.push({ kind: 'heading', text: 'Additional Information' });
    for (const item of additional) {
      blocks.push({ kind: 'heading', text: kindTitles[item.kind] });
      blocks.push({ kind: 'paragraph', text: item.text });
    }
  }
  return { blocks, entries };
}

/** The GPSummary element of an imported document (bare, or inside a REPC_IN150016UK05). */
function importedSummary(
  xml: string,
): { element: XmlElement; scope: Record<string, string> } | ValidationProblem {
  let root: XmlElement;
  try {
    // parseXml refuses DOCTYPEs and oversize input before parsing (toolchain.md, XML).
    root = parseXml(xml);
  } catch {
    return {
      field: 'document',
      message:
        'The file is not a readable XML document. Export the GP Summary again from the practice system.',
    };
  }
  const element = root.local === 'GPSummary' ? root : find(root, 'GPSummary');
  if (!element)
    return { field: 'document', message: 'The document holds no GP Summary (GPSummary element).' };
  return { element, scope: element === root ? {} : namespacesOf(root) };
}

/** Spine's GP Summary rules (spine-hl7v3.md section 8.1, REPC_IN1500xxUK05_GPSummary). */
export function checkImported(xml: string, nhsNumber: string): ValidationProblem[] {
  const found = importedSummary(xml);
  if ('field' in found) return [found];
  const gp = found.element;
  const problems: ValidationProblem[] = [];
  const need = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  need(Boolean(attr(child(gp, 'id'), 'root')), 'id', 'The GP Summary has no document id.');
  need(Boolean(attr(child(gp, 'code'), 'code')), 'code', 'The GP Summary has no document type code.');
  need(Boolean(attr(child(gp, 'statusCode'), 'code')), 'statusCode', 'The GP Summary has no status.');
  need(Boolean(attr(child(gp, 'effectiveTime'), 'value')), 'effectiveTime', 'The GP Summary has no date.');
  const target = attr(path(gp, 'recordTarget/patient/id'), 'extension');
  need(Boolean(target), 'recordTarget', 'The GP Summary does not say which patient it is for.');
  need(
    !target || target === nhsNumber,
    'recordTarget',
    'The GP Summary is for a different NHS number from the patient on screen.',
  );
  const author = child(gp, 'author');
  need(Boolean(attr(child(author, 'time'), 'value')), 'author', 'The GP Summary author has no time.');
  const person = find(author, 'agentPersonSDS');
  const org = find(author, 'agentOrganizationSDS');
  if (person) {
    need(Boolean(attr(find(author, 'id'), 'extension')), 'author', 'The author has no role profile id.');
    need(Boolean(textOf(child(person, 'name'))), 'author', 'The author has no name.');
  } else {
    need(Boolean(org), 'author', 'The GP Summary has no SDS author (person or organisation).');
  }
  return problems;
}

// ---- the gateway ---------------------------------------------------------------------------------

export function createHl7Gateway(options: Hl7GatewayOptions): ClinicalGateway {
  const { spine } = options;
  const now = options.now ?? (() => new Date());
  const retrieval = options.scrRetrieval ?? 'sync';

  const request = async (
    interactionId: string,
    author: MessageAuthor,
    nhsNumber: string | undefined,
    build: (context: MessageContext) => string,
  ) => {
    const reply = await spine.request({ interactionId, author, ...(nhsNumber ? { nhsNumber } : {}), build });
    // The transport hands over the tree it already parsed; parse the text only when it did not.
    return reply.document ? readHl7(reply.document) : parseHl7(reply.hl7);
  };

  /**
   * The GP Summary of a document reply. Only the GPSummary element is read (the transport has
   * already checked the reply for business errors): the largest summaries are megabytes, and
   * reading patients, documents and permissions across the whole tree costs a third again.
   */
  const documentOf = async (
    interactionId: string,
    author: MessageAuthor,
    nhsNumber: string,
    build: (context: MessageContext) => string,
  ): Promise<SummaryCareRecord | null> => {
    const reply = await spine.request({ interactionId, author, nhsNumber, build });
    return readGpSummary(find(reply.document ?? parseXml(reply.hl7), 'GPSummary'));
  };

  /**
   * The latest SCR by one retrieval pair (spec 7): list the patient's documents, then fetch the
   * newest. The synchronous and asynchronous pairs take the same two steps and differ only in the
   * interactions and builders, so both go through here.
   */
  const latestBy = async (
    pair: RetrievalPair,
    nhsNumber: string,
    override: string,
    author: MessageAuthor,
  ): Promise<ScrOutcome> => {
    const dissentOverride = override as DissentCode;
    const list = toDocumentList(
      await request(pair.list, author, nhsNumber, (context) =>
        pair.buildList(context, nhsNumber, dissentOverride),
      ),
    );
    if (!list.latest) return { kind: 'none' };
    const latest = list.latest;
    const doc = await documentOf(pair.document, author, nhsNumber, (context) =>
      pair.buildDocument(context, nhsNumber, latest.id, dissentOverride),
    );
    const status =
      latest.status === 'withdrawn' ? 'withdrawn' : latest.status === 'replaced' ? 'replaced' : 'current';
    return doc ? { kind: 'record', record: toRecord(doc, latest.id, status) } : { kind: 'none' };
  };

  return {
    async retrieve(nhsNumber, author): Promise<RetrievalOutcome> {
      try {
        const parsed = await request('QUPA_IN000008UK02', author, nhsNumber, (context) =>
          buildPdsRetrieval(context, { nhsNumber }),
        );
        const [patient] = parsed.patients;
        if (!patient) return { kind: 'not-found' };
        const pds = toPdsPatient(patient, nhsNumber);
        // Spine rule (spec 5.4 code 24): a superseded number returns the replacement record.
        const superseded =
          patient.supersededBy !== null || (patient.nhsNumber !== null && patient.nhsNumber !== nhsNumber);
        return { kind: 'found', patient: pds, supersededFrom: superseded ? nhsNumber : null };
      } catch (error) {
        if (hasCode(error, 'PATIENT_NOT_FOUND')) return { kind: 'not-found' };
        throw error;
      }
    },

    async trace(criteria: TraceCriteria, author) {
      const given = criteria.given ? [criteria.given] : undefined;
      const gender: Hl7Gender | undefined = criteria.gender === 'any' ? undefined : criteria.gender;
      try {
        let patients: readonly Hl7Patient[];
        if (!criteria.advanced && criteria.birth.kind === 'date' && gender) {
          const birthDate = criteria.birth.date;
          const parsed = await request('QUPA_IN000005UK01', author, undefined, (context) =>
            buildPdsSimpleTrace(context, {
              family: criteria.family,
              ...(given ? { given } : {}),
              gender,
              birthDate,
              ...(criteria.postcode ? { postcode: criteria.postcode } : {}),
            }),
          );
          patients = parsed.patients;
        } else {
          const birth = criteria.birth;
          const range =
            birth.kind === 'date'
              ? { birthDate: birth.date }
              : birth.kind === 'range'
                ? { birthDateFrom: birth.from, birthDateTo: birth.to }
                : { birthDateFrom: `${birth.year}-01-01`, birthDateTo: `${birth.year}-12-31` };
          const parsed = await request('QUPA_IN000006UK02', author, undefined, (context) =>
            buildPdsAdvancedTrace(context, {
              family: criteria.family,
              ...(given ? { given } : {}),
              ...(gender ? { gender } : {}),
              ...range,
              ...(criteria.postcode ? { postcode: criteria.postcode } : {}),
              // 17.39 SearchParameter: 1 widens to similar names, 2 is the default match (spec 6.4).
              searchParameter: criteria.similarNames ? '1' : '2',
            }),
          );
          patients = parsed.patients;
          // Multiple-match over the operational limit (spec 5.4 queryResponseCode 2).
          if (parsed.queryResponseCode === '2') return { kind: 'too-many' };
        }
        let mapped = patients.map((patient) => toPdsPatient(patient, patient.nhsNumber ?? ''));
        if (criteria.deathDate)
          mapped = mapped.filter(
            (patient) => patient.deathDate?.startsWith(criteria.deathDate ?? '') ?? false,
          );
        return mapped.length === 0 ? { kind: 'not-found' } : { kind: 'matches', patients: mapped };
      } catch (error) {
        if (hasCode(error, 'PATIENT_NOT_FOUND')) return { kind: 'not-found' };
        if (hasCode(error, 'TOO_MANY_RESULTS')) return { kind: 'too-many' };
        throw error;
      }
    },

    async consent(nhsNumber, author) {
      const parsed = await request('GET_RESOURCE_PERMISSIONS_INUK01', author, nhsNumber, (context) =>
        buildGetResourcePermissions(context, { nhsNumber }),
      );
      // Spec 9.2: the default Ask is omitted from Get responses; absent = Ask.
      return consentOf(toConsentState(parsed).state);
    },

    async setConsent(nhsNumber, state, author) {
      await request('SET_RESOURCE_PERMISSIONS_INUK01', author, nhsNumber, (context) =>
        buildSetResourcePermissions(context, {
          nhsNumber,
          state: state === 'Yes' ? 'yes' : state === 'No' ? 'no' : 'ask',
        }),
      );
    },

    async latestGpSummary(nhsNumber, override, author) {
      try {
        const overrideCode = String(override);
        return await latestBy(RETRIEVAL_PAIRS[retrieval], nhsNumber, overrideCode, author);
      } catch (error) {
        // The transport maps PSIS 210/30312 to NO_SCR and 420/30418, 30402 to CONSENT_WITHHELD (spec 5.3, 12.7).
        if (hasCode(error, 'NO_SCR')) return { kind: 'none' };
        if (hasCode(error, 'CONSENT_WITHHELD')) return { kind: 'withheld' };
        throw error;
      }
    },

    selfClaimRelationship(nhsNumber, reasonCode, author) {
      return spine.enqueue({
        interactionId: 'REPC_IN040000UK15',
        author,
        nhsNumber,
        build: (context) => buildLrSelfClaim(context, { nhsNumber, reasonCode }),
      });
    },

    validateGpSummary(nhsNumber, document: UploadDocument) {
      return document.kind === 'import' ? checkImported(document.xml, nhsNumber) : [];
    },

    uploadGpSummary(nhsNumber, document, author, authorName) {
      const today = now().toISOString().slice(0, 10);
      return spine.enqueue({
        interactionId: 'REPC_IN150016UK05',
        author,
        nhsNumber,
        build: (context) => {
          if (document.kind === 'compose') {
            const { blocks, entries } = composeBlocks(document.draft, today);
            return buildGpSummary(context, {
              id: uuid(),
              kind: 'update',
              effectiveTime: context.creationTime,
              nhsNumber,
              author: { roleProfileId: author.roleProfileId, userId: author.userUuid, name: authorName },
              presentationTextId: uuid(),
              presentation: blocks,
              entries,
            });
          }
          const found = importedSummary(document.xml);
          if ('field' in found) throw new AppError('INVALID_INPUT', found.message);
          // The practice's GPSummary goes in unchanged, re-serialised from the parsed tree (so it
          // is well-formed and nothing outside it can be smuggled into our wrapper).
          return buildInteraction(context, {
            interactionId: 'REPC_IN150016UK05',
            versionCode: 'V3NPfIT4.2.00',
            rootAttrs: { ITSVersion: 'XML_1.0' },
            systemAuthorFirst: true,
            payload: el(
              'subject',
              { typeCode: 'SUBJ', contextConductionInd: 'false' },
              new Markup(serialize(found.element, found.scope)),
            ),
          });
        },
      });
    },

    outbox: () => spine.outbox(),
  };
}
