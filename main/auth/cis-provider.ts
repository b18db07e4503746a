// The CIS smartcard identity provider (product.md 3a steps 4–7): ask the identity service for a
// challenge (authactivate), sign it on the card, send signature + certificate (authvalidate),
// and get back the SSO ticket, display name and role profiles. JSON over pinned HTTPS.
import { z } from 'zod';
import type { CardProof, Identity, IdentityProvider } from './identity-provider';
import { IdentityError } from './identity-provider';
import { createIdentityHttp, parseJson, type IdentityHttp, type IdentityTlsOptions } from './identity-http';

export const cisPaths = {
  activate: '/cis/authactivate',
  validate: '/cis/authvalidate',
  roleSelection: '/cis/roleselection',
  logout: '/cis/authlogout',
} as const;

export const CisRole = z.object({
  roleProfileId: z.string().min(1),
  odsCode: z.string().min(1),
  organisationName: z.string(),
  jobRoleCode: z.string().regex(/^S\w+:G\w+:R\w+$/),
  jobRoleName: z.string(),
  activityCodes: z.array(z.string()),
});

export const CisChallenge = z.object({ challengeId: z.string().min(1), challenge: z.string().min(1) });

export const CisValidated = z.object({
  sso_ticket: z.string().min(1),
  uid: z.string().regex(/^\d{12}$/),
  cn: z.string().min(1),
  roles: z.array(CisRole),
  sso_session_time: z.number().int().positive().optional(),
  sso_max_session_time: z.number().int().positive().optional(),
});

export const CisError = z.object({
  error: z.enum([
    'certificate_expired',
    'certificate_not_yet_valid',
    'certificate_untrusted',
    'signature_invalid',
    'challenge_unknown',
    'user_unknown',
    'bad_request',
  ]),
  message: z.string().optional(),
});

export interface CisProviderOptions extends IdentityTlsOptions {
  /** Base URL of the identity service, e.g. https://127.0.0.1:8443/identity */
  readonly url: string;
}

export function createCisProvider(
  options: CisProviderOptions,
  http: IdentityHttp = createIdentityHttp(options),
): IdentityProvider {
  const base = options.url.replace(/\/+$/, '');

  const post = async (path: string, json: unknown) => http.send('POST', `${base}${path}`, { json });

  const failure = (status: number, body: unknown): IdentityError => {
    const parsed = CisError.safeParse(body);
    if (parsed.success) {
      switch (parsed.data.error) {
        case 'certificate_expired':
          return new IdentityError(
            'CERTIFICATE_EXPIRED',
            'the identity service says the certificate has expired',
          );
        case 'certificate_not_yet_valid':
          return new IdentityError('CERTIFICATE_NOT_YET_VALID', 'the certificate is not valid yet');
        case 'certificate_untrusted':
        case 'user_unknown':
          return new IdentityError('NO_CERTIFICATE', `identity service: ${parsed.data.error}`);
        default:
          break;
      }
    }
    return new IdentityError('IDENTITY_SERVICE_ERROR', `identity service answered ${status}`);
  };

  return {
    kind: 'cis',
    authenticate: async (card: CardProof): Promise<Identity> => {
      const activated = await post(cisPaths.activate, { auth_method: 3, service: 'ACTIVATION' });
      const activateBody = parseJson(activated);
      if (activated.status !== 200) throw failure(activated.status, activateBody);
      const challenge = CisChallenge.safeParse(activateBody);
      if (!challenge.success) throw new IdentityError('IDENTITY_SERVICE_ERROR', 'malformed challenge');
      // The card signs the challenge with its private key; the service verifies it against the
      // certificate and the certificate against the smartcard CA (product.md 3a steps 5–6).
      const signature = await card.sign(Buffer.from(challenge.data.challenge, 'base64'));
      const validated = await post(cisPaths.validate, {
        challengeId: challenge.data.challengeId,
        signature: Buffer.from(signature).toString('base64'),
        certificate: Buffer.from(card.certificateDer).toString('base64'),
        card_type: 'p11',
      });
      const validBody = parseJson(validated);
      if (validated.status !== 200) throw failure(validated.status, validBody);
      const parsed = CisValidated.safeParse(validBody);
      if (!parsed.success) throw new IdentityError('IDENTITY_SERVICE_ERROR', 'malformed validation answer');
      const { data } = parsed;
      return {
        userUuid: data.uid,
        displayName: data.cn,
        ssoToken: data.sso_ticket,
        roles: data.roles,
        ...(data.sso_session_time ? { sessionSeconds: data.sso_session_time } : {}),
        ...(data.sso_max_session_time ? { maxSessionSeconds: data.sso_max_session_time } : {}),
      };
    },
    selectRole: async (identity, roleProfileId) => {
      const result = await post(cisPaths.roleSelection, {
        sso_ticket: identity.ssoToken,
        selectedRoleUid: roleProfileId,
      });
      if (result.status !== 204 && result.status !== 200) {
        throw new IdentityError('IDENTITY_SERVICE_ERROR', `role selection answered ${result.status}`);
      }
    },
    logout: async (identity) => {
      await post(cisPaths.logout, { sso_ticket: identity.ssoToken });
    },
    close: async () => http.close(),
  };
}
