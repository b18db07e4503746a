// Retention (issue 16): entries older than the configured period are purged, and the purge leaves
// a signed record, so a later reader can tell "purged under the retention policy" from "missing".
// The record is signed with the estate's own Ed25519 key (the audit signing-key format: a 32-byte
// seed in a 0600 file outside the store), so a store administrator who deletes rows cannot also
// forge the record that would explain them.
import { readOrCreateKeyFile } from '../../native/sqlite';
import {
  bodySignatureValid,
  fingerprintOf,
  signBody,
  signingKeyFromSeed,
  type SigningKey,
} from '../audit/signing-key';
import type { EstateStore, PurgeRecord } from './model';

const FORMAT = 'scr-desktop-estate-purge/1';

/** The estate's purge-signing key from its seed file (created 0600 on first use). */
export function readOrCreateSigningKey(file: string): SigningKey {
  const seed = readOrCreateKeyFile(file);
  try {
    return signingKeyFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

export function signPurge(
  body: { before: string; entries: number; purgedAt: string; by: string },
  key: SigningKey,
): PurgeRecord {
  const unsigned = {
    format: FORMAT,
    ...body,
    publicKey: key.publicSpki.toString('base64'),
    keyFingerprint: key.fingerprint,
  } as const;
  return { ...unsigned, signature: signBody(unsigned, key) };
}

/** True when the record's signature holds for its own key and that key is the one named. */
export function purgeRecordValid(record: PurgeRecord): boolean {
  try {
    const { signature, ...unsigned } = record;
    if (fingerprintOf(Buffer.from(record.publicKey, 'base64')) !== record.keyFingerprint) return false;
    return bodySignatureValid(unsigned, record.publicKey, signature);
  } catch {
    return false;
  }
}

/** The instant before which entries fall outside a retention period of `days`. */
export function retentionCutoff(days: number, now = new Date()): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

export async function purgeOlderThan(
  store: EstateStore,
  before: string,
  by: string,
  key: SigningKey,
  now = new Date(),
): Promise<PurgeRecord> {
  return store.purge(before, (entries) =>
    signPurge({ before: new Date(before).toISOString(), entries, purgedAt: now.toISOString(), by }, key),
  );
}
