// The CIS2 identity provider (product.md 3b): OpenID Connect authorization code flow with PKCE
// (S256) and private_key_jwt client authentication, behind the same interface as CIS. The card
// in the reader still anchors the session (product.md 9): the authorize step carries a card
// assertion — a JWT signed on the smartcard with its certificate in x5c — where a browser would
// go through Smartcard Connect. Roles come from the userinfo claims nhsid_useruid,
// nhsid_nrbac_roles and selected_roleid.
import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import type { CardProof, Identity, IdentityProvider, IdentityRole } from './identity-provider';
import { IdentityError } from './identity-provider';
import { createIdentityHttp, parseJson, type IdentityHttp, type IdentityTlsOptions } from './identity-http';

export interface Cis2ProviderOptions extends IdentityTlsOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly privateKeyFile: string;
  readonly keyId: string;
  readonly redirectUri: string;
  readonly acrValues: string;
}

const Discovery = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  userinfo_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
});

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  id_token: z.string().min(1),
  expires_in: z.number().optional(),
});

const NrbacRole = z.object({
  person_roleid: z.string().min(1),
  org_code: z.string().min(1),
  role_code: z.string(),
  role_name: z.string().optional(),
  activity_codes: z.array(z.string()).default([]),
});

const UserInfo = z.object({
  sub: z.string(),
  nhsid_useruid: z.string().regex(/^\d{12}$/),
  name: z.string().optional(),
  nhsid_nrbac_roles: z.array(NrbacRole).default([]),
  nhsid_user_orgs: z.array(z.object({ org_code: z.string(), org_name: z.string() })).default([]),
  selected_roleid: z.string().optional(),
});

/** The scopes that carry the claims this client needs (product.md 3b step 5). */
export const cis2Scopes = 'openid profile nhsperson nationalrbacaccess associatedorgs selectedrole';

const random = () => randomBytes(32).toString('base64url');
const fail = (message: string) => new IdentityError('IDENTITY_SERVICE_ERROR', message);

/** CIS2 role names may be `"Group":"Sub-group":"Role"`; the last part is the role's own name. */
const roleName = (raw: string | undefined, code: string): string => {
  const parts = raw?.match(/"([^"]*)"/g)?.map((part) => part.slice(1, -1));
  return parts?.at(-1) ?? raw ?? code;
};

export function createCis2Provider(
  options: Cis2ProviderOptions,
  http: IdentityHttp = createIdentityHttp(options),
): IdentityProvider {
  let clientKey: KeyObject | null = null;
  const key = (): KeyObject => {
    // Read on first use, so a missing key shows as a sign-in error rather than a start-up crash.
    clientKey ??= createPrivateKey(readFileSync(options.privateKeyFile));
    return clientKey;
  };

  const getJson = async (url: string, headers?: Record<string, string>) => {
    const result = await http.send('GET', url, undefined, headers);
    if (result.status !== 200) throw fail(`${new URL(url).pathname} answered ${result.status}`);
    return parseJson(result);
  };

  /** The card assertion for /authorize: RS256 over header.payload, signed on the card. */
  const cardAssertion = async (card: CardProof, audience: string, nonce: string): Promise<string> => {
    const subject = /(?:^|\n)CN=(\d{12})(?:\n|$)/.exec(new X509Certificate(card.certificateDer).subject)?.[1];
    if (!subject) throw new IdentityError('NO_CERTIFICATE', 'the card certificate has no SDS user id');
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [Buffer.from(card.certificateDer).toString('base64')] };
    const payload = { sub: subject, aud: audience, nonce, iat: now, exp: now + 120, jti: random() };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const signingInput = `${encode(header)}.${encode(payload)}`;
    // CKM_SHA256_RSA_PKCS on the card is exactly JWS RS256.
    const signature = await card.sign(Buffer.from(signingInput, 'ascii'));
    return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
  };

  return {
    kind: 'cis2',
    authenticate: async (card: CardProof): Promise<Identity> => {
      const discovered = Discovery.safeParse(
        await getJson(`${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`),
      );
      if (!discovered.success || discovered.data.issuer !== options.issuer)
        throw fail('discovery document not valid');
      const endpoints = discovered.data;

      // Authorization code with PKCE (RFC 7636, S256): the code is useless without the verifier.
      const verifier = random();
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = random();
      const nonce = random();
      const authorize = new URL(endpoints.authorization_endpoint);
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        scope: cis2Scopes,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        acr_values: options.acrValues,
        login_hint: await cardAssertion(card, options.issuer, nonce),
      })) {
        authorize.searchParams.set(name, value);
      }
      const redirected = await http.send('GET', authorize.toString());
      const location = redirected.headers['location'];
      if (redirected.status !== 302 || typeof location !== 'string')
        throw fail(`authorize answered ${redirected.status}`);
      const back = new URL(location);
      const ours = new URL(options.redirectUri);
      // The code must come back to our own redirect URI, never somewhere else.
      if (back.origin !== ours.origin || back.pathname !== ours.pathname)
        throw fail('authorize redirected elsewhere');
      if (back.searchParams.get('state') !== state) throw fail('authorize state mismatch');
      const code = back.searchParams.get('code');
      if (!code) throw fail(`authorize refused: ${back.searchParams.get('error') ?? 'no code'}`);

      // private_key_jwt (RFC 7523): a short-lived, single-use assertion signed with our key.
      const clientAssertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: options.keyId, typ: 'JWT' })
        .setIssuer(options.clientId)
        .setSubject(options.clientId)
        .setAudience(endpoints.token_endpoint)
        .setJti(random())
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key());
      const tokenResult = await http.send('POST', endpoints.token_endpoint, {
        form: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: options.redirectUri,
          code_verifier: verifier,
          client_id: options.clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion,
        },
      });
      if (tokenResult.status !== 200) throw fail(`token endpoint answered ${tokenResult.status}`);
      const tokens = TokenResponse.safeParse(parseJson(tokenResult));
      if (!tokens.success) throw fail('token response not valid');

      const jwks = (await getJson(endpoints.jwks_uri)) as JSONWebKeySet;
      let subject: string;
      try {
        const { payload } = await jwtVerify(tokens.data.id_token, createLocalJWKSet(jwks), {
          issuer: options.issuer,
          audience: options.clientId,
          algorithms: ['RS256'],
        });
        if (payload['nonce'] !== nonce || typeof payload.sub !== 'string') throw new Error('nonce or sub');
        subject = payload.sub;
      } catch {
        throw fail('ID token not valid');
      }

      const info = UserInfo.safeParse(
        await getJson(endpoints.userinfo_endpoint, { authorization: `Bearer ${tokens.data.access_token}` }),
      );
      if (!info.success || info.data.sub !== subject || info.data.nhsid_useruid !== subject) {
        throw fail('userinfo not valid for this user');
      }
      const orgNames = new Map(info.data.nhsid_user_orgs.map((org) => [org.org_code, org.org_name]));
      const roles: IdentityRole[] = info.data.nhsid_nrbac_roles.map((role) => ({
        roleProfileId: role.person_roleid,
        odsCode: role.org_code,
        organisationName: orgNames.get(role.org_code) ?? role.org_code,
        jobRoleCode: role.role_code,
        jobRoleName: roleName(role.role_name, role.role_code),
        activityCodes: role.activity_codes,
      }));
      return {
        userUuid: subject,
        displayName: info.data.name ?? subject,
        ssoToken: tokens.data.access_token,
        roles,
      };
    },
    // CIS2 fixes the selected role at sign-in (selected_roleid); the local choice needs no call.
    selectRole: async () => undefined,
    logout: async () => undefined,
    close: async () => http.close(),
  };
}
