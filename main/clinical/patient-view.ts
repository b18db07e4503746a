// What of a PDS patient may reach the renderer. Restricted (S-flag) patients' location data —
// addresses, contacts, GP — is removed HERE, in main, unless the role holds B1611
// (patients.viewSensitive): the renderer never receives what it must not show (product.md
// section 1.2 "Sensitive (S-flag)"; spine-hl7v3.md section 6.3).
import type { Patient, PatientCandidate, PatientWarning } from '../../preload/contract';
import type { PdsPatient } from './gateway';
import { formatNhsNumber } from './nhs-number';

export function patientWarnings(
  patient: PdsPatient,
  supersededFrom: string | null,
  canViewSensitive: boolean,
) {
  const warnings: PatientWarning[] = [];
  if (supersededFrom && supersededFrom !== patient.nhsNumber) {
    // MSCA-DQ-03: PDS returned the replacement record (code 24); say so, never show the old number as current.
    warnings.push({
      kind: 'superseded',
      message: `NHS number ${formatNhsNumber(supersededFrom)} has been replaced by ${formatNhsNumber(patient.nhsNumber)}. Use the new number from now on.`,
    });
  }
  if (patient.invalid) {
    // MSCA-DQ-04: warn on every access to a record marked invalid.
    warnings.push({
      kind: 'invalid',
      message:
        'PDS marks this record as invalid. Check the patient’s details with them before you rely on it, and report it to your back office.',
    });
  }
  if (patient.merged) {
    warnings.push({
      kind: 'merged',
      message:
        'This NHS number has been merged with another record. Check the patient’s details before you rely on it.',
    });
  }
  if (patient.restricted && !canViewSensitive) {
    warnings.push({
      kind: 'restricted-hidden',
      message:
        // Plain words for the counter (issue 13): no activity codes on screen.
        'This patient’s record is restricted to protect them. Their address, contact details and GP practice are not shown, and may not be given to anyone. Check who the patient is with them, and do not share any details you see.',
    });
  }
  if (patient.directionMarksRemoved) {
    // HAZ-004: a bidi control in a name or address could reorder what the banner shows.
    warnings.push({
      kind: 'direction-marks',
      message: 'Text direction marks were removed from this patient’s details.',
    });
  }
  return warnings;
}

/** `SURNAME, Given Names` for the audit trail; null when PDS gave no name (a restricted record). */
export function auditName(name: PdsPatient['name']): string | null {
  const given = name.given.join(' ');
  if (!name.family) return given || null;
  return given ? `${name.family.toUpperCase()}, ${given}` : name.family.toUpperCase();
}

export function toPatient(
  patient: PdsPatient,
  supersededFrom: string | null,
  canViewSensitive: boolean,
): Patient {
  const hide = patient.restricted && !canViewSensitive;
  return {
    nhsNumber: patient.nhsNumber,
    name: { ...patient.name, given: [...patient.name.given] },
    birthDate: patient.birthDate,
    deathDate: patient.deathDate,
    gender: patient.gender,
    restricted: patient.restricted,
    addresses: hide ? null : patient.addresses.map((address) => ({ ...address, lines: [...address.lines] })),
    contacts: hide ? null : patient.contacts.map((contact) => ({ ...contact })),
    gp: hide ? null : patient.gp ? { ...patient.gp } : null,
    warnings: patientWarnings(patient, supersededFrom, canViewSensitive),
  };
}

export function toCandidate(patient: PdsPatient, canViewSensitive: boolean): PatientCandidate {
  const hide = patient.restricted && !canViewSensitive;
  const home = patient.addresses.find((address) => address.use === 'usual') ?? patient.addresses[0];
  return {
    nhsNumber: patient.nhsNumber,
    name: { ...patient.name, given: [...patient.name.given] },
    birthDate: patient.birthDate,
    deathDate: patient.deathDate,
    gender: patient.gender,
    restricted: patient.restricted,
    postcode: hide ? null : (home?.postcode ?? null),
  };
}
