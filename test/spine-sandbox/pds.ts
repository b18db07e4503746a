// PDS (spine-hl7v3.md 6): retrieval QUPA_IN000008UK02 → QUPA_IN000009UK03, simple trace
// QUPA_IN000005UK01 → QUPA_IN000007UK01, advanced trace QUPA_IN000006UK02 → QUPA_IN000011UK02,
// no match → QUQI_IN010000UK14. Restricted patients come back with confidentialityCode and an
// empty patientPerson (6.3); superseded numbers return the new record with warning 24 (5.4).
import { OID, hl7Reply, pdsIssue, queryAck, quqi, reasons, type Issue, type Reply } from './hl7';
import type { PackAddress, PackName, PackPatient, SandboxState } from './patients';
import { attr, child, children, descendants, esc, path, text, type XmlElement } from './xml';

type ReplyBase = Omit<Reply, 'interactionId' | 'ack'>;

const nameXml = (n: PackName, use = 'L'): string =>
  `<name use="${use}">${n.prefix ? `<prefix>${esc(n.prefix)}</prefix>` : ''}${n.given
    .map((g) => `<given>${esc(g)}</given>`)
    .join('')}<family>${esc(n.family)}</family></name>`;

const addrXml = (a: PackAddress, key: number): string =>
  `<addr use="${a.use ?? 'H'}">${a.lines.map((l) => `<streetAddressLine>${esc(l)}</streetAddressLine>`).join('')}` +
  `<postalCode>${esc(a.postcode)}</postalCode><addressKey>${10000000 + key}</addressKey>` +
  (a.from ? `<useablePeriod><low value="${esc(a.from)}"/></useablePeriod>` : '') +
  `<id root="${OID.pdsObject}" extension="a${key}"/></addr>`;

function currentGp(p: PackPatient): PackPatient['gp'][number] | undefined {
  return p.gp.find((g) => !g.to) ?? p.gp[p.gp.length - 1];
}

/** Resolves a number, following supersession (warning 24). */
export function resolve(
  state: SandboxState,
  nhsNumber: string,
): { patient: PackPatient; superseded: boolean } | null {
  const first = state.patient(nhsNumber);
  if (!first || first.unknownToPds) return null;
  if (first.supersededBy) {
    const next = state.patient(first.supersededBy);
    if (next && !next.unknownToPds) return { patient: next, superseded: true };
  }
  return { patient: first, superseded: false };
}

const superseded24 = pdsIssue(
  '24',
  'NHS Number supplied as a parameter has been superseded and superseding NHS Number returned',
  'WG',
);

function retrievalPerson(p: PackPatient, historic: boolean): string {
  const gp = currentGp(p);
  // Spec 6.2: historicDataIndicator 1 "Retrieve all historic information" adds the earlier
  // registrations (with their end dates) after the current one.
  const registrations = gp ? [gp, ...(historic ? p.gp.filter((g) => g !== gp) : [])] : [];
  const event = (g: PackPatient['gp'][number], i: number): string =>
    `<subjectOf typeCode="SBJ"><patientCareProvisionEvent classCode="PCPR" moodCode="EVN">` +
    `<code codeSystem="2.16.840.1.113883.2.1.3.2.4.17.37" code="1"/><effectiveTime><low value="${esc(g.from)}"/>` +
    (g.to ? `<high value="${esc(g.to)}"/>` : '') +
    `</effectiveTime><id root="${OID.pdsObject}" extension="gp${i + 1}"/><performer typeCode="PRF"><assignedEntity classCode="ASSIGNED">` +
    `<id root="${OID.ods}" extension="${esc(g.ods)}"/></assignedEntity></performer></patientCareProvisionEvent></subjectOf>`;
  const gpXml =
    registrations.length > 0
      ? `<playedOtherProviderPatient classCode="PAT">${registrations.map(event).join('')}</playedOtherProviderPatient>`
      : '';
  return (
    `<patientPerson classCode="PSN" determinerCode="INSTANCE">` +
    `<administrativeGenderCode code="${p.gender}"/><birthTime value="${esc(p.birthDate)}"/>` +
    (p.deceasedDate ? `<deceasedTime value="${esc(p.deceasedDate)}"/>` : '') +
    gpXml +
    p.addresses
      .map(
        (a, i) =>
          `<COCT_MT000201UK02.PartOfWhole classCode="PART">${addrXml(a, i)}</COCT_MT000201UK02.PartOfWhole>`,
      )
      .join('') +
    (p.telecom ?? [])
      .map(
        (t, i) =>
          `<COCT_MT000202UK02.PartOfWhole classCode="PART"><telecom use="${esc(t.use)}" value="${esc(t.value)}"><id root="${OID.pdsObject}" extension="t${i}"/></telecom></COCT_MT000202UK02.PartOfWhole>`,
      )
      .join('') +
    `<COCT_MT000203UK02.PartOfWhole classCode="PART"><partPerson classCode="PSN" determinerCode="INSTANCE">${nameXml(p.name)}</partPerson></COCT_MT000203UK02.PartOfWhole>` +
    (p.previousNames ?? [])
      .map(
        (n) =>
          `<COCT_MT000203UK02.PartOfWhole classCode="PART"><partPerson classCode="PSN" determinerCode="INSTANCE">${nameXml(n, 'PREVIOUS-BIRTH')}</partPerson></COCT_MT000203UK02.PartOfWhole>`,
      )
      .join('') +
    `</patientPerson>`
  );
}

const restrictedCode = `<confidentialityCode codeSystem="2.16.840.1.113883.2.1.3.2.4.16.1" code="S"/>`;

/** QUPA_IN000008UK02 → QUPA_IN000009UK03 or QUQI. */
export function retrieval(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const query = path(request, 'ControlActEvent', 'query');
  const nhsNumber = attr(path(query, 'person.id', 'value'), 'extension') ?? '';
  const historic = attr(path(query, 'historicDataIndicator', 'value'), 'code');
  // Spec 6.2: indicator ∈ {0,1}; NHS number present and 10 characters.
  if (historic !== undefined && historic !== '0' && historic !== '1') {
    return quqi(base, [pdsIssue('7', 'Invalid request - INVALID_HISTORIC_DATA_INDICATOR')]);
  }
  if (!/^\d{10}$/.test(nhsNumber)) {
    return quqi(base, [pdsIssue('7', 'Invalid request - INVALID_NHS_NUMBER')]);
  }
  const found = resolve(state, nhsNumber);
  if (!found) return quqi(base, [pdsIssue('1', 'No match to a Service User record')]);
  const { patient: p, superseded } = found;
  const issues: Issue[] = [];
  if (superseded) issues.push(superseded24);
  if (p.restricted) {
    issues.push(
      pdsIssue('9', 'Successful retrieval - Information returned limited by sensitivity conditions', 'WG'),
    );
  }
  const person = p.restricted
    ? `<patientPerson classCode="PSN" determinerCode="INSTANCE"/>`
    : retrievalPerson(p, historic === '1');
  return hl7Reply(
    { ...base, interactionId: 'QUPA_IN000009UK03', ack: 'AA' },
    reasons(issues) +
      `<subject typeCode="SUBJ"><PDSResponse classCode="OBS" moodCode="EVN"><pertinentInformation typeCode="PERT">` +
      `<pertinentSerialChangeNumber classCode="OBS" moodCode="EVN"><code code="2" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.35"/>` +
      `<value value="${p.serialChangeNumber}"/></pertinentSerialChangeNumber></pertinentInformation>` +
      `<subject typeCode="SBJ"><patientRole classCode="PAT">${p.restricted ? restrictedCode : ''}` +
      `<id root="${OID.nhsNumber}" extension="${esc(p.nhsNumber)}"/>${person}</patientRole></subject></PDSResponse></subject>` +
      queryAck('OK'),
  );
}

function traceSubject(p: PackPatient): string {
  const gp = currentGp(p);
  const home = p.addresses[0];
  if (p.restricted) {
    return `<subject typeCode="SUBJ"><patientRole classCode="PAT">${restrictedCode}<id root="${OID.nhsNumber}" extension="${esc(p.nhsNumber)}"/><patientPerson classCode="PSN" determinerCode="INSTANCE"/></patientRole></subject>`;
  }
  return (
    `<subject typeCode="SUBJ"><patientRole classCode="PAT">` +
    (home ? addrXml(home, 0) : '') +
    `<id root="${OID.nhsNumber}" extension="${esc(p.nhsNumber)}"/>` +
    (p.telecom ?? []).map((t) => `<telecom use="${esc(t.use)}" value="${esc(t.value)}"/>`).join('') +
    `<patientPerson classCode="PSN" determinerCode="INSTANCE"><administrativeGenderCode code="${p.gender}"/>` +
    `<birthTime value="${esc(p.birthDate)}"/>` +
    (p.deceasedDate ? `<deceasedTime value="${esc(p.deceasedDate)}"/>` : '') +
    nameXml(p.name) +
    (gp
      ? `<playedOtherProviderPatient classCode="PAT"><subjectOf typeCode="SBJ"><patientCareProvision classCode="PCPR" moodCode="EVN">` +
        `<code code="1" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.37"/><performer typeCode="PRF"><assignedOrganization classCode="ASSIGNED">` +
        `<id root="${OID.ods}" extension="${esc(gp.ods)}"/></assignedOrganization></performer></patientCareProvision></subjectOf></playedOtherProviderPatient>`
      : '') +
    `</patientPerson></patientRole></subject>`
  );
}

export interface TraceCriteria {
  readonly family: string;
  readonly given: readonly string[];
  readonly gender: string;
  /** Exact YYYYMMDD, or a range. */
  readonly birthLow: string;
  readonly birthHigh: string;
  readonly postcode: string | null;
}

function norm(s: string): string {
  return s.toUpperCase().replace(/[^A-Z]/g, '');
}

export function readCriteria(query: XmlElement | undefined): TraceCriteria {
  const nameValue = path(query, 'person.name', 'value');
  const birth = path(query, 'person.birthTime', 'value');
  const exact = attr(birth, 'value') ?? attr(child(birth, 'center'), 'value') ?? '';
  const low = attr(child(birth, 'low'), 'value') ?? exact;
  const high = attr(child(birth, 'high'), 'value') ?? exact;
  const postcode = descendants(path(query, 'person.address'), 'postalCode')[0];
  return {
    family: text(child(nameValue, 'family')),
    given: children(nameValue, 'given').map(text).filter(Boolean),
    gender: attr(path(query, 'person.administrativeGenderCode', 'value'), 'code') ?? '',
    birthLow: low.slice(0, 8),
    birthHigh: high.slice(0, 8),
    postcode: postcode ? text(postcode) : null,
  };
}

/** Patients matching trace criteria (family, gender, date of birth (range), given/postcode if sent). */
export function match(state: SandboxState, c: TraceCriteria): PackPatient[] {
  return state.pack.patients.filter((p) => {
    if (p.unknownToPds || p.supersededBy) return false;
    if (norm(p.name.family) !== norm(c.family)) return false;
    if (c.gender && p.gender !== c.gender) return false;
    if (c.birthLow && p.birthDate < c.birthLow) return false;
    if (c.birthHigh && p.birthDate > c.birthHigh) return false;
    if (c.given.length > 0 && !p.name.given.some((g) => norm(g).startsWith(norm(c.given[0] ?? ''))))
      return false;
    if (c.postcode && !p.addresses.some((a) => norm(a.postcode) === norm(c.postcode ?? ''))) return false;
    return true;
  });
}

/** QUPA_IN000005UK01 → QUPA_IN000007UK01 (exactly one match) or QUQI (none, or several). */
export function simpleTrace(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const c = readCriteria(path(request, 'ControlActEvent', 'query'));
  // Spec 6.1: birth date, family name and gender are mandatory; gender ∈ {0,1,2,9}.
  if (!c.family || !c.birthLow || !['0', '1', '2', '9'].includes(c.gender)) {
    return quqi(base, [pdsIssue('7', 'Invalid request - MISSING_MANDATORY_SEARCH_FIELD')]);
  }
  const found = match(state, c);
  const only = found[0];
  if (found.length !== 1 || !only) {
    // Spec 5.4 (inference): several matches on a simple trace are "no unique match".
    return quqi(base, [
      pdsIssue('1', 'No match to a Service User record'),
      pdsIssue('ST004', found.length > 1 ? 'More than one match - use advanced trace' : 'No match'),
    ]);
  }
  const issue = only.restricted
    ? pdsIssue('5', 'Match - NHS Number and limited data only returned (sensitivity conditions apply)', 'WG')
    : pdsIssue('3', 'Match - NHS Number and standard Service User details returned', 'WG');
  return hl7Reply(
    { ...base, interactionId: 'QUPA_IN000007UK01', ack: 'AA' },
    reasons([issue]) +
      `<subject typeCode="SUBJ"><PdsTraceMatch classCode="OBS" moodCode="EVN">${traceSubject(only)}</PdsTraceMatch></subject>` +
      queryAck('OK'),
  );
}

/** QUPA_IN000006UK02 → QUPA_IN000011UK02 with 1..n subjects, or QUQI (1 + AT006). */
export function advancedTrace(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const query = path(request, 'ControlActEvent', 'query');
  const c = readCriteria(query);
  // Spec 6.4: historicDataIndicator, a name and exactly one searchParameter ∈ {1,2}.
  const searchParameters = children(query, 'searchParameter');
  const sp = attr(child(searchParameters[0], 'value'), 'code');
  if (
    !c.family ||
    searchParameters.length !== 1 ||
    (sp !== '1' && sp !== '2') ||
    !child(query, 'historicDataIndicator')
  ) {
    return quqi(base, [pdsIssue('7', 'Invalid request - MISSING_MANDATORY_SEARCH_FIELD')]);
  }
  const found = match(state, { ...c, given: c.given });
  if (found.length === 0) {
    return quqi(base, [pdsIssue('1', 'No match to a Service User record'), pdsIssue('AT006', 'No match')]);
  }
  return hl7Reply(
    { ...base, interactionId: 'QUPA_IN000011UK02', ack: 'AA' },
    reasons([pdsIssue('3', 'Match - NHS Number and standard Service User details returned', 'WG')]) +
      `<subject typeCode="SUBJ"><PdsTraceMatch classCode="OBS" moodCode="EVN">${found.map(traceSubject).join('')}</PdsTraceMatch></subject>` +
      queryAck('OK'),
  );
}
