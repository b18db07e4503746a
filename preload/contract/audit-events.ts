// Audit event types in words a privacy officer uses (issue 13): "Viewed SCR", "Emergency access",
// "Signed in", "Printed record" — never `scr.access` or `lr.selfClaim` on screen. Also which
// events are technical (Spine plumbing, refused bridge calls): hidden unless asked for. Shared by
// main (which filters technical events in the query, so export and screen agree) and the renderer.

import type { ReviewReason } from './ops/audit';

/** Why an access waits for review, in words: the workstation's and the estate's queues. */
export const reviewReasonNames: Readonly<Record<ReviewReason, string>> = {
  emergency: 'Emergency access',
  legal: 'Legal access',
  restricted: 'Restricted record',
  'out-of-hours': 'Outside opening hours',
};

/** Type prefixes of the technical events a privacy officer does not review by default. */
export const technicalEventPrefixes = ['spine.', 'bridge.', 'app.'] as const;

export const isTechnicalEvent = (type: string): boolean =>
  technicalEventPrefixes.some((prefix) => type.startsWith(prefix));

const names: Readonly<Record<string, string>> = {
  'session.login': 'Signed in',
  'session.roleSelected': 'Chose a role',
  'session.locked': 'Locked the screen',
  'session.unlock': 'Unlocked the screen',
  'session.unlocked': 'Unlocked the screen',
  'session.logout': 'Signed out',
  'session.ended': 'Session ended',
  'session.timeoutWarning': 'Warned of inactivity',
  'session.staySignedIn': 'Chose to stay signed in',
  'session.cardInserted': 'Smartcard inserted',
  'session.cardRemoved': 'Smartcard removed',
  'patient.search': 'Searched for a patient',
  'patient.open': 'Opened a patient',
  'scr.access': 'Access to SCR',
  'scr.access-decision': 'Access to SCR',
  'scr.view': 'Viewed SCR',
  'scr.print': 'Printed record',
  'scr.copy': 'Copied medication list',
  'consent.view': 'Checked consent',
  'consent.set': 'Changed consent',
  'gpSummary.upload': 'Uploaded a GP Summary',
  'lr.selfClaim': 'Claimed a legitimate relationship',
  'access.refused': 'Refused: not allowed in this role',
  'audit.open': 'Opened the audit trail',
  'audit.search': 'Searched the audit trail',
  'audit.export': 'Exported the audit trail',
  'audit.reviewed': 'Reviewed an access',
  'audit.integrity.break': 'Audit trail failed its integrity check',
  'audit.integrity.acknowledged': 'Acknowledged an audit trail break',
  'audit.key.new': 'New export signing key',
  'audit.key.rotated': 'Rotated the export signing key',
  'audit.witness.missing': 'Audit witness started afresh',
  'launch.request': 'Request from another system',
  'config.override': 'Configuration setting ignored',
  'spine.location-refused': 'Reply address from Spine refused',
  'spine.request': 'Message sent to Spine',
  'spine.response': 'Reply from Spine',
  'spine.outbox': 'Message queued for Spine',
  'bridge.refused': 'Refused application request',
  'app.renderer-gone': 'Screen stopped unexpectedly',
};

const accessNames: Readonly<Record<string, string>> = {
  emergency: 'Emergency access',
  legal: 'Legal access',
};

/** The event in words; access decisions are named by their basis ("Emergency access"). */
export function eventName(type: string, accessReason?: string | null): string {
  if (type === 'scr.access' && accessReason) return accessNames[accessReason] ?? 'Access with permission';
  return names[type] ?? type;
}

/** The choices of the audit screen's "Event" list: a type prefix (ending in a dot) or one type. */
export const eventCategories: readonly (readonly [string, string])[] = [
  ['', 'Any event'],
  ['scr.', 'Summary Care Record: access, views and prints'],
  ['patient.', 'Patient searches'],
  ['consent.', 'Consent'],
  ['session.', 'Signing in and out, locking'],
  ['gpSummary.', 'GP Summary uploads'],
  ['lr.', 'Legitimate relationships'],
  ['access.refused', 'Refused: not allowed in this role'],
  ['audit.', 'Audit trail use and reviews'],
];
