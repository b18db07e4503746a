// Maps PKCS#11 return values (CKR_*) to the contract's card error codes, with messages a
// pharmacist can act on. The CKR name is kept for the log only.
import pkcs11js from 'pkcs11js';
import { CardError, type CardErrorCode } from './card-service';
import type { WireError } from './protocol';

const messages: Record<CardErrorCode, string> = {
  CARD_ABSENT: 'No smartcard is in the reader. Insert or tap your smartcard.',
  CARD_REMOVED: 'The smartcard was removed. Insert it again to continue.',
  PIN_INCORRECT: 'The passcode is not correct. Check it and try again.',
  PIN_LOCKED: 'Your smartcard is locked. Contact your Registration Authority or use self-service unlock.',
  PIN_FORMAT: 'A passcode is 6 to 8 digits.',
  NO_CERTIFICATE: 'This smartcard has no usable NHS certificate. Contact your Registration Authority.',
  CERTIFICATE_EXPIRED:
    'The certificate on this smartcard has expired. Contact your Registration Authority to renew it.',
  CERTIFICATE_NOT_YET_VALID:
    'The certificate on this smartcard is not valid yet. Check the computer clock or contact your Registration Authority.',
  CARD_MODULE_FAILED:
    'The smartcard software stopped working. Remove your card, insert it again, and try once more.',
  CARD_ERROR: 'The smartcard could not be read. Remove it, insert it again, and try once more.',
};

export function cardMessage(code: CardErrorCode): string {
  return messages[code];
}

/** Codes by CKR value; anything unlisted is a generic CARD_ERROR. */
const byCkr = new Map<number, CardErrorCode>([
  [pkcs11js.CKR_PIN_INCORRECT, 'PIN_INCORRECT'],
  [pkcs11js.CKR_PIN_LOCKED, 'PIN_LOCKED'],
  [pkcs11js.CKR_PIN_LEN_RANGE, 'PIN_FORMAT'],
  [pkcs11js.CKR_PIN_INVALID, 'PIN_FORMAT'],
  [pkcs11js.CKR_DEVICE_REMOVED, 'CARD_REMOVED'],
  [pkcs11js.CKR_TOKEN_NOT_PRESENT, 'CARD_REMOVED'],
  [pkcs11js.CKR_SESSION_HANDLE_INVALID, 'CARD_REMOVED'],
  [pkcs11js.CKR_SESSION_CLOSED, 'CARD_REMOVED'],
]);

export interface Pkcs11ErrorLike {
  readonly code: number;
  readonly message: string;
}

export function isPkcs11Error(error: unknown): error is Pkcs11ErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'number' &&
    /^CKR_/.test(error.message)
  );
}

/** A CardError for a thrown value; `triesRemaining` only for PIN_INCORRECT. */
export function toCardError(error: unknown, triesRemaining?: WireError['triesRemaining']): CardError {
  if (error instanceof CardError) return error;
  if (isPkcs11Error(error)) {
    const code = byCkr.get(error.code) ?? 'CARD_ERROR';
    return new CardError(
      code,
      cardMessage(code),
      code === 'PIN_INCORRECT' ? (triesRemaining ?? 'unknown') : undefined,
      error.message,
    );
  }
  return new CardError('CARD_ERROR', cardMessage('CARD_ERROR'));
}

export function cardError(code: CardErrorCode, ckr?: string): CardError {
  return new CardError(code, cardMessage(code), undefined, ckr);
}

export function toWire(error: CardError): WireError {
  return {
    code: error.code,
    message: error.message,
    ...(error.triesRemaining ? { triesRemaining: error.triesRemaining } : {}),
    ...(error.ckr ? { ckr: error.ckr } : {}),
  };
}

export function fromWire(wire: WireError): CardError {
  return new CardError(wire.code, wire.message, wire.triesRemaining, wire.ckr);
}
