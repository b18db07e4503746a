// The workstation's export signing key (issue 12, finding 3): an Ed25519 key whose 32-byte seed
// lives in the platform key store (safeStorage in Electron, a separate 0600 file in the test host
// and the command-line tool), never in the audit database, so the database key alone cannot sign
// an export or a witness checkpoint. Pure apart from node:crypto.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './entry';

/** The key-store name of the signing seed (`<dataDir>/audit-signing.key` for the key-file store). */
export const SIGNING_KEY_NAME = 'audit-signing';

/** PKCS#8 DER prefix for an Ed25519 private key (RFC 8410): the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
  readonly privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  readonly publicSpki: Buffer;
  /** SHA-256 of publicSpki, lower-case hex: what a reviewer passes to `--trust`. */
  readonly fingerprint: string;
  /** The first 16 hex digits of the fingerprint (as an OpenPGP key id is part of its fingerprint). */
  readonly keyId: string;
}

/** SHA-256 of the DER public key, lower-case hex. */
export function fingerprintOf(publicSpki: Buffer): string {
  return createHash('sha256').update(publicSpki).digest('hex');
}

export function keyIdOf(fingerprint: string): string {
  return fingerprint.slice(0, 16);
}

/** Accepts `sha256:AB:CD…`, upper case, spaces; returns bare lower-case hex. */
export function normaliseFingerprint(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
    .replace(/[^0-9a-f]/g, '');
}

/** The key for a 32-byte seed (the seed buffer is not kept; the caller wipes it). */
export function signingKeyFromSeed(seed: Buffer | Uint8Array): SigningKey {
  if (seed.length !== 32) throw new Error('an Ed25519 signing seed is 32 bytes');
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const publicSpki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const fingerprint = fingerprintOf(publicSpki);
    return { privateKey, publicSpki, fingerprint, keyId: keyIdOf(fingerprint) };
  } finally {
    der.fill(0);
  }
}

/** Base64 Ed25519 signature over the canonical JSON of `body`. */
export function signBody(body: unknown, key: SigningKey): string {
  return sign(null, Buffer.from(canonicalJson(body), 'utf8'), key.privateKey).toString('base64');
}

/** True when `signature` is `publicSpkiBase64`'s signature over the canonical JSON of `body`. */
export function bodySignatureValid(body: unknown, publicSpkiBase64: string, signature: string): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(publicSpkiBase64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
