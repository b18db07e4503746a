// PDS responses to Patient objects (spine-hl7v3.md section 6): trace matches (QUPA_IN000007UK01,
// QUPA_IN000011UK02 with 1..n subjects), retrievals (QUPA_IN000009UK03 and the 2008B/2006B
// variants), with restricted-patient and superseded handling (6.3, 5.4).
import { isoDate } from './dates';
import type { Address, Gender, Patient, PatientName, SpineCode, Telecom } from './types';
import { attr, child, descendants, elements, path, textOf, type XmlElement } from './xml';
import { OID } from './wrapper';

const GENDERS: Readonly<Record<string, Gender>> = {
  '0': 'not-known',
  '1': 'male',
  '2': 'female',
  '9': 'not-specified',
};

function texts(parent: XmlElement, local: string): string[] {
  const out: string[] = [];
  for (const element of elements(parent, local)) {
    const value = textOf(element);
    if (value) out.push(value);
  }
  return out;
}

function readName(name: XmlElement): PatientName {
  return {
    use: attr(name, 'use'),
    prefix: texts(name, 'prefix'),
    given: texts(name, 'given'),
    family: textOf(child(name, 'family')),
    suffix: texts(name, 'suffix'),
    validFrom: isoDate(attr(path(name, 'validTime/low'), 'value')),
  };
}

function readAddress(addr: XmlElement): Address {
  return {
    use: attr(addr, 'use'),
    lines: texts(addr, 'streetAddressLine'),
    postcode: textOf(child(addr, 'postalCode')),
    addressKey: textOf(child(addr, 'addressKey')),
    validFrom: isoDate(attr(path(addr, 'useablePeriod/low'), 'value')),
    validTo: isoDate(attr(path(addr, 'useablePeriod/high'), 'value')),
  };
}

function readTelecom(telecom: XmlElement): Telecom | null {
  const raw = attr(telecom, 'value');
  if (!raw) return null;
  const colon = raw.indexOf(':');
  const scheme = colon === -1 ? '' : raw.slice(0, colon).toLowerCase();
  const system: Telecom['system'] =
    scheme === 'tel' ? 'phone' : scheme === 'fax' ? 'fax' : scheme === 'mailto' ? 'email' : 'other';
  return {
    use: attr(telecom, 'use'),
    system,
    value: system === 'other' ? raw : raw.slice(colon + 1),
    validFrom: isoDate(attr(path(telecom, 'useablePeriod/low'), 'value')),
  };
}

/** Children of `parent` named `local`, plus those wrapped in `{wrapper}` / `{wrapper}/{inner}`. */
function collect(parent: XmlElement | null, local: string, wrapper: string, inner?: string): XmlElement[] {
  if (!parent) return [];
  const out = elements(parent, local);
  for (const part of elements(parent, wrapper)) {
    out.push(...elements(inner ? child(part, inner) : part, local));
  }
  return out;
}

function odsOf(provision: XmlElement): string | null {
  for (const id of descendants(provision, 'id')) {
    if (attr(id, 'root') === OID.ods) return attr(id, 'extension');
  }
  return null;
}

/** Care provision code 17.37: 1 primary care (GP), P1 nominated pharmacy (spec 6.2). */
function careProvider(person: XmlElement | null, code: string): string | null {
  for (const subjectOf of elements(child(person, 'playedOtherProviderPatient'), 'subjectOf')) {
    for (const provision of elements(subjectOf)) {
      if (attr(child(provision, 'code'), 'code') === code) return odsOf(provision);
    }
  }
  return null;
}

function hasIssue(issues: readonly SpineCode[], codes: readonly string[]): boolean {
  return issues.some((issue) => codes.includes(issue.code));
}

function readPatient(role: XmlElement, issues: readonly SpineCode[], serial: string | null): Patient {
  const person = child(role, 'patientPerson');
  const ids = elements(role, 'id');
  const nhsId = ids.find((id) => attr(id, 'root') === OID.nhsNumber) ?? ids[0] ?? null;
  const confidentialityCode = attr(child(role, 'confidentialityCode'), 'code');
  // Spine rule (spec 6.3): any confidentialityCode, or detected issue 5 / 9, means restricted.
  const restricted = confidentialityCode !== null || hasIssue(issues, ['5', '9']);
  const names = collect(person, 'name', 'COCT_MT000203UK02.PartOfWhole', 'partPerson').map(readName);
  const name = names.find((n) => n.use === 'L') ?? names[0] ?? null;
  const addresses = [
    ...collect(role, 'addr', 'COCT_MT000201UK02.PartOfWhole'),
    ...collect(person, 'addr', 'COCT_MT000201UK02.PartOfWhole'),
  ].map(readAddress);
  const telecoms = [
    ...collect(role, 'telecom', 'COCT_MT000202UK02.PartOfWhole'),
    ...collect(person, 'telecom', 'COCT_MT000202UK02.PartOfWhole'),
  ]
    .map(readTelecom)
    .filter((t): t is Telecom => t !== null);
  const nhsNumber = attr(nhsId, 'extension');
  // Why: for a restricted patient the location (address, telecom, GP, pharmacy) must never be
  // shown or forwarded (spec 6.3), so it is dropped here rather than trusted to every screen.
  return {
    nhsNumber,
    restricted,
    confidentialityCode,
    supersededBy: hasIssue(issues, ['24']) ? nhsNumber : null,
    name,
    names,
    gender: GENDERS[attr(child(person, 'administrativeGenderCode'), 'code') ?? ''] ?? null,
    birthDate: isoDate(attr(child(person, 'birthTime'), 'value')),
    deathDate: isoDate(attr(child(person, 'deceasedTime'), 'value')),
    addresses: restricted ? [] : addresses,
    telecoms: restricted ? [] : telecoms,
    gpPracticeOds: restricted ? null : careProvider(person, '1'),
    nominatedPharmacyOds: restricted ? null : careProvider(person, 'P1'),
    serialChangeNumber: serial,
  };
}

/** Every `patientRole` under ControlActEvent/subject (PdsTraceMatch, PDSResponse, PdsSuccessfulRetrieval). */
export function readPatients(root: XmlElement, issues: readonly SpineCode[]): Patient[] {
  const out: Patient[] = [];
  for (const subject of elements(child(root, 'ControlActEvent'), 'subject')) {
    for (const container of elements(subject)) {
      const serial = attr(path(container, 'pertinentInformation/pertinentSerialChangeNumber/value'), 'value');
      for (const inner of elements(container, 'subject')) {
        for (const role of elements(inner, 'patientRole')) out.push(readPatient(role, issues, serial));
      }
    }
  }
  return out;
}

/**
 * The address to show: the current home address (use H, not ended, latest start), else the
 * first current address of any use.
 */
export function currentAddress(patient: Patient): Address | null {
  const current = patient.addresses.filter((a) => a.validTo === null);
  const pool = current.length > 0 ? current : patient.addresses;
  const home = pool.filter((a) => a.use === 'H');
  const candidates = home.length > 0 ? home : pool;
  let best: Address | null = null;
  for (const address of candidates) {
    if (!best || (address.validFrom ?? '') > (best.validFrom ?? '')) best = address;
  }
  return best;
}
