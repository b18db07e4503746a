// What each sign-in failure says to the person at the card reader: a sentence saying what to do
// next (issue 5 "errors that say what to do"). One place, so every screen words it the same.
import type { ContractError, ErrorCode } from '../../preload/contract';
import { AppError } from '../api/app-error';
import { CardError } from '../../native/pkcs11/card-service';
import { IdentityError } from './identity-provider';

export const noRolesMessage =
  'You have no roles that can use this system — contact your Registration Authority.';

const cardMessages: Readonly<Record<CardError['code'], string>> = {
  CARD_ABSENT: 'Insert or tap your smartcard first.',
  CARD_REMOVED: 'Your smartcard was removed while it was being read. Insert it and try again.',
  PIN_INCORRECT: 'The passcode is not right. Check it and try again.',
  PIN_LOCKED:
    'Your smartcard is locked after too many wrong passcodes. Contact your Registration Authority, or use self-service unlock if you have set it up.',
  PIN_FORMAT: 'A passcode is 6 to 8 digits.',
  NO_CERTIFICATE: 'Your smartcard has no usable certificate. Contact your Registration Authority.',
  CERTIFICATE_EXPIRED:
    'The certificate on your smartcard has expired. Contact your Registration Authority to renew your card.',
  CERTIFICATE_NOT_YET_VALID:
    "The certificate on your smartcard is not valid yet. Check this computer's date and time, or contact your Registration Authority.",
  CARD_MODULE_FAILED:
    'The smartcard software stopped working. Remove your card and insert it again; if this keeps happening, contact your IT service desk.',
  CARD_ERROR: 'Your smartcard could not be read. Remove it and insert it again.',
};

const identityMessages: Readonly<Record<IdentityError['code'], string>> = {
  IDENTITY_SERVICE_ERROR:
    'The NHS identity service could not confirm your smartcard. Try again; if this keeps happening, contact your IT service desk.',
  CERTIFICATE_EXPIRED: cardMessages.CERTIFICATE_EXPIRED,
  CERTIFICATE_NOT_YET_VALID: cardMessages.CERTIFICATE_NOT_YET_VALID,
  NO_CERTIFICATE:
    'The NHS identity service does not recognise your smartcard. Contact your Registration Authority.',
  TLS_ERROR:
    'This computer could not make a trusted connection to the NHS identity service. Contact your IT service desk.',
};

/** NHS cards lock after three wrong passcodes (product.md 3a step 2). */
function wrongPin(tries: CardError['triesRemaining']): AppError {
  if (tries === 'final') {
    return new AppError(
      'PIN_INCORRECT',
      'The passcode is not right. You have 1 try left before your smartcard locks.',
      { triesRemaining: 1 },
    );
  }
  if (tries === 'low') {
    return new AppError(
      'PIN_INCORRECT',
      'The passcode is not right. You have 2 tries left before your smartcard locks.',
      { triesRemaining: 2 },
    );
  }
  return new AppError(
    'PIN_INCORRECT',
    'The passcode is not right. Check it and try again — 3 wrong passcodes in a row lock your smartcard.',
    { triesRemaining: 'unknown' },
  );
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof CardError) {
    if (error.code === 'PIN_INCORRECT') return wrongPin(error.triesRemaining);
    return new AppError(error.code, cardMessages[error.code]);
  }
  if (error instanceof IdentityError) return new AppError(error.code, identityMessages[error.code]);
  return new AppError(
    'INTERNAL_ERROR',
    'Sign-in failed because of a problem in the application. Try again; if it keeps happening, contact your IT service desk.',
  );
}

export function appError(code: ErrorCode, message: string, detail?: ContractError['detail']): AppError {
  return new AppError(code, message, detail);
}
