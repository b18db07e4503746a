// What the rest of the app sees of the smartcard layer: tokens coming and going, login with a
// PIN held in a buffer, and signing with the card's authentication key. The implementation
// runs PKCS#11 in its own process with a watchdog (toolchain.md: vendor modules crash and
// deadlock; SoftHSM2 needs a re-initialising monitor that closes every session in its process).

/** A token in a reader, as PKCS#11 reports it. */
export interface CardToken {
  readonly slotId: string;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
}

export type CardEvent =
  | { readonly type: 'inserted'; readonly token: CardToken }
  | { readonly type: 'removed'; readonly token: CardToken };

export interface CardLogin {
  readonly token: CardToken;
  /** DER of the certificate whose CKA_ID matches the private key (CN = SDS user UUID). */
  readonly certificateDer: Uint8Array;
}

/** Codes match the contract's ErrorCode names so main can pass them through unchanged. */
export type CardErrorCode =
  | 'CARD_ABSENT'
  | 'CARD_REMOVED'
  | 'PIN_INCORRECT'
  | 'PIN_LOCKED'
  | 'PIN_FORMAT'
  | 'NO_CERTIFICATE'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CARD_MODULE_FAILED'
  | 'CARD_ERROR';

export class CardError extends Error {
  override readonly name = 'CardError';
  constructor(
    readonly code: CardErrorCode,
    message: string,
    /** For PIN_INCORRECT: what the token says about remaining tries. */
    readonly triesRemaining?: 'unknown' | 'low' | 'final',
    /** The CKR_* name behind it, for the log (never shown as the message). */
    readonly ckr?: string,
  ) {
    super(message);
  }
}

export interface CardService {
  /** Tokens present now (initialised tokens only; SoftHSM's empty slot is not a card). */
  tokens(): readonly CardToken[];
  onEvent(listener: (event: CardEvent) => void): () => void;
  /** Logs in; the PIN buffer is zeroed before this settles, whatever the outcome. */
  login(token: CardToken, pin: Buffer): Promise<CardLogin>;
  /** Signs with the logged-in card's private key (RSA PKCS#1 v1.5 over SHA-256). */
  sign(data: Uint8Array): Promise<Uint8Array>;
  logout(): Promise<void>;
  close(): Promise<void>;
}
