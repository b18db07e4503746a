// Role-based access control (product.md sections 4 and 9). The Spine API enforces none, so
// every contract handler checks this table in main; the renderer only hides what is refused.

export const features = [
  'patients.search',
  'patients.searchByPostcode',
  'patients.viewSensitive',
  'scr.view',
  'scr.emergencyAccess',
  'scr.legalAccess',
  'consent.set',
  'gpSummary.upload',
  'audit.view',
  'estate.view',
  'audit.acknowledgeBreak',
] as const;
export type Feature = (typeof features)[number];

export interface RbacSubject {
  readonly jobRoleCode: string;
  readonly activityCodes: readonly string[];
}

type Rule = (has: (code: string) => boolean, roleCode: string) => boolean;
const any =
  (...codes: string[]): Rule =>
  (has) =>
    codes.some(has);

const privacyOfficer: Rule = (has, roleCode) => has('B0011') && /(^|:)R0001$/.test(roleCode);

/** One rule per feature; activity codes as in product.md section 4. */
export const rbacTable: Readonly<Record<Feature, Rule>> = {
  'patients.search': any('B0264'),
  'patients.searchByPostcode': any('B0098'),
  'patients.viewSensitive': any('B1611'),
  'scr.view': any('B0370', 'B0401'),
  'scr.emergencyAccess': any('B0168'),
  'scr.legalAccess': any('B0082'),
  // Recording SCR consent is a GP-system function: B0020 together with B0380, B8028 or B8029.
  'consent.set': (has) => has('B0020') && ['B0380', 'B8028', 'B8029'].some(has),
  'gpSummary.upload': any('B0380', 'B8028', 'B8029'),
  // The SCR Governance Person (R0001, Privacy Officer) or anyone with B0011 may read the audit trail.
  'audit.view': (has, roleCode) => has('B0011') || /(^|:)R0001$/.test(roleCode),
  // The privacy officer only, R0001 AND B0011 (either alone may read this workstation's trail):
  // every workstation's trail at once (issue 16), and accepting an audit chain break so that
  // clinical functions reopen (issue 12).
  'estate.view': privacyOfficer,
  'audit.acknowledgeBreak': privacyOfficer,
};

export function permits(subject: RbacSubject, feature: Feature): boolean {
  const codes = new Set(subject.activityCodes);
  return rbacTable[feature]((code) => codes.has(code), subject.jobRoleCode);
}

export function permittedFeatures(subject: RbacSubject): Feature[] {
  return features.filter((feature) => permits(subject, feature));
}

/** A role "has access" to this client when it can do at least one clinical or governance thing. */
export function roleHasAccess(subject: RbacSubject): boolean {
  return permittedFeatures(subject).length > 0;
}
