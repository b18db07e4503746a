// GP Summary upload REPC_IN150016UK05 (spine-hl7v3.md section 8): built from a typed summary,
// with replacementOf for an update. Parsing of GPSummary documents lives in scr.ts.
import type { MessageContext } from './context';
import { el, type Markup } from './markup';
import { assertNhsNumber, assertUuid, buildInteraction, hl7Date, hl7Timestamp, OID } from './wrapper';

/** A block of the presentation text; rendered as escaped XHTML (never raw markup). */
export type GpSummaryBlock =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
    };

interface EntryBase {
  /** UUID of the entry. */
  readonly id: string;
  /** ISO date the entry is effective from. */
  readonly date: string;
}

export type GpSummaryEntryInput =
  | (EntryBase & {
      readonly kind: 'allergy';
      readonly code: string;
      readonly display: string;
      readonly reaction?: string;
    })
  | (EntryBase & {
      readonly kind: 'acute' | 'repeat' | 'discontinued';
      readonly drugCode: string;
      readonly drugName: string;
      readonly dosage: string;
      readonly quantity?: { readonly value: string; readonly unit: string; readonly text?: string };
    })
  | (EntryBase & {
      readonly kind: 'problem' | 'diagnosis' | 'finding' | 'risk' | 'treatment';
      readonly code: string;
      readonly display: string;
    });

export interface GpSummaryInput {
  /** UUID of this GPSummary document. */
  readonly id: string;
  /** initial → 196971000000103, update → 196981000000101 (spec 8.1). */
  readonly kind: 'initial' | 'update';
  readonly effectiveTime: Date;
  readonly nhsNumber: string;
  /** The GP Summary author: Spine requires role profile, user id and a name (spec 8.1). */
  readonly author: { readonly roleProfileId: string; readonly userId: string; readonly name: string };
  /** UUID of the presentationText act. */
  readonly presentationTextId: string;
  readonly presentation: readonly GpSummaryBlock[];
  readonly entries?: readonly GpSummaryEntryInput[];
  /** Id of the GPSummary this one replaces (an update). */
  readonly replacementOf?: string;
}

const TEMPLATE_ROOT = OID.templateId;
const CARE_PROFESSIONAL_DOCUMENTATION = '163171000000105';
const PRESENTATION_NS = 'xhtml:NPfIT:PresentationText';

interface EntryShape {
  readonly element: string;
  readonly classCode: string;
  readonly moodCode: string;
  readonly category: string;
  readonly categoryName: string;
}

const ENTRY_SHAPES: Readonly<Record<GpSummaryEntryInput['kind'], EntryShape>> = {
  allergy: {
    element: 'UKCT_MT144053UK02.Allergy',
    classCode: 'OBS',
    moodCode: 'EVN',
    category: '163221000000102',
    categoryName: 'Allergies and Adverse Reactions',
  },
  acute: {
    element: 'UKCT_MT144040UK01.AcuteMedication',
    classCode: 'SBADM',
    moodCode: 'RQO',
    category: '185361000000102',
    categoryName: 'Medication',
  },
  repeat: {
    element: 'UKCT_MT144040UK01.CurrentRepeatMedication',
    classCode: 'SBADM',
    moodCode: 'RQO',
    category: '185361000000102',
    categoryName: 'Medication',
  },
  discontinued: {
    element: 'UKCT_MT144040UK01.DiscontinuedRepeatMedication',
    classCode: 'SBADM',
    moodCode: 'RQO',
    category: '185361000000102',
    categoryName: 'Medication',
  },
  problem: {
    element: 'UKCT_MT144038UK02.Problem',
    classCode: 'OBS',
    moodCode: 'EVN',
    category: '162991000000102',
    categoryName: 'Problems and Issues',
  },
  diagnosis: {
    element: 'UKCT_MT144042UK01.Diagnosis',
    classCode: 'CON',
    moodCode: 'EVN',
    category: '163001000000103',
    categoryName: 'Diagnoses',
  },
  finding: {
    element: 'UKCT_MT144043UK02.Finding',
    classCode: 'OBS',
    moodCode: 'EVN',
    category: '163131000000108',
    categoryName: 'Clinical Observations and Findings',
  },
  risk: {
    element: 'UKCT_MT144054UK01.RiskToPatient',
    classCode: 'OBS',
    moodCode: 'EVN',
    category: '163231000000100',
    categoryName: 'Risks to Patient',
  },
  treatment: {
    element: 'UKCT_MT144055UK01.Treatment',
    classCode: 'PROC',
    moodCode: 'EVN',
    category: '163071000000106',
    categoryName: 'Treatments',
  },
};

/** Medication entry codes (spec 8.2). */
const MEDICATION_CODES = {
  acute: { code: '222671000000103', display: 'Acute medication' },
  repeat: { code: '222681000000101', display: 'Repeat medication' },
  discontinued: { code: '222691000000104', display: 'Discontinued repeat medication' },
} as const;

function templateId(extension: string): Markup {
  return el('templateId', { root: TEMPLATE_ROOT, extension });
}

function block(b: GpSummaryBlock): Markup {
  switch (b.kind) {
    case 'heading':
      return el('h2', null, b.text);
    case 'paragraph':
      return el('p', null, b.text);
    case 'table':
      return el(
        'table',
        null,
        b.header.length > 0
          ? el(
              'thead',
              null,
              el(
                'tr',
                null,
                b.header.map((h) => el('th', null, h)),
              ),
            )
          : null,
        el(
          'tbody',
          null,
          b.rows.map((row) =>
            el(
              'tr',
              null,
              row.map((cell) => el('td', null, cell)),
            ),
          ),
        ),
      );
  }
}

function snomed(code: string, display: string): Markup {
  return el('code', { code, codeSystem: OID.snomed, displayName: display });
}

function entryElement(entry: GpSummaryEntryInput): Markup {
  const shape = ENTRY_SHAPES[entry.kind];
  const id = el('id', { root: assertUuid(entry.id, 'entry id') });
  switch (entry.kind) {
    case 'allergy':
      return el(
        shape.element,
        { classCode: shape.classCode, moodCode: shape.moodCode },
        id,
        el(
          'code',
          { code: entry.code, codeSystem: OID.snomed, displayName: entry.display },
          el('originalText', null, entry.display),
        ),
        el('statusCode', { code: 'completed' }),
        el('effectiveTime', null, el('low', { value: hl7Date(entry.date) })),
        entry.reaction
          ? el(
              'pertinentInformation',
              { typeCode: 'PERT', contextConductionInd: 'true' },
              el('seperatableInd', { value: 'false' }),
              el(
                'pertinentSupportingInfo',
                { classCode: 'OBS', moodCode: 'EVN' },
                el('value', null, entry.reaction),
                el('code', {
                  code: 'SupportingText',
                  codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.126',
                  displayName: 'Supporting Text',
                }),
              ),
            )
          : null,
      );
    case 'acute':
    case 'repeat':
    case 'discontinued': {
      const medication = MEDICATION_CODES[entry.kind];
      return el(
        shape.element,
        { classCode: shape.classCode, moodCode: shape.moodCode },
        id,
        snomed(medication.code, medication.display),
        el('statusCode', { code: entry.kind === 'repeat' ? 'active' : 'completed' }),
        entry.kind === 'repeat'
          ? el('effectiveTime', null, el('center', { value: hl7Date(entry.date) }))
          : el('effectiveTime', null, el('low', { value: hl7Date(entry.date) })),
        el(
          'consumable',
          { typeCode: 'CSM' },
          el(
            'manufacturedProduct',
            { classCode: 'MANU' },
            el(
              'manufacturedManufacturedMaterial',
              { classCode: 'MMAT', determinerCode: 'KIND' },
              snomed(entry.drugCode, entry.drugName),
            ),
          ),
        ),
        entry.quantity
          ? el(
              'component',
              { typeCode: 'COMP' },
              el(
                'medicationQuantity',
                { classCode: 'SPLY', moodCode: 'RQO' },
                el(
                  'quantity',
                  {
                    'xsi:type': 'PQ',
                    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                    value: entry.quantity.value,
                    unit: entry.quantity.unit,
                  },
                  entry.quantity.text
                    ? el(
                        'translation',
                        { value: entry.quantity.value },
                        el('originalText', null, entry.quantity.text),
                      )
                    : null,
                ),
              ),
            )
          : null,
        el(
          'pertinentInformation1',
          { typeCode: 'PERT' },
          el(
            'pertinentDosageInstructions',
            { classCode: 'OBS', moodCode: 'EVN' },
            el('code', {
              code: 'DI',
              codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.30',
              displayName: 'Dosage Instructions',
            }),
            el('value', null, entry.dosage),
          ),
        ),
      );
    }
    default:
      return el(
        shape.element,
        { classCode: shape.classCode, moodCode: shape.moodCode },
        id,
        snomed(entry.code, entry.display),
        el('statusCode', { code: 'completed' }),
        el('effectiveTime', null, el('low', { value: hl7Date(entry.date) })),
      );
  }
}

function categories(entries: readonly GpSummaryEntryInput[]): Markup[] {
  const groups = new Map<string, { shape: EntryShape; entries: GpSummaryEntryInput[] }>();
  for (const entry of entries) {
    const shape = ENTRY_SHAPES[entry.kind];
    const group = groups.get(shape.category) ?? { shape, entries: [] };
    group.entries.push(entry);
    groups.set(shape.category, group);
  }
  return [...groups.values()].map(({ shape, entries: members }) =>
    el(
      'pertinentInformation2',
      { typeCode: 'PERT', inversionInd: 'false', contextConductionInd: 'true', negationInd: 'false' },
      templateId('CSAB_RM-NPfITUK10.pertinentInformation1'),
      el('seperatableInd', { value: 'true' }),
      el(
        'pertinentCREType',
        { classCode: 'CATEGORY', moodCode: 'EVN' },
        snomed(shape.category, shape.categoryName),
        members.map((entry) =>
          el(
            'component',
            { typeCode: 'COMP', contextConductionInd: 'true' },
            templateId('CSAB_RM-NPfITUK10.component'),
            el('seperatableInd', { value: 'false' }),
            entryElement(entry),
          ),
        ),
      ),
    ),
  );
}

/**
 * REPC_IN150016UK05 from a typed summary. Spine rules (spec 8.1): one id, code, statusCode,
 * effectiveTime, one NHS number; author with time, role profile + user ids and a name; optional
 * replacementOf naming the summary this one replaces.
 */
export function buildGpSummary(context: MessageContext, input: GpSummaryInput): string {
  if (input.author.name.trim() === '') throw new Error('GP Summary author name is required');
  if (input.author.roleProfileId.trim() === '' || input.author.userId.trim() === '') {
    throw new Error('GP Summary author needs role profile and user ids');
  }
  const time = hl7Timestamp(input.effectiveTime);
  const code =
    input.kind === 'initial'
      ? { code: '196971000000103', display: 'General Practice Initial Summary' }
      : { code: '196981000000101', display: 'General Practice Summary' };
  const gpSummary = el(
    'GPSummary',
    { classCode: 'COMPOSITION', moodCode: 'EVN' },
    el('id', { root: assertUuid(input.id, 'GP Summary id') }),
    snomed(code.code, code.display),
    el('effectiveTime', { value: time }),
    el('statusCode', { code: 'active' }),
    el(
      'author',
      { typeCode: 'AUT', contextControlCode: 'OP' },
      el('time', { value: time }),
      el(
        'UKCT_MT160018UK01.AgentPersonSDS',
        { classCode: 'AGNT' },
        el('id', { root: OID.roleProfile, extension: input.author.roleProfileId }),
        el(
          'agentPersonSDS',
          { classCode: 'PSN', determinerCode: 'INSTANCE' },
          el('id', { root: OID.sdsUser, extension: input.author.userId }),
          el('name', null, input.author.name),
        ),
      ),
    ),
    el(
      'excerptFrom',
      { typeCode: 'XCRPT', inversionInd: 'false', contextConductionInd: 'true', negationInd: 'false' },
      templateId('CSAT_RM-NPfITUK10.excerptFrom'),
      el('seperatableInd', { value: 'false' }),
      el(
        'UKCT_MT144051UK01.CareProfessionalDocumentationCRE',
        { classCode: 'CATEGORY', moodCode: 'EVN' },
        snomed(CARE_PROFESSIONAL_DOCUMENTATION, 'Care Professional Documentation'),
        el(
          'component',
          { typeCode: 'COMP', inversionInd: 'false', negationInd: 'false' },
          templateId('CSAB_RM-NPfITUK10.component'),
          el('seperatableInd', { value: 'false' }),
          el(
            'presentationText',
            { classCode: 'OBS', moodCode: 'EVN' },
            // As in the spec 8.1 samples: text/plain media type around the NPfIT XHTML.
            el(
              'value',
              { mediaType: 'text/plain' },
              el('html', { xmlns: PRESENTATION_NS }, el('body', null, input.presentation.map(block))),
            ),
            el('id', { root: assertUuid(input.presentationTextId, 'presentationTextId') }),
            el('code', {
              code: 'PresentationText',
              codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.126',
              displayName: 'Presentation Text',
            }),
            el('statusCode', { code: 'completed' }),
            el('effectiveTime', { value: time }),
          ),
        ),
      ),
    ),
    el(
      'pertinentInformation1',
      { typeCode: 'PERT', inversionInd: 'false', contextConductionInd: 'true', negationInd: 'false' },
      templateId('CSAB_RM-NPfITUK10.pertinentInformation1'),
      el('seperatableInd', { value: 'true' }),
      el(
        'pertinentRootCREType',
        { classCode: 'CATEGORY', moodCode: 'EVN' },
        snomed(CARE_PROFESSIONAL_DOCUMENTATION, 'Care Professional Documentation'),
      ),
    ),
    categories(input.entries ?? []),
    el(
      'recordTarget',
      { typeCode: 'RCT' },
      el(
        'patient',
        { classCode: 'PAT' },
        el('id', { root: OID.nhsNumber, extension: assertNhsNumber(input.nhsNumber) }),
      ),
    ),
    input.replacementOf
      ? el(
          'replacementOf',
          { typeCode: 'RPLC' },
          el(
            'priorMessageRef',
            { classCode: 'COMPOSITION', moodCode: 'EVN' },
            el('id', { root: assertUuid(input.replacementOf, 'replacementOf') }),
          ),
        )
      : null,
  );
  return buildInteraction(context, {
    interactionId: 'REPC_IN150016UK05',
    versionCode: 'V3NPfIT4.2.00',
    rootAttrs: { ITSVersion: 'XML_1.0' },
    systemAuthorFirst: true,
    payload: el('subject', { typeCode: 'SUBJ', contextConductionInd: 'false' }, gpSummary),
  });
}
