// The export bundle's manifest: what was exported (by SEQUENCE range, never by clock order), by
// whom, from where, with file digests and the link to the previous full bundle, signed with the
// workstation's Ed25519 export key (issues 6 and 12). Pure apart from node:crypto.
//
// Format `scr-desktop-audit-export/2` (issue 12):
//  - kind `full`: every entry from firstSequence to lastSequence is a line of audit.ndjson.
//    `previousBundle` is the last sequence and chain head of the full bundle this workstation
//    exported before (null for its first), so a series of bundles proves continuity.
//  - kind `filtered`: only entries matching `filter` are lines; every run of left-out entries is
//    one line of omitted.ndjson (`{"from":a,"to":b,"hash":h}`, h = the hash of entry b), so the
//    chain from previousHash to chainHead is still complete and the subset provably faithful.
//  - `keyId` names the signing key (the first 16 hex digits of its fingerprint); keys rotate.
import { type AuditExportFilter } from '../../preload/contract';
import { bodySignatureValid, signBody, type SigningKey } from './signing-key';

export { fingerprintOf, normaliseFingerprint } from './signing-key';

export const MANIFEST_FORMAT = 'scr-desktop-audit-export/2';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

/** Where a series continues from: the previous full bundle's last sequence and chain head. */
export interface BundleLink {
  readonly lastSequence: number;
  readonly chainHead: string;
}

export type BundleKind = 'full' | 'filtered';

export interface BundleFiles {
  readonly 'audit.ndjson': FileDigest;
  readonly 'audit.csv': FileDigest;
  /** Filtered bundles only: the hash links of the runs of entries left out. */
  readonly 'omitted.ndjson'?: FileDigest;
}

export interface ManifestBody {
  readonly format: typeof MANIFEST_FORMAT;
  readonly kind: BundleKind;
  /** The criteria of a filtered bundle; null for a full one. */
  readonly filter: AuditExportFilter | null;
  /** Lines in audit.ndjson. */
  readonly entries: number;
  /** Entries in the sequence range that were left out (0 for a full bundle). */
  readonly omitted: number;
  /** The sequence range covered (inclusive), null when empty. */
  readonly firstSequence: number | null;
  readonly lastSequence: number | null;
  /** The hash before firstSequence (the previous hash of the first entry covered). */
  readonly previousHash: string | null;
  /** The hash of the entry at lastSequence. */
  readonly chainHead: string | null;
  /** Full bundles: the previous full bundle's end; null for the first or a filtered one. */
  readonly previousBundle: BundleLink | null;
  /** Earliest and latest timestamp of the lines (informative only; never used to check order). */
  readonly timeRange: { readonly first: string | null; readonly last: string | null };
  /** The time range asked for, which was mapped to the sequence range above. */
  readonly requestedRange: { readonly from: string | null; readonly to: string | null };
  readonly workstation: string;
  readonly exportedBy: {
    readonly userUuid: string;
    readonly displayName: string;
    readonly roleProfileId: string | null;
  } | null;
  readonly createdAt: string;
  readonly files: BundleFiles;
  readonly algorithm: 'Ed25519';
  readonly keyId: string;
  /** Base64 DER SubjectPublicKeyInfo of the workstation's export key. */
  readonly publicKey: string;
  readonly keyFingerprint: string;
}

export interface Manifest extends ManifestBody {
  /** Base64 Ed25519 signature over the canonical JSON of every other field. */
  readonly signature: string;
}

export function signManifest(body: ManifestBody, key: SigningKey): Manifest {
  return { ...body, signature: signBody(body, key) };
}

/** True when the signature is valid for the manifest's own public key. */
export function manifestSignatureValid(manifest: Manifest): boolean {
  const { signature, ...body } = manifest;
  return typeof signature === 'string' && bodySignatureValid(body, manifest.publicKey, signature);
}
