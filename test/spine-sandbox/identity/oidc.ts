// The sandbox's CIS2-style OIDC provider (product.md 3b): discovery, authorize (authorization
// code with PKCE S256), token (private_key_jwt client authentication), userinfo with the NHS
// claims nhsid_useruid / nhsid_nrbac_roles / selected_roleid, and JWKS. The user proves
// themselves at /authorize with a card assertion (a JWT signed on the smartcard, certificate in
// x5c) — the sandbox's stand-in for Smartcard Connect. Test-only: never packaged.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
  type X509Certificate,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SignJWT, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { checkCardCertificate, readBody, sendJson, type IdentityUser } from './common';

export interface OidcProviderOptions {
  readonly issuer: string;
  readonly dataDir: string;
  readonly ca: X509Certificate;
  readonly users: ReadonlyMap<string, IdentityUser>;
}

export interface OidcProvider {
  handle(request: IncomingMessage, response: ServerResponse, path: string, url: URL): Promise<void>;
  close(): void;
}

/** The one client the sandbox knows: the desktop app in training. Its key is made on first start. */
export const trainingClientId = 'smsp-desktop-training';
export const trainingClientKeyFile = (dataDir: string) => join(dataDir, 'cis2-client-key.pem');

const codeTtlMs = 60_000;
const tokenTtlSeconds = 3600;
const maxOutstanding = 1000;

interface PendingCode {
  readonly uuid: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce: string;
  readonly acr: string;
  readonly scope: string;
  readonly expires: number;
}

function keyPair(file: string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!existsSync(file)) {
    const made = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, made.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const pem = readFileSync(file, 'utf8');
  return { privateKey: createPrivateKey(pem), publicKey: createPublicKey(pem) };
}

const base64urlSha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export async function createOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const { issuer, users, ca } = options;
  const signing = keyPair(join(options.dataDir, 'oidc-signing-key.pem'));
  const signingKid = createHash('sha256')
    .update(signing.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
    .slice(0, 16);
  const client = keyPair(trainingClientKeyFile(options.dataDir));
  const clients = new Map<string, KeyObject>([[trainingClientId, client.publicKey]]);
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<
    string,
    { readonly uuid: string; readonly scope: string; readonly expires: number }
  >();
  const usedAssertions = new Map<string, number>();

  const endpoints = {
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
  };

  const bound = <K, V>(map: Map<K, V>) => {
    while (map.size >= maxOutstanding) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };

  const redirectWith = (response: ServerResponse, redirectUri: string, params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    response.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
    response.end();
  };

  /** The card assertion: RS256 JWT, x5c = [card certificate], sub = its CN, nonce = the request's. */
  const verifyCardAssertion = async (assertion: string, nonce: string): Promise<string | null> => {
    try {
      const header = decodeProtectedHeader(assertion);
      const der = header.x5c?.[0];
      if (header.alg !== 'RS256' || !der) return null;
      const check = checkCardCertificate(Buffer.from(der, 'base64'), ca);
      if (!check.ok) return null;
      const { payload } = await jwtVerify(assertion, check.certificate.publicKey, {
        audience: issuer,
        algorithms: ['RS256'],
        maxTokenAge: '5m',
      });
      if (payload.sub !== check.uuid || payload['nonce'] !== nonce) return null;
      return check.uuid;
    } catch {
      return null;
    }
  };

  const authorize = async (response: ServerResponse, url: URL) => {
    const q = (name: string) => url.searchParams.get(name) ?? '';
    const clientId = q('client_id');
    const redirectUri = q('redirect_uri');
    if (!clients.has(clientId) || !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(redirectUri)) {
      return sendJson(response, 400, {
        error: 'invalid_request',
        error_description: 'unknown client or redirect',
      });
    }
    const state = q('state');
    const fail = (error: string) => redirectWith(response, redirectUri, { error, state });
    if (q('response_type') !== 'code') return fail('unsupported_response_type');
    if (!q('scope').split(' ').includes('openid')) return fail('invalid_scope');
    // PKCE is mandatory, S256 only.
    if (q('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(q('code_challenge')))
      return fail('invalid_request');
    if (!q('nonce')) return fail('invalid_request');
    const uuid = await verifyCardAssertion(q('login_hint'), q('nonce'));
    if (!uuid || !users.has(uuid)) return fail('access_denied');
    bound(codes);
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      uuid,
      clientId,
      redirectUri,
      codeChallenge: q('code_challenge'),
      nonce: q('nonce'),
      acr: q('acr_values') || 'AAL3_ANY',
      scope: q('scope'),
      expires: Date.now() + codeTtlMs,
    });
    return redirectWith(response, redirectUri, { code, state });
  };

  const token = async (request: IncomingMessage, response: ServerResponse) => {
    const form = new URLSearchParams(await readBody(request));
    const f = (name: string) => form.get(name) ?? '';
    const invalid = (error: string, description: string) =>
      sendJson(response, error === 'invalid_client' ? 401 : 400, { error, error_description: description });
    if (f('grant_type') !== 'authorization_code')
      return invalid('unsupported_grant_type', 'authorization_code only');
    // private_key_jwt (RFC 7523): the client proves itself with a JWT signed by its registered key.
    if (f('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return invalid('invalid_client', 'private_key_jwt required');
    }
    const clientId = f('client_id');
    const clientKey = clients.get(clientId);
    if (!clientKey) return invalid('invalid_client', 'unknown client');
    try {
      const { payload } = await jwtVerify(f('client_assertion'), clientKey, {
        issuer: clientId,
        subject: clientId,
        audience: endpoints.token_endpoint,
        algorithms: ['RS256', 'RS512', 'PS256'],
        maxTokenAge: '5m',
      });
      if (!payload.jti || !payload.exp || usedAssertions.has(payload.jti)) {
        return invalid('invalid_client', 'assertion replayed or incomplete');
      }
      bound(usedAssertions);
      usedAssertions.set(payload.jti, payload.exp);
    } catch {
      return invalid('invalid_client', 'client assertion not valid');
    }
    const pending = codes.get(f('code'));
    codes.delete(f('code'));
    if (!pending || pending.expires < Date.now()) return invalid('invalid_grant', 'code unknown or expired');
    if (pending.clientId !== clientId || pending.redirectUri !== f('redirect_uri')) {
      return invalid('invalid_grant', 'code was issued to another client or redirect');
    }
    if (base64urlSha256(f('code_verifier')) !== pending.codeChallenge) {
      return invalid('invalid_grant', 'PKCE verification failed');
    }
    const accessToken = randomBytes(32).toString('base64url');
    bound(tokens);
    tokens.set(accessToken, {
      uuid: pending.uuid,
      scope: pending.scope,
      expires: Date.now() + tokenTtlSeconds * 1000,
    });
    const idToken = await new SignJWT({ nonce: pending.nonce, acr: pending.acr, nhsid_useruid: pending.uuid })
      .setProtectedHeader({ alg: 'RS256', kid: signingKid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(pending.uuid)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime(`${tokenTtlSeconds}s`)
      .sign(signing.privateKey);
    return sendJson(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: tokenTtlSeconds,
      scope: pending.scope,
      id_token: idToken,
    });
  };

  const userinfo = (request: IncomingMessage, response: ServerResponse) => {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const granted = bearer ? tokens.get(bearer) : undefined;
    if (!granted || granted.expires < Date.now()) {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return sendJson(response, 401, { error: 'invalid_token' });
    }
    const user = users.get(granted.uuid);
    if (!user) return sendJson(response, 401, { error: 'invalid_token' });
    const scopes = new Set(granted.scope.split(' '));
    const claims: Record<string, unknown> = { sub: user.uuid };
    if (scopes.has('profile')) claims['name'] = user.displayName;
    if (scopes.has('nhsperson')) {
      claims['nhsid_useruid'] = user.uuid;
      claims['name'] = user.displayName;
      claims['idassurancelevel'] = '3';
    }
    if (scopes.has('nationalrbacaccess')) {
      claims['nhsid_nrbac_roles'] = user.roles.map((role) => ({
        person_roleid: role.roleProfileId,
        org_code: role.odsCode,
        role_code: role.jobRoleCode,
        role_name: role.jobRoleName,
        activity_codes: role.activityCodes,
      }));
    }
    if (scopes.has('associatedorgs')) {
      const orgs = new Map(user.roles.map((role) => [role.odsCode, role.organisationName]));
      claims['nhsid_user_orgs'] = [...orgs].map(([org_code, org_name]) => ({ org_code, org_name }));
    }
    const only = user.roles[0];
    if (scopes.has('selectedrole') && user.roles.length === 1 && only)
      claims['selected_roleid'] = only.roleProfileId;
    return sendJson(response, 200, claims);
  };

  return {
    handle: async (request, response, path, url) => {
      if (path === '/.well-known/openid-configuration' && request.method === 'GET') {
        return sendJson(response, 200, {
          issuer,
          ...endpoints,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          subject_types_supported: ['public'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS512', 'PS256'],
          scopes_supported: [
            'openid',
            'profile',
            'nhsperson',
            'nationalrbacaccess',
            'associatedorgs',
            'selectedrole',
          ],
          acr_values_supported: ['AAL3_ANY', 'AAL2_OR_AAL3_ANY'],
          claims_supported: [
            'sub',
            'name',
            'nhsid_useruid',
            'nhsid_nrbac_roles',
            'selected_roleid',
            'idassurancelevel',
          ],
        });
      }
      if (path === '/jwks' && request.method === 'GET') {
        const jwk = await exportJWK(signing.publicKey);
        return sendJson(response, 200, { keys: [{ ...jwk, kid: signingKid, use: 'sig', alg: 'RS256' }] });
      }
      if (path === '/authorize' && request.method === 'GET') return authorize(response, url);
      if (path === '/token' && request.method === 'POST') return token(request, response);
      if (path === '/userinfo' && (request.method === 'GET' || request.method === 'POST')) {
        return userinfo(request, response);
      }
      return sendJson(response, 404, { error: 'not_found' });
    },
    close: () => {
      codes.clear();
      tokens.clear();
      usedAssertions.clear();
    },
  };
}
