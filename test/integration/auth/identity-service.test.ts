// The identity service and both providers over real HTTPS with mutual TLS on 127.0.0.1, with
// software cards (real RSA keys and X.509 certificates from a test smartcard CA): CIS
// challenge/response and the CIS2 OIDC flow (PKCE, private_key_jwt, NHS claims), and what each
// refuses — foreign CA, expired certificate, wrong signature, replayed challenge, no client
// certificate, wrong client key, wrong PKCE verifier.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCisProvider, cisPaths } from '../../../main/auth/cis-provider';
import { createCis2Provider } from '../../../main/auth/cis2-provider';
import { createIdentityHttp, type IdentityHttp } from '../../../main/auth/identity-http';
import { IdentityError, type CardProof, type IdentityProvider } from '../../../main/auth/identity-provider';
import { trainingClientId, trainingClientKeyFile } from '../../spine-sandbox/identity/index';
import { createIssuer, createSoftCard, type SoftCard } from '../../unit/auth/pki';
import { startIdentityServer, tempDir, type IdentityServer } from './support';

let dir: { path: string; remove: () => Promise<void> };
let server: IdentityServer;
let locum: SoftCard;
let pharmacist: SoftCard;
let foreign: SoftCard;
let expired: SoftCard;
const open: IdentityProvider[] = [];

beforeAll(async () => {
  dir = await tempDir('smsp-identity-');
  const ca = await createIssuer('CN=Identity Test SubCA, OU=CA, O=nhs');
  const other = await createIssuer('CN=Not The NHS CA, OU=CA, O=nhs');
  const caFile = join(dir.path, 'smartcard-ca.pem');
  writeFileSync(caFile, ca.pem);
  [locum, pharmacist, foreign, expired] = await Promise.all([
    createSoftCard(ca, '555000000005'),
    createSoftCard(ca, '555000000001'),
    createSoftCard(other, '555000000001'),
    createSoftCard(ca, '555000000006', { expired: true }),
  ]);
  server = await startIdentityServer(dir.path, caFile);
});

afterAll(async () => {
  for (const provider of open) await provider.close();
  await server?.close();
  await dir?.remove();
});

const proof = (card: SoftCard, signer: SoftCard = card): CardProof => ({
  certificateDer: card.certificateDer,
  sign: (data) => signer.sign(data),
});

const tls = () => ({
  caFile: server.tls.caFile,
  clientCertFile: server.tls.clientCertFile,
  clientKeyFile: server.tls.clientKeyFile,
});

function cis(): IdentityProvider {
  const provider = createCisProvider({ url: server.url, ...tls() });
  open.push(provider);
  return provider;
}

function cis2(overrides: { privateKeyFile?: string; http?: IdentityHttp } = {}): IdentityProvider {
  const options = {
    issuer: `${server.url}/oidc`,
    clientId: trainingClientId,
    privateKeyFile: overrides.privateKeyFile ?? trainingClientKeyFile(join(dir.path, 'identity')),
    keyId: 'smsp-client',
    redirectUri: 'http://127.0.0.1/cis2/callback',
    acrValues: 'AAL3_ANY',
    ...tls(),
  };
  const provider = overrides.http ? createCis2Provider(options, overrides.http) : createCis2Provider(options);
  open.push(provider);
  return provider;
}

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

function post(path: string, body: unknown, withClientCert = true): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ca: readFileSync(server.tls.caFile),
        ...(withClientCert
          ? { cert: readFileSync(server.tls.clientCertFile), key: readFileSync(server.tls.clientKeyFile) }
          : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('CIS challenge/response', () => {
  it('returns the SSO ticket, display name and every role profile for a card from the smartcard CA', async () => {
    const identity = await cis().authenticate(proof(locum));
    expect(identity.userUuid).toBe('555000000005');
    expect(identity.displayName).toBe('LOCUM, Test');
    expect(identity.ssoToken).toMatch(/^[0-9a-f]{48}$/);
    expect(
      identity.roles.map((role) => `${role.roleProfileId}@${role.odsCode}:${role.organisationName}`),
    ).toEqual(['555000000501@FQ001:Riverside Pharmacy', '555000000502@FQ002:Hillside Pharmacy']);
    expect(identity.maxSessionSeconds).toBe(12 * 3600);
    await cis().selectRole(identity, '555000000502');
  });

  it('refuses a certificate from another CA, an expired certificate and a signature by another key', async () => {
    expect((await refusal(cis().authenticate(proof(foreign)))).code).toBe('NO_CERTIFICATE');
    expect((await refusal(cis().authenticate(proof(expired)))).code).toBe('CERTIFICATE_EXPIRED');
    expect((await refusal(cis().authenticate(proof(pharmacist, locum)))).code).toBe('IDENTITY_SERVICE_ERROR');
  });

  it('spends each challenge once: a replayed answer is refused', async () => {
    const activated = await post(cisPaths.activate, { auth_method: 3, service: 'ACTIVATION' });
    const { challengeId, challenge } = JSON.parse(activated.body) as {
      challengeId: string;
      challenge: string;
    };
    const answer = {
      challengeId,
      signature: Buffer.from(await pharmacist.sign(Buffer.from(challenge, 'base64'))).toString('base64'),
      certificate: Buffer.from(pharmacist.certificateDer).toString('base64'),
      card_type: 'p11',
    };
    expect((await post(cisPaths.validate, answer)).status).toBe(200);
    const replay = await post(cisPaths.validate, answer);
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toEqual({ error: 'challenge_unknown' });
  });

  it('refuses a client without a client certificate in the TLS handshake', async () => {
    await expect(post(cisPaths.activate, {}, false)).rejects.toThrow();
  });
});

describe('CIS2 OIDC (authorization code + PKCE, private_key_jwt)', () => {
  it('signs in with the card assertion and maps nhsid_nrbac_roles to role profiles', async () => {
    const identity = await cis2().authenticate(proof(locum));
    expect(identity.userUuid).toBe('555000000005');
    expect(identity.displayName).toBe('LOCUM, Test');
    expect(identity.roles).toEqual([
      {
        roleProfileId: '555000000501',
        odsCode: 'FQ001',
        organisationName: 'Riverside Pharmacy',
        jobRoleCode: 'S8000:G8000:R1290',
        jobRoleName: 'Pharmacist',
        activityCodes: ['B0264', 'B0370', 'B0401'],
      },
      expect.objectContaining({ roleProfileId: '555000000502', organisationName: 'Hillside Pharmacy' }),
    ]);
  });

  it('refuses a client whose assertion is signed with a key it did not register', async () => {
    const rogue = join(dir.path, 'rogue-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(rogue, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const error = await refusal(cis2({ privateKeyFile: rogue }).authenticate(proof(pharmacist)));
    expect(error.message).toMatch(/token endpoint answered 401/);
  });

  it('refuses the code when the PKCE verifier does not match the challenge', async () => {
    const real = createIdentityHttp(tls());
    const answers: string[] = [];
    const tampering: IdentityHttp = {
      send: async (method, url, body, headers) => {
        if (body && 'form' in body && body.form['code_verifier']) {
          const result = await real.send(
            method,
            url,
            { form: { ...body.form, code_verifier: 'x'.repeat(43) } },
            headers,
          );
          answers.push(result.body);
          return result;
        }
        return real.send(method, url, body, headers);
      },
      close: () => real.close(),
    };
    await refusal(cis2({ http: tampering }).authenticate(proof(pharmacist)));
    expect(JSON.parse(answers[0] ?? '{}')).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses at authorize a card assertion whose certificate is not from the smartcard CA', async () => {
    const error = await refusal(cis2().authenticate(proof(foreign)));
    expect(error.message).toMatch(/access_denied/);
  });
});
