// The closed set of error codes that may cross the bridge, and the result envelope.
// Every operation resolves to an envelope; nothing throws across the bridge, and no stack
// trace or patient data travels in an error (architecture.md section 4).
import { z } from 'zod';

export const errorCodes = [
  // Smartcard and session
  'CARD_ABSENT',
  'CARD_REMOVED',
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'PIN_FORMAT',
  'NO_CERTIFICATE',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'CARD_MODULE_FAILED',
  'CARD_ERROR',
  'IDENTITY_SERVICE_ERROR',
  'NO_ROLES',
  'NOT_AUTHENTICATED',
  'SESSION_LOCKED',
  'SESSION_EXPIRED',
  'NOT_AUTHORISED',
  // Input
  'INVALID_INPUT',
  'INVALID_NHS_NUMBER',
  'UNKNOWN_OPERATION',
  // Patients and records
  'PATIENT_NOT_FOUND',
  'TOO_MANY_RESULTS',
  'ACCESS_DECISION_REQUIRED',
  'CONSENT_WITHHELD',
  'NO_SCR',
  // Spine
  'SPINE_UNAVAILABLE',
  'SPINE_TIMEOUT',
  'SPINE_REJECTED',
  'SPINE_ERROR',
  'TLS_ERROR',
  'DUPLICATE',
  // Local services
  'AUDIT_UNAVAILABLE',
  'CONFIG_INVALID',
  'INTERNAL_ERROR',
  // The user stopped it (e.g. closed the save dialog); nothing was done.
  'CANCELLED',
] as const;

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractError = z.object({
  code: ErrorCode,
  /** A sentence a pharmacist can act on. Never a stack trace, never patient data. */
  message: z.string(),
  /** Optional structured hints the screen may use (tries remaining, retry after…). */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

export type Envelope<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ContractError };

export function envelopeSchema<T extends z.ZodType>(value: T) {
  return z.union([
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ContractError }),
  ]);
}
