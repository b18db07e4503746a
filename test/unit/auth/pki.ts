// Test PKI for the session and identity-service tests: a smartcard CA and software "cards"
// (certificate O=nhs, OU=people, CN=<UUID> + private key), and a TLS CA with a 127.0.0.1 server
// certificate and a client certificate for mutual TLS. Real X.509 and RSA; test-only.
import { createPrivateKey, sign as rsaSign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const day = 24 * 3600_000;

export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly pem: string;
}

export interface SoftCard {
  readonly uuid: string;
  readonly certificateDer: Uint8Array;
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  readonly keyPem: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

async function rsaKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(
    { ...rsa, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as unknown as CryptoKeyPair;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as never));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

let serial = 1;
const nextSerial = () => (0x1000 + serial++).toString(16);

export async function createIssuer(name: string): Promise<Issuer> {
  const keys = await rsaKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 3650 * day),
    signingAlgorithm: rsa,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { certificate, keys, pem: certificate.toString('pem') };
}

export async function createSoftCard(
  ca: Issuer,
  uuid: string,
  options: { expired?: boolean } = {},
): Promise<SoftCard> {
  const keys = await rsaKeys();
  const now = Date.now();
  // product.md 3a step 3: subject O=nhs, OU=people, CN=<UUID>; digitalSignature; two years.
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: `CN=${uuid}, OU=people, O=nhs`,
    issuer: ca.certificate.subject,
    notBefore: new Date(options.expired ? now - 800 * day : now - day),
    notAfter: new Date(options.expired ? now - 70 * day : now + 729 * day),
    signingAlgorithm: rsa,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pem = await keyPem(keys);
  const privateKey = createPrivateKey(pem);
  return {
    uuid,
    certificateDer: new Uint8Array(certificate.rawData),
    privateKey,
    certificatePem: certificate.toString('pem'),
    keyPem: pem,
    sign: async (data) => new Uint8Array(rsaSign('sha256', data, privateKey)),
  };
}

export interface TlsFiles {
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

/** A TLS CA, a server certificate for 127.0.0.1 and a client certificate, written under `dir`. */
export async function createTlsFiles(
  dir: string,
  caName = 'CN=Identity Test TLS CA, O=smsp-test',
): Promise<TlsFiles> {
  mkdirSync(dir, { recursive: true });
  const ca = await createIssuer(caName);
  const leaf = async (subject: string, extensions: x509.Extension[]) => {
    const keys = await rsaKeys();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject,
      issuer: ca.certificate.subject,
      notBefore: new Date(Date.now() - day),
      notAfter: new Date(Date.now() + 30 * day),
      signingAlgorithm: rsa,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      extensions,
    });
    return { cert: certificate.toString('pem'), key: await keyPem(keys) };
  };
  const server = await leaf('CN=127.0.0.1', [
    new x509.SubjectAlternativeNameExtension([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  ]);
  const client = await leaf('CN=smsp-client', [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
  const files: TlsFiles = {
    caFile: join(dir, 'tls-ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server-key.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client-key.pem'),
  };
  writeFileSync(files.caFile, ca.pem);
  writeFileSync(files.serverCertFile, server.cert);
  writeFileSync(files.serverKeyFile, server.key, { mode: 0o600 });
  writeFileSync(files.clientCertFile, client.cert);
  writeFileSync(files.clientKeyFile, client.key, { mode: 0o600 });
  return files;
}
