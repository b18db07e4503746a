// The typed facade over pkcs11js, the only code that calls it. It runs inside a PKCS#11 process
// (process-entry.ts), never in main: pkcs11js calls are synchronous and vendor modules crash and
// deadlock (toolchain.md, PKCS#11).
import { X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { CardToken } from './card-service';
import { cardError, isPkcs11Error, toCardError } from './errors';
import type { LoginResult, MonitorMode } from './protocol';

type Handle = Buffer;

function trimmed(value: string): string {
  return value.replace(/[\s\0]+$/, '');
}

function tokenOf(slot: Handle, info: pkcs11js.TokenInfo): CardToken {
  return {
    slotId: slot.toString('hex'),
    label: trimmed(info.label),
    serial: trimmed(info.serialNumber),
    manufacturer: trimmed(info.manufacturerID),
  };
}

/** Zeroes every byte; used on the PIN copy on every path. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}

export class Pkcs11Facade {
  private readonly lib = new pkcs11js.PKCS11();
  private initialised = false;
  private session: Handle | undefined;
  private key: Handle | undefined;
  private loggedInSerial: string | undefined;
  /** persistent mode: the last slot list and its tokens, so C_GetTokenInfo runs only on change. */
  private lastSlots = '';
  private lastTokens: CardToken[] = [];

  /** `path` must already have passed the allow-list (allow-list.ts). */
  constructor(
    path: string,
    private readonly mode: MonitorMode,
  ) {
    try {
      this.lib.load(path);
    } catch {
      throw cardError('CARD_MODULE_FAILED', 'load');
    }
  }

  private initialise(): void {
    if (this.initialised) return;
    try {
      this.lib.C_Initialize();
    } catch (error) {
      // Another initialiser in this process is fine; anything else means the module failed.
      if (!(isPkcs11Error(error) && error.message === 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) {
        throw cardError('CARD_MODULE_FAILED', isPkcs11Error(error) ? error.message : 'C_Initialize');
      }
    }
    this.initialised = true;
  }

  private finalise(): void {
    if (!this.initialised) return;
    this.session = undefined;
    this.key = undefined;
    this.loggedInSerial = undefined;
    try {
      this.lib.C_Finalize();
    } catch {
      // Finalising a module that already lost its state is not an error worth reporting.
    }
    this.initialised = false;
  }

  /** Tokens present now (initialised tokens only: SoftHSM2 always adds one empty slot). */
  scan(): CardToken[] {
    if (this.mode === 'reinitialise') {
      let tokens = this.scanFresh();
      // Measured: SoftHSM2 skips a token whose files another process is rewriting at that
      // moment (the session process updates token flags on login), so a token missing from one
      // scan may still be in the reader. Confirm an absence four more times before reporting
      // it: a real removal costs ≈ 100 ms more, a false one would lock the user's session.
      for (let attempt = 0; attempt < 4 && this.missing(tokens); attempt += 1) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
        tokens = this.scanFresh();
      }
      this.lastTokens = tokens;
      return tokens;
    }
    this.initialise();
    const slots = this.lib.C_GetSlotList(true);
    const key = slots.map((s) => s.toString('hex')).join(',');
    // toolchain.md: OpenSC 0.23 can deadlock in C_GetTokenInfo during a removal, so call it only
    // when the slot list itself changed.
    if (key !== this.lastSlots) {
      this.lastTokens = this.readTokens(slots);
      this.lastSlots = key;
    }
    return this.lastTokens;
  }

  /** toolchain.md: SoftHSM2 sees token dirs appear/disappear only across C_Initialize. */
  private scanFresh(): CardToken[] {
    this.initialise();
    try {
      return this.readTokens(this.lib.C_GetSlotList(true));
    } finally {
      this.finalise();
    }
  }

  private missing(tokens: readonly CardToken[]): boolean {
    const now = new Set(tokens.map((t) => `${t.serial}\u0000${t.label}`));
    return this.lastTokens.some((t) => !now.has(`${t.serial}\u0000${t.label}`));
  }

  private readTokens(slots: Handle[]): CardToken[] {
    const tokens: CardToken[] = [];
    for (const slot of slots) {
      try {
        const info = this.lib.C_GetTokenInfo(slot);
        if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
        tokens.push(tokenOf(slot, info));
      } catch {
        // A token leaving while we read it is simply not present.
      }
    }
    return tokens;
  }

  private findSlot(serial: string, label: string): Handle {
    const slots = this.lib.C_GetSlotList(true);
    for (const slot of slots) {
      try {
        const info = this.lib.C_GetTokenInfo(slot);
        if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
        if (trimmed(info.serialNumber) === serial && trimmed(info.label) === label) return slot;
      } catch {
        // skip a slot whose token went away
      }
    }
    throw cardError('CARD_ABSENT');
  }

  private triesRemaining(slot: Handle): 'unknown' | 'low' | 'final' {
    try {
      const flags = this.lib.C_GetTokenInfo(slot).flags;
      if (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) return 'final';
      if (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) return 'low';
    } catch {
      // the token may have gone; tries remain unknown
    }
    return 'unknown';
  }

  /**
   * Logs in and finds the certificate whose CKA_ID matches a private key. `pin` is zeroed before
   * this returns or throws. pkcs11js accepts the PIN only as a JS string, which cannot be wiped;
   * it exists for the duration of the C_Login call only and is never stored or logged.
   */
  login(serial: string, label: string, pin: Uint8Array, now: number): LoginResult {
    try {
      if (this.mode === 'reinitialise')
        this.finalise(); // see new tokens (SoftHSM2)
      else this.logoutQuietly();
      this.initialise();
      const slot = this.findSlot(serial, label);
      const info = this.lib.C_GetTokenInfo(slot);
      const token = tokenOf(slot, info);
      if (info.flags & pkcs11js.CKF_USER_PIN_LOCKED) throw cardError('PIN_LOCKED');
      const session = this.lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      this.session = session;
      try {
        this.lib.C_Login(
          session,
          pkcs11js.CKU_USER,
          Buffer.from(pin.buffer, pin.byteOffset, pin.byteLength).toString('latin1'),
        );
      } catch (error) {
        if (isPkcs11Error(error) && error.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
          // a previous login in this process: the PIN was just verified by the token before
        } else if (isPkcs11Error(error) && error.code === pkcs11js.CKR_PIN_INCORRECT) {
          throw toCardError(error, this.triesRemaining(slot));
        } else throw error;
      }
      const found = this.findCertificateAndKey(session);
      if (!found) throw cardError('NO_CERTIFICATE');
      checkValidity(found.certificateDer, now);
      this.key = found.key;
      this.loggedInSerial = serial;
      return { token, certificateDer: new Uint8Array(found.certificateDer) };
    } catch (error) {
      this.logoutQuietly();
      throw toCardError(error);
    } finally {
      wipe(pin);
    }
  }

  private findAll(session: Handle, template: pkcs11js.Template): Handle[] {
    this.lib.C_FindObjectsInit(session, template);
    try {
      return this.lib.C_FindObjects(session, 64);
    } finally {
      this.lib.C_FindObjectsFinal(session);
    }
  }

  private findCertificateAndKey(session: Handle): { key: Handle; certificateDer: Buffer } | undefined {
    const keys = this.findAll(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const keyIds = new Map<string, Handle>();
    for (const key of keys) {
      const [attr] = this.lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_ID }]);
      if (attr?.value instanceof Buffer && attr.value.length > 0) keyIds.set(attr.value.toString('hex'), key);
    }
    const certs = this.findAll(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    ]);
    for (const cert of certs) {
      const [id, value] = this.lib.C_GetAttributeValue(session, cert, [
        { type: pkcs11js.CKA_ID },
        { type: pkcs11js.CKA_VALUE },
      ]);
      if (!(id?.value instanceof Buffer) || !(value?.value instanceof Buffer)) continue;
      const key = keyIds.get(id.value.toString('hex'));
      if (key) return { key, certificateDer: value.value };
    }
    return undefined;
  }

  /** RSA PKCS#1 v1.5 over SHA-256 with the logged-in card's key. */
  sign(data: Uint8Array): Uint8Array {
    const { session, key } = this;
    if (!session || !key) throw cardError('CARD_ABSENT', 'not logged in');
    try {
      this.lib.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
      return new Uint8Array(this.lib.C_Sign(session, Buffer.from(data), Buffer.alloc(1024)));
    } catch (error) {
      throw toCardError(error);
    }
  }

  loggedIn(): string | undefined {
    return this.loggedInSerial;
  }

  logoutQuietly(): void {
    const session = this.session;
    this.session = undefined;
    this.key = undefined;
    this.loggedInSerial = undefined;
    if (!session) return;
    try {
      this.lib.C_Logout(session);
    } catch {
      // not logged in, or the card has gone: nothing to undo
    }
    try {
      this.lib.C_CloseSession(session);
    } catch {
      // already closed by the module (card removed)
    }
  }

  close(): void {
    this.logoutQuietly();
    this.finalise();
    try {
      this.lib.close();
    } catch {
      // unloading a failed module
    }
  }
}

/** Certificate validity against the clock (issue 5: expired / not yet valid are distinct codes). */
export function checkValidity(der: Uint8Array, now: number): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw cardError('NO_CERTIFICATE', 'unparseable certificate');
  }
  if (now < Date.parse(cert.validFrom)) throw cardError('CERTIFICATE_NOT_YET_VALID');
  if (now > Date.parse(cert.validTo)) throw cardError('CERTIFICATE_EXPIRED');
}
