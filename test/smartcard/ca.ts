// The test CA that issues the virtual smartcards' certificates, shaped like the NHS one
// (product.md section 3: issuer `O=nhs, OU=CA, CN=…`, subject `O=nhs, OU=people, CN=<UUID>`).
// The sandbox identity service trusts its certificate file. Test-only: never packaged.
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface TestCa {
  readonly caCertFile: string;
  readonly caKeyFile: string;
  readonly certificate: x509.X509Certificate;
  readonly key: CryptoKey;
}

/** @peculiar/x509 keeps the written order: the DN is O=nhs, OU=CA, CN=… like the NHS CA's. */
export const caSubject = 'O=nhs, OU=CA, CN=SMSP Test SubCA';
export const cardSubject = (uuid: string) => `O=nhs, OU=people, CN=${uuid}`;

async function loadCa(dir: string): Promise<TestCa> {
  const caCertFile = join(dir, 'ca.pem');
  const caKeyFile = join(dir, 'ca-key.pem');
  const certificate = new x509.X509Certificate(await readFile(caCertFile, 'utf8'));
  const keyPem = await readFile(caKeyFile, 'utf8');
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, rsa, false, ['sign']);
  return { caCertFile, caKeyFile, certificate, key: key as unknown as CryptoKey };
}

/** Creates the CA under `dir` (ca.pem, ca-key.pem) unless it is already there; returns it. */
export async function ensureTestCa(dir: string): Promise<TestCa> {
  await mkdir(dir, { recursive: true });
  if (existsSync(join(dir, 'ca.pem')) && existsSync(join(dir, 'ca-key.pem'))) return loadCa(dir);
  const keys = (await webcrypto.subtle.generateKey(
    { ...rsa, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as unknown as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: caSubject,
    notBefore: new Date(now - 24 * 3600_000),
    notAfter: new Date(now + 10 * 365 * 24 * 3600_000),
    signingAlgorithm: rsa,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  // Write-then-rename, key first: a half-written CA is never mistaken for a finished one.
  await writeFile(join(dir, 'ca-key.pem.tmp'), keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'ca.pem.tmp'), certificate.toString('pem') + '\n');
  await rename(join(dir, 'ca-key.pem.tmp'), join(dir, 'ca-key.pem'));
  await rename(join(dir, 'ca.pem.tmp'), join(dir, 'ca.pem'));
  return loadCa(dir);
}

export interface IssueOptions {
  readonly uuid: string;
  /** SubjectPublicKeyInfo DER of the key generated on the card. */
  readonly publicKeySpki: Uint8Array;
  /** A certificate whose validity ended a year ago (the expired-card case). */
  readonly expired?: boolean;
}

/** A card certificate: CN = SDS user UUID, digitalSignature, two-year validity. Returns DER. */
export async function issueCardCertificate(ca: TestCa, options: IssueOptions): Promise<Uint8Array> {
  const day = 24 * 3600_000;
  const now = Date.now();
  const notBefore = options.expired ? new Date(now - 3 * 365 * day) : new Date(now - day);
  const notAfter = options.expired ? new Date(now - 365 * day) : new Date(now - day + 2 * 365 * day);
  const publicKey = new x509.PublicKey(new Uint8Array(options.publicKeySpki));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: cardSubject(options.uuid),
    issuer: ca.certificate.subject,
    notBefore,
    notAfter,
    signingAlgorithm: rsa,
    publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
  return new Uint8Array(certificate.rawData);
}
