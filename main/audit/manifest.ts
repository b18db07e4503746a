// The export bundle's manifest: what was exported, by whom, from where, with file digests, signed
// with the workstation's Ed25519 export key (issue 6). Pure apart from node:crypto.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from './entry';

export const MANIFEST_FORMAT = 'scr-desktop-audit-export/1';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

export interface ManifestBody {
  readonly format: typeof MANIFEST_FORMAT;
  readonly entries: number;
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  /** The hash before the first exported entry (its previous hash). */
  readonly previousHash: string | null;
  /** The hash of the last exported entry. */
  readonly chainHead: string | null;
  readonly timeRange: { readonly first: string | null; readonly last: string | null };
  readonly requestedRange: { readonly from: string | null; readonly to: string | null };
  readonly workstation: string;
  readonly exportedBy: {
    readonly userUuid: string;
    readonly displayName: string;
    readonly roleProfileId: string | null;
  } | null;
  readonly createdAt: string;
  readonly files: { readonly 'audit.ndjson': FileDigest; readonly 'audit.csv': FileDigest };
  readonly algorithm: 'Ed25519';
  /** Base64 DER SubjectPublicKeyInfo of the workstation's export key. */
  readonly publicKey: string;
  readonly keyFingerprint: string;
}

export interface Manifest extends ManifestBody {
  /** Base64 Ed25519 signature over the canonical JSON of every other field. */
  readonly signature: string;
}

/** SHA-256 of the DER public key, lower-case hex: what a reviewer passes to `--trust`. */
export function fingerprintOf(publicSpki: Buffer): string {
  return createHash('sha256').update(publicSpki).digest('hex');
}

export function normaliseFingerprint(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
    .replace(/[^0-9a-f]/g, '');
}

export function signManifest(body: ManifestBody, privatePkcs8: Buffer): Manifest {
  const key = createPrivateKey({ key: privatePkcs8, format: 'der', type: 'pkcs8' });
  const signature = sign(null, Buffer.from(canonicalJson(body), 'utf8'), key).toString('base64');
  return { ...body, signature };
}

/** True when the signature is valid for the manifest's own public key. */
export function manifestSignatureValid(manifest: Manifest): boolean {
  try {
    const { signature, ...body } = manifest;
    const key = createPublicKey({
      key: Buffer.from(manifest.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
