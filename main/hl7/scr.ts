// GPSummary documents to SummaryCareRecord (spine-hl7v3.md section 8): header, author,
// replacementOf, the sanitised XHTML presentation text and the coded entries by category.
import { isoDateTime } from './dates';
import { personName } from './documents';
import type { EntryCategory, MedicationDetail, ScrAuthor, ScrEntry, SummaryCareRecord } from './types';
import { attr, child, descendants, elements, find, path, textOf, type XmlElement } from './xml';
import { headingsOf, sanitiseXhtml } from './xhtml';
import { OID } from './wrapper';

export const GP_SUMMARY_CODES = {
  initial: '196971000000103',
  update: '196981000000101',
} as const;

/** pertinentCREType category codes (SNOMED, spec 8.2). */
export const CATEGORY_CODES: Readonly<Record<string, EntryCategory>> = {
  '163171000000105': 'documentation',
  '163221000000102': 'allergy',
  '185361000000102': 'medication',
  '163001000000103': 'diagnosis',
  '162991000000102': 'problem',
  '163131000000108': 'finding',
  '163141000000104': 'investigation',
  '163081000000108': 'investigation',
  '163071000000106': 'treatment',
  '163231000000100': 'risk',
  '163021000000107': 'social',
  '162951000000105': 'care-event',
  '162961000000108': 'preference',
  '163101000000102': 'advice',
  '163181000000107': 'correspondence',
  '163191000000109': 'correspondence',
  '163051000000102': 'family-history',
};

/** Entry class (after the dot) → category, for entries whose CRE code is missing or unknown. */
const CLASS_CATEGORIES: Readonly<Record<string, EntryCategory>> = {
  AcuteMedication: 'medication',
  CurrentRepeatMedication: 'medication',
  DiscontinuedRepeatMedication: 'medication',
  MedicationAdministration: 'medication',
  Allergy: 'allergy',
  AllergyDE: 'allergy',
  Problem: 'problem',
  Diagnosis: 'diagnosis',
  RiskToPatient: 'risk',
  RiskToPerson: 'risk',
  Treatment: 'treatment',
  Finding: 'finding',
  FindingOrganizer: 'finding',
  BloodPressure: 'finding',
  Height: 'finding',
  Weight: 'finding',
  Temperature: 'finding',
  Investigation: 'investigation',
  AlcoholIntake: 'social',
  LifeStyle: 'social',
  Smoking: 'social',
  SocialOrPersonalCircumstance: 'social',
  CareEvent: 'care-event',
  PersonalPreference: 'preference',
  ProvisionOfAdviceAndInformation: 'advice',
  PatientCarerCorrespondence: 'correspondence',
  ThirdPartyCorrespondence: 'correspondence',
  FamilyHistory: 'family-history',
  CareProfessionalDocumentation: 'documentation',
};

const MEDICATION_KINDS: Readonly<Record<string, MedicationDetail['kind']>> = {
  AcuteMedication: 'acute',
  CurrentRepeatMedication: 'repeat',
  DiscontinuedRepeatMedication: 'discontinued',
  MedicationAdministration: 'administration',
};

function effective(element: XmlElement | null): string | null {
  const time = child(element, 'effectiveTime');
  if (!time) return null;
  return isoDateTime(
    attr(time, 'value') ??
      attr(child(time, 'low'), 'value') ??
      attr(child(time, 'center'), 'value') ??
      attr(child(time, 'high'), 'value'),
  );
}

function readAuthor(author: XmlElement | null): ScrAuthor | null {
  if (!author) return null;
  const agent = elements(author).find((e) => e.local !== 'time') ?? null;
  let roleProfileId: string | null = null;
  let userId: string | null = null;
  let organisationId: string | null = null;
  for (const id of descendants(agent, 'id')) {
    const root = attr(id, 'root');
    if (root === OID.roleProfile) roleProfileId = attr(id, 'extension');
    else if (root === OID.sdsUser) userId = attr(id, 'extension');
    else if (root === OID.sdsOrganisation || root === OID.ods || root === '1.2.826.0.1285.0.2.0.109') {
      organisationId = attr(id, 'extension');
    }
  }
  const person = child(agent, 'agentPersonSDS') ?? child(agent, 'agentPerson');
  const organisation =
    child(agent, 'agentOrganizationSDS') ??
    child(agent, 'agentOrganization') ??
    child(agent, 'representedOrganization') ??
    child(agent, 'representedScoperChoice');
  return {
    name: personName(child(person, 'name')),
    roleProfileId,
    userId,
    organisationName: textOf(child(organisation, 'name')),
    organisationId,
    time: isoDateTime(attr(child(author, 'time'), 'value')),
  };
}

function medicationOf(entry: XmlElement, type: string): MedicationDetail | null {
  const kind = MEDICATION_KINDS[type];
  if (!kind) return null;
  const drug = path(entry, 'consumable/manufacturedProduct/manufacturedManufacturedMaterial/code');
  const quantity = path(entry, 'component/medicationQuantity/quantity');
  return {
    kind,
    drugCode: attr(drug, 'code'),
    drugName: attr(drug, 'displayName') ?? textOf(child(drug, 'originalText')),
    dosage: textOf(path(entry, 'pertinentInformation1/pertinentDosageInstructions/value')),
    quantity: quantity
      ? {
          value: attr(quantity, 'value'),
          unit: attr(quantity, 'unit'),
          text: textOf(path(quantity, 'translation/originalText')),
        }
      : null,
  };
}

function readEntry(entry: XmlElement, categoryCode: string | null): ScrEntry {
  const dot = entry.local.lastIndexOf('.');
  const type = dot === -1 ? entry.local : entry.local.slice(dot + 1);
  const category =
    (categoryCode ? CATEGORY_CODES[categoryCode] : undefined) ?? CLASS_CATEGORIES[type] ?? 'other';
  const code = child(entry, 'code');
  const medication = medicationOf(entry, type);
  return {
    category,
    type,
    code: attr(code, 'code'),
    codeSystem: attr(code, 'codeSystem'),
    display: attr(code, 'displayName') ?? medication?.drugName ?? null,
    originalText: textOf(child(code, 'originalText')),
    effectiveTime: effective(entry),
    status: attr(child(entry, 'statusCode'), 'code'),
    text: textOf(path(entry, 'pertinentInformation/pertinentSupportingInfo/value')),
    medication,
  };
}

/** Maps one GPSummary element; null when there is none. */
export function readGpSummary(gp: XmlElement | null): SummaryCareRecord | null {
  if (!gp) return null;
  const code = child(gp, 'code');
  const codeValue = attr(code, 'code');
  const value = child(find(gp, 'presentationText'), 'value');
  const report = { removed: false, directionMarksRemoved: false };
  const presentation = value ? sanitiseXhtml(value.children, report) : [];
  const entries: ScrEntry[] = [];
  for (const info of elements(gp, 'pertinentInformation2')) {
    const cre = child(info, 'pertinentCREType');
    const categoryCode = attr(child(cre, 'code'), 'code');
    for (const component of elements(cre, 'component')) {
      for (const entry of elements(component)) {
        if (entry.local.includes('.')) entries.push(readEntry(entry, categoryCode));
      }
    }
  }
  const byCategory: Partial<Record<EntryCategory, ScrEntry[]>> = {};
  for (const entry of entries) (byCategory[entry.category] ??= []).push(entry);
  return {
    id: attr(child(gp, 'id'), 'root'),
    kind:
      codeValue === GP_SUMMARY_CODES.initial
        ? 'initial'
        : codeValue === GP_SUMMARY_CODES.update
          ? 'update'
          : 'unknown',
    code: codeValue,
    codeDisplay: attr(code, 'displayName'),
    effectiveTime: isoDateTime(attr(child(gp, 'effectiveTime'), 'value')),
    nhsNumber: attr(path(gp, 'recordTarget/patient/id'), 'extension'),
    author: readAuthor(child(gp, 'author')),
    replaces: elements(gp, 'replacementOf')
      .map((r) => attr(path(r, 'priorMessageRef/id'), 'root'))
      .filter((id): id is string => id !== null),
    presentation,
    presentationRemoved: report.removed,
    presentationDirectionMarksRemoved: report.directionMarksRemoved,
    sections: headingsOf(presentation),
    entries,
    entriesByCategory: byCategory,
  };
}
