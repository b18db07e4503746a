// The access decision rules (product.md sections 1.2 and 5; SCR API alert combinations,
// MSCA-SCR-103/104/105): which alert type and reason code each basis raises, and which
// DissentOverride (spine-hl7v3.md section 7.3) the record request carries.
import type { AccessBasis, AccessDecision } from '../../preload/contract';
import type { DissentOverride } from './gateway';

const legalReason = { 'public-interest': 1, statute: 2, 'court-order': 3 } as const;

export function alertFor(basis: AccessBasis): AccessDecision['alert'] {
  switch (basis.kind) {
    // MSCA-SCR-103: alert type 1 "Create LR (Self Claimed)", reason 6 "other (with permission)".
    case 'permission':
      return { type: 1, reasonCode: 6 };
    // MSCA-SCR-104: alert type 2 "Access Alert", reason 5 "Access made in an emergency".
    case 'emergency':
      return { type: 2, reasonCode: 5 };
    // MSCA-SCR-105: alert type 2 "Access Alert", reasons 1–3 (public interest, statute, court order).
    case 'legal':
      return { type: 2, reasonCode: legalReason[basis.ground] };
  }
}

/** The self-claimed LR's reason: 6 with permission, 4 self-claim emergency, 1–3 legal. */
export function selfClaimReason(basis: AccessBasis): string {
  switch (basis.kind) {
    case 'permission':
      return '6';
    case 'emergency':
      return '4';
    case 'legal':
      return String(legalReason[basis.ground]);
  }
}

/** Only legal access overrides a patient's dissent; everything else asks with 0 "No override". */
export function dissentOverrideFor(basis: AccessBasis): DissentOverride {
  return basis.kind === 'legal' ? legalReason[basis.ground] : 0;
}

/**
 * The audit entry's access reason code (AuditEventInput.accessReason, exported as the
 * scr-access-reason coding): `permission-to-view`, `emergency` or `legal` (product.md section 5).
 */
export function accessReasonCode(basis: AccessBasis): 'permission-to-view' | 'emergency' | 'legal' {
  return basis.kind === 'permission' ? 'permission-to-view' : basis.kind;
}

/** The words that go in the audit entry's access reason text (never free-text patient data beyond the user's reason). */
export function accessReasonText(basis: AccessBasis): string {
  switch (basis.kind) {
    case 'permission':
      return {
        'this-visit': 'Permission to view given by the patient for this visit',
        extended: 'Extended permission to view given by the patient',
        proxy: 'Permission to view given by proxy',
      }[basis.mode];
    case 'emergency':
      return `Emergency access: ${basis.reason}`;
    case 'legal':
      return `Legal access (${basis.ground.replace('-', ' ')}): ${basis.reason}`;
  }
}
