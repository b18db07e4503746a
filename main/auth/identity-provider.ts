// What a national identity provider gives the session once the card has proved who is there:
// the SSO token, the display name and the role profiles (product.md 3a steps 4–6, 3b step 5).
// CIS (challenge signed on the card) and CIS2 (OIDC) both sit behind this interface.
import type { RoleProfile } from '../../preload/contract';

/** What the provider may ask of the logged-in card: its certificate and a signature. */
export interface CardProof {
  /** DER of the card's authentication certificate (CN = SDS user UUID). */
  readonly certificateDer: Uint8Array;
  /** Signs with the card's private key (RSA PKCS#1 v1.5 over SHA-256). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A role profile as the identity service states it; `hasAccess` is worked out locally (RBAC). */
export type IdentityRole = Omit<RoleProfile, 'hasAccess'>;

export interface Identity {
  /** SDS user UUID (12 digits), as the service confirmed it. */
  readonly userUuid: string;
  /** `SURNAME, Given` as the service returns it (the name is not on the card). */
  readonly displayName: string;
  /** Opaque SSO token; never logged, never sent to the renderer. */
  readonly ssoToken: string;
  readonly roles: readonly IdentityRole[];
  /** Session timers the service asks for, in seconds, when it states them. */
  readonly sessionSeconds?: number;
  readonly maxSessionSeconds?: number;
}

export type IdentityErrorCode =
  | 'IDENTITY_SERVICE_ERROR'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'NO_CERTIFICATE'
  | 'TLS_ERROR';

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface IdentityProvider {
  readonly kind: 'cis' | 'cis2';
  authenticate(card: CardProof): Promise<Identity>;
  /** Records the chosen role with the service (CIS RoleSelection; best effort). */
  selectRole(identity: Identity, roleProfileId: string): Promise<void>;
  /** Ends the SSO session (CIS authlogout; best effort). */
  logout(identity: Identity): Promise<void>;
  close(): Promise<void>;
}
