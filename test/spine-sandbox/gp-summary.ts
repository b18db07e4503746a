// GP Summaries as real REPC_MT150007UK05 `GPSummary` documents (spine-hl7v3.md 8.1-8.3): the
// XHTML presentation text (namespace xhtml:NPfIT:PresentationText, the element ids GP systems
// use) and the coded CRE entries under pertinentInformation2 per clinical category. Built from a
// pack document; every value escaped.
import { createHash } from 'node:crypto';
import { OID } from './hl7';
import type { Clinical, CodedItem, Medication, PackDocument } from './patients';
import { esc } from './xml';

const TPL = '2.16.840.1.113883.2.1.3.2.4.18.2';
const CAT = {
  documentation: ['163171000000105', 'Care Professional Documentation'],
  allergies: ['163221000000102', 'Allergies and Adverse Reactions'],
  medication: ['185361000000102', 'Medication'],
  diagnoses: ['163001000000103', 'Diagnoses'],
  problems: ['162991000000102', 'Problems and Issues'],
  risks: ['163231000000100', 'Risks to Patient'],
  advice: ['163101000000102', 'Provision of Advice and Information to Patients and Carers'],
} as const;

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYYMMDD[HHMM…]` → `DD-Mmm-YYYY` (CUI date format). */
export function cuiDate(hl7: string): string {
  const m = months[Number(hl7.slice(4, 6)) - 1] ?? '???';
  return `${hl7.slice(6, 8)}-${m}-${hl7.slice(0, 4)}`;
}

/** A stable UUID from a seed, so the same pack always yields the same entry ids. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The large document: the same categories, many times over (for the render benchmark). */
export function expand(clinical: Clinical, factor: number): Clinical {
  const times = <T>(list: readonly T[]): T[] => Array.from({ length: factor }, () => list).flat();
  return {
    allergies: times(clinical.allergies),
    acute: times(clinical.acute),
    repeat: times(clinical.repeat),
    discontinued: times(clinical.discontinued),
    problems: times(clinical.problems),
    diagnoses: times(clinical.diagnoses),
    risks: times(clinical.risks),
    additional: times(clinical.additional),
  };
}

function table(
  id: string,
  header: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const body =
    rows.length === 0
      ? `<tr><td colspan="${columns.length}">No relevant information available for this category.</td></tr>`
      : rows
          .map(
            (r, i) =>
              `<tr${i % 2 === 0 ? ' class="oddRow"' : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
          )
          .join('');
  return (
    `<h2 id="${id}Header">${esc(header)}</h2><table id="${id}"><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>` +
    `<tbody>${body}</tbody></table>`
  );
}

const medRows = (type: string, label: string, meds: readonly Medication[]): string[][] =>
  meds.map((m) => [type, `${label}: ${cuiDate(m.start)}`, m.drug, m.dosage, `${m.quantity} ${m.unit}`]);
const itemRows = (items: readonly CodedItem[]): string[][] =>
  items.map((i) => [cuiDate(i.date), i.display, i.detail ?? '']);

export function presentationHtml(doc: PackDocument, clinical: Clinical): string {
  const medCols = ['Type', 'Date', 'Medication Item', 'Dosage Instructions', 'Quantity'];
  const itemCols = ['Date', 'Description', 'Additional information'];
  return (
    `<html xmlns="xhtml:NPfIT:PresentationText"><body>` +
    `<h2 id="Title">General Practice Summary</h2>` +
    `<h3 id="Disclaimer">Sourced from the patient's General Practice record. This summary may not include all the information pertinent to this patient.</h3>` +
    `<p id="CreateTime">Summary Created: ${esc(cuiDate(doc.created))} ${esc(doc.created.slice(8, 10))}:${esc(doc.created.slice(10, 12))}</p>` +
    `<p id="Author">Created by: ${esc(doc.author.name)}</p>` +
    `<p id="Practice">${esc(doc.practice)}</p>` +
    table(
      'Allergies',
      'Allergies and Adverse Reactions',
      ['Date', 'Description', 'Certainty', 'Severity', 'Supporting Information'],
      clinical.allergies.map((a) => [cuiDate(a.date), a.display, 'Certain', '', a.detail ?? '']),
    ) +
    table(
      'AcuteMeds',
      'Acute Medications',
      medCols,
      medRows('Acute Medication', 'Prescribed', clinical.acute),
    ) +
    table(
      'RepeatMeds',
      'Current Repeat Medications',
      medCols,
      medRows('Repeat Medication', 'Last Issued', clinical.repeat),
    ) +
    table(
      'DiscRepeatMeds',
      'Discontinued Repeat Medications',
      medCols,
      medRows('Discontinued Repeat Medication', 'Discontinued', clinical.discontinued),
    ) +
    table('RisksToPatient', 'Risks to Patient', itemCols, itemRows(clinical.risks)) +
    table('Diagnoses', 'Diagnoses', itemCols, itemRows(clinical.diagnoses)) +
    table('Problems', 'Problems and Issues', itemCols, itemRows(clinical.problems)) +
    (clinical.additional.length > 0
      ? table('Advice', 'Additional Information', itemCols, itemRows(clinical.additional))
      : '') +
    `<p id="SendTime">Summary Sent: ${esc(cuiDate(doc.created))}</p>` +
    `</body></html>`
  );
}

/** The pack's own XHTML fragment when it names one (inside the NPfIT namespace), else the generated text. */
function presentationOf(doc: PackDocument, clinical: Clinical): string {
  const given = doc.presentationXhtml;
  if (given === undefined) return presentationHtml(doc, clinical);
  return /^\s*<html[\s>]/.test(given)
    ? given
    : `<html xmlns="xhtml:NPfIT:PresentationText"><body>${given}</body></html>`;
}

const component = (inner: string): string =>
  `<component typeCode="COMP" contextConductionInd="true"><templateId root="${TPL}" extension="CSAB_RM-NPfITUK10.component"/><seperatableInd value="false"/>${inner}</component>`;

const category = ([code, name]: readonly [string, string], components: readonly string[]): string =>
  components.length === 0
    ? ''
    : `<pertinentInformation2 typeCode="PERT" inversionInd="false" contextConductionInd="true" negationInd="false">` +
      `<templateId root="${TPL}" extension="CSAB_RM-NPfITUK10.pertinentInformation1"/><seperatableInd value="true"/>` +
      `<pertinentCREType classCode="CATEGORY" moodCode="EVN"><code code="${code}" codeSystem="${OID.snomed}" displayName="${esc(name)}"/>` +
      components.join('') +
      `</pertinentCREType></pertinentInformation2>`;

const supporting = (text: string | undefined): string =>
  text
    ? `<pertinentInformation typeCode="PERT" contextConductionInd="true"><seperatableInd value="false"/><pertinentSupportingInfo classCode="OBS" moodCode="EVN">` +
      `<value>${esc(text)}</value><code code="SupportingText" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.126" displayName="Supporting Text"/></pertinentSupportingInfo></pertinentInformation>`
    : '';

const MED_KIND = {
  acute: ['AcuteMedication', '222671000000103', 'Acute medication', 'completed'],
  repeat: ['CurrentRepeatMedication', '222681000000101', 'Repeat medication', 'active'],
  discontinued: [
    'DiscontinuedRepeatMedication',
    '222691000000104',
    'Discontinued repeat medication',
    'completed',
  ],
} as const;

function medication(kind: keyof typeof MED_KIND, m: Medication, seed: string): string {
  const [cls, code, display, status] = MED_KIND[kind];
  const time =
    kind === 'repeat'
      ? `<effectiveTime><center value="${esc(m.start)}"/></effectiveTime>`
      : `<effectiveTime value="${esc(m.start)}"/>`;
  return component(
    `<UKCT_MT144040UK01.${cls} classCode="SBADM" moodCode="RQO"><id root="${stableUuid(seed)}"/>` +
      `<code code="${code}" codeSystem="${OID.snomed}" displayName="${display}"/><statusCode code="${status}"/>${time}` +
      `<pertinentInformation1 typeCode="PERT"><seperatableInd value="false"/><pertinentDosageInstructions classCode="OBS" moodCode="EVN">` +
      `<code code="DI" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.30" displayName="Dosage Instructions"/><value>${esc(m.dosage)}</value></pertinentDosageInstructions></pertinentInformation1>` +
      `<component typeCode="COMP"><seperatableInd value="false"/><medicationQuantity classCode="SPLY" moodCode="RQO">` +
      `<quantity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="PQ" value="${esc(m.quantity)}" unit="1"><translation value="${esc(m.quantity)}"><originalText>${esc(m.unit)}</originalText></translation></quantity>` +
      `</medicationQuantity></component>` +
      `<consumable typeCode="CSM"><manufacturedProduct classCode="MANU"><manufacturedManufacturedMaterial classCode="MMAT" determinerCode="KIND">` +
      `<code code="${esc(m.code)}" codeSystem="${OID.snomed}" displayName="${esc(m.drug)}"/></manufacturedManufacturedMaterial></manufacturedProduct></consumable>` +
      `</UKCT_MT144040UK01.${cls}>`,
  );
}

function coded(cls: string, classCode: string, item: CodedItem, seed: string, status = 'completed'): string {
  return component(
    `<${cls} classCode="${classCode}" moodCode="EVN"><id root="${stableUuid(seed)}"/>` +
      `<code code="${esc(item.code)}" codeSystem="${OID.snomed}" displayName="${esc(item.display)}"><originalText>${esc(item.display)}</originalText></code>` +
      `<statusCode code="${status}"/><effectiveTime><low value="${esc(item.date)}"/></effectiveTime>${supporting(item.detail)}</${cls}>`,
  );
}

/** The GPSummary element (REPC_MT150007UK05) for a pack document. */
export function gpSummaryXml(doc: PackDocument, nhsNumber: string): string {
  const clinical = doc.large ? expand(doc.clinical, 60) : doc.clinical;
  const s = (kind: string, i: number): string => `${doc.id}:${kind}:${i}`;
  const author =
    `<author typeCode="AUT" contextControlCode="OP"><time value="${esc(doc.created)}"/><UKCT_MT160018UK01.AgentPersonSDS classCode="AGNT">` +
    `<id root="1.2.826.0.1285.0.2.0.67" extension="${esc(doc.author.roleProfileId)}"/><agentPersonSDS classCode="PSN" determinerCode="INSTANCE">` +
    `<id root="1.2.826.0.1285.0.2.0.65" extension="${esc(doc.author.userId)}"/><name>${esc(doc.author.name)}</name></agentPersonSDS>` +
    `</UKCT_MT160018UK01.AgentPersonSDS></author>`;
  return (
    `<GPSummary classCode="COMPOSITION" moodCode="EVN"><id root="${esc(doc.id)}"/>` +
    `<code code="196981000000101" codeSystem="${OID.snomed}" displayName="General Practice Summary"/>` +
    `<effectiveTime value="${esc(doc.created)}"/><statusCode code="active"/>${author}` +
    `<excerptFrom typeCode="XCRPT" inversionInd="false" contextConductionInd="true" negationInd="false"><templateId root="${TPL}" extension="CSAB_RM-NPfITUK10.excerptFrom"/><seperatableInd value="false"/>` +
    `<UKCT_MT144051UK01.CareProfessionalDocumentationCRE classCode="CATEGORY" moodCode="EVN"><code code="163171000000105" codeSystem="${OID.snomed}" displayName="Care Professional Documentation"/>` +
    component(
      `<presentationText classCode="OBS" moodCode="EVN"><value mediaType="text/plain">${presentationOf(doc, clinical)}</value>` +
        `<id root="${stableUuid(s('presentation', 0))}"/><code code="PresentationText" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.126" displayName="Presentation Text"/>` +
        `<statusCode code="completed"/><effectiveTime value="${esc(doc.created)}"/></presentationText>`,
    ) +
    `</UKCT_MT144051UK01.CareProfessionalDocumentationCRE></excerptFrom>` +
    `<pertinentInformation1 typeCode="PERT" inversionInd="false" contextConductionInd="true" negationInd="false"><templateId root="${TPL}" extension="CSAB_RM-NPfITUK10.pertinentInformation1"/><seperatableInd value="true"/>` +
    `<pertinentRootCREType classCode="CATEGORY" moodCode="EVN"><code code="163171000000105" codeSystem="${OID.snomed}" displayName="Care Professional Documentation"/></pertinentRootCREType></pertinentInformation1>` +
    category(
      CAT.allergies,
      clinical.allergies.map((a, i) => coded('UKCT_MT144053UK02.Allergy', 'OBS', a, s('allergy', i))),
    ) +
    category(CAT.medication, [
      ...clinical.acute.map((m, i) => medication('acute', m, s('acute', i))),
      ...clinical.repeat.map((m, i) => medication('repeat', m, s('repeat', i))),
      ...clinical.discontinued.map((m, i) => medication('discontinued', m, s('disc', i))),
    ]) +
    category(
      CAT.diagnoses,
      clinical.diagnoses.map((d, i) => coded('UKCT_MT144042UK01.Diagnosis', 'CON', d, s('diagnosis', i))),
    ) +
    category(
      CAT.problems,
      clinical.problems.map((p, i) =>
        coded('UKCT_MT144038UK02.Problem', 'OBS', p, s('problem', i), 'active'),
      ),
    ) +
    category(
      CAT.risks,
      clinical.risks.map((r, i) => coded('UKCT_MT144054UK01.RiskToPatient', 'OBS', r, s('risk', i))),
    ) +
    category(
      CAT.advice,
      clinical.additional.map((a, i) =>
        coded('UKCT_MT144049UK01.ProvisionOfAdviceAndInformation', 'OBS', a, s('advice', i)),
      ),
    ) +
    `<recordTarget typeCode="RCT"><patient classCode="PAT"><id root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/></patient></recordTarget>` +
    (doc.replaces
      ? `<replacementOf typeCode="RPLC"><priorMessageRef classCode="COMPOSITION" moodCode="EVN"><id root="${esc(doc.replaces)}"/></priorMessageRef></replacementOf>`
      : '') +
    `</GPSummary>`
  );
}
