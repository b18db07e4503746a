// CKR_* → contract error codes, the allow-list's real-path rule, and certificate validity.
import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { resolveAllowedModule } from '../../../native/pkcs11/allow-list';
import { CardError } from '../../../native/pkcs11/card-service';
import { toCardError } from '../../../native/pkcs11/errors';
import { checkValidity } from '../../../native/pkcs11/facade';
import { ensureTestCa, issueCardCertificate } from '../../smartcard/ca';

function ckr(name: string, code: number): Error {
  return Object.assign(new Error(name), { code, method: 'C_Login' });
}

describe('CKR mapping', () => {
  it.each([
    ['CKR_PIN_INCORRECT', pkcs11js.CKR_PIN_INCORRECT, 'PIN_INCORRECT'],
    ['CKR_PIN_LOCKED', pkcs11js.CKR_PIN_LOCKED, 'PIN_LOCKED'],
    ['CKR_PIN_LEN_RANGE', pkcs11js.CKR_PIN_LEN_RANGE, 'PIN_FORMAT'],
    ['CKR_DEVICE_REMOVED', pkcs11js.CKR_DEVICE_REMOVED, 'CARD_REMOVED'],
    ['CKR_TOKEN_NOT_PRESENT', pkcs11js.CKR_TOKEN_NOT_PRESENT, 'CARD_REMOVED'],
    ['CKR_SESSION_HANDLE_INVALID', pkcs11js.CKR_SESSION_HANDLE_INVALID, 'CARD_REMOVED'],
    ['CKR_GENERAL_ERROR', pkcs11js.CKR_GENERAL_ERROR, 'CARD_ERROR'],
  ])('%s → %s', (name, code, expected) => {
    const error = toCardError(ckr(name, code));
    expect(error).toBeInstanceOf(CardError);
    expect(error.code).toBe(expected);
    expect(error.ckr).toBe(name);
    // The CKR name is for the log; the message is for a pharmacist.
    expect(error.message).not.toMatch(/CKR_/);
  });

  it('carries the tries the token reports with PIN_INCORRECT only', () => {
    expect(toCardError(ckr('CKR_PIN_INCORRECT', pkcs11js.CKR_PIN_INCORRECT), 'final').triesRemaining).toBe(
      'final',
    );
    expect(
      toCardError(ckr('CKR_PIN_LOCKED', pkcs11js.CKR_PIN_LOCKED), 'final').triesRemaining,
    ).toBeUndefined();
  });
});

describe('module allow-list', () => {
  it('allows a symlink to an allowed module and refuses anything whose real path is not listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsp-allow-unit-'));
    try {
      const real = join(dir, 'vendor.so');
      const other = join(dir, 'other.so');
      await writeFile(real, 'x');
      await writeFile(other, 'x');
      await symlink(real, join(dir, 'link.so'));
      expect(resolveAllowedModule([real], join(dir, 'link.so'))).toBe(real);
      expect(resolveAllowedModule([join(dir, 'link.so')], real)).toBe(real);
      expect(() => resolveAllowedModule([real], other)).toThrow(CardError);
      expect(() => resolveAllowedModule([real], join(dir, 'missing.so'))).toThrow(CardError);
      expect(() => resolveAllowedModule([], real)).toThrow(CardError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('certificate validity', () => {
  it('tells expired from not-yet-valid against the clock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsp-ca-unit-'));
    try {
      const ca = await ensureTestCa(dir);
      const keys = await webcrypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          hash: 'SHA-256',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
        },
        true,
        ['sign', 'verify'],
      );
      const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
      const der = await issueCardCertificate(ca, { uuid: '555000000001', publicKeySpki: spki });
      const year = 365 * 24 * 3600_000;
      expect(() => checkValidity(der, Date.now())).not.toThrow();
      const code = (now: number) => {
        try {
          checkValidity(der, now);
          return 'valid';
        } catch (error) {
          return error instanceof CardError ? error.code : 'other';
        }
      };
      expect(code(Date.now() + 3 * year)).toBe('CERTIFICATE_EXPIRED');
      expect(code(Date.now() - year)).toBe('CERTIFICATE_NOT_YET_VALID');
      expect(code(Date.now() + year)).toBe('valid');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
