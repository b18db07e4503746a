// The sandbox's own test PKI: a CA generated on first start in the data directory, a server
// certificate for 127.0.0.1/localhost and one client certificate the sandbox accepts. Files are
// reused on later starts so a client that pinned the CA keeps working. Made with the openssl CLI
// (OpenSSL 3, present on every supported machine) so the sandbox needs no extra npm package.
// Test keys only; never packaged.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SandboxPki {
  /** Paths of the PEM files. */
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** PEM contents, for the TLS server. */
  readonly caPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  // Bounded: a hung openssl must not hang the sandbox's start.
  await run('openssl', [...args], { timeout: 30_000 });
}

const serial = (): string => `0x1${randomBytes(15).toString('hex')}`;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function ecKey(path: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

async function generate(dir: string, label: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Build in a scratch folder and move into place, so a half-made set is never picked up.
  const work = await mkdtemp(join(tmpdir(), 'smsp-sandbox-pki-'));
  try {
    const f = (name: string): string => join(work, name);
    await ecKey(f('ca-key.pem'));
    const tag = randomBytes(4).toString('hex');
    await openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      f('ca-key.pem'),
      '-sha256',
      '-days',
      '3650',
      '-set_serial',
      serial(),
      '-subj',
      `/O=SMSP sandbox (test only)/CN=${label} ${tag}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      f('ca.pem'),
    ]);
    // Both identities carry serverAuth + clientAuth and the loopback names: the client's
    // identity also serves its inbound listener (Spine posts async replies to it, spec 4.4), and
    // the sandbox presents its server identity when it posts those replies.
    const issue = async (name: string, cn: string): Promise<void> => {
      await ecKey(f(`${name}-key.pem`));
      await openssl([
        'req',
        '-new',
        '-key',
        f(`${name}-key.pem`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca-key.pem'),
        '-sha256',
        '-days',
        '825',
        '-set_serial',
        serial(),
        '-subj',
        `/O=SMSP sandbox (test only)/CN=${cn}`,
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'keyUsage=critical,digitalSignature,keyAgreement',
        '-addext',
        'extendedKeyUsage=serverAuth,clientAuth',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-out',
        f(`${name}-cert.pem`),
      ]);
    };
    await issue('server', 'localhost');
    await issue('client', 'smsp-client.sandbox.invalid');
    // The CA key is discarded: nothing else is ever issued from this CA.
    for (const name of ['server-key.pem', 'client-key.pem', 'server-cert.pem', 'client-cert.pem']) {
      await rename(f(name), join(dir, name));
    }
    // The CA file and then the version go last: together they mark a complete, current set.
    await rename(f('ca.pem'), join(dir, 'ca.pem'));
    await writeFile(join(dir, 'pki-version'), `${PKI_VERSION}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Bumped when the certificates' shape changes (2: both leaves serverAuth + clientAuth with the
 * loopback names), so a data directory made by an older sandbox is regenerated, not half-used.
 */
const PKI_VERSION = '2';

async function current(dir: string): Promise<boolean> {
  if (!(await exists(join(dir, 'ca.pem')))) return false;
  try {
    return (await readFile(join(dir, 'pki-version'), 'utf8')).trim() === PKI_VERSION;
  } catch {
    return false;
  }
}

/** Loads the PKI from `dataDir/tls`, generating it on first start. */
export async function ensurePki(dataDir: string): Promise<SandboxPki> {
  const dir = join(dataDir, 'tls');
  const caFile = join(dir, 'ca.pem');
  if (!(await current(dir))) await generate(dir, 'SMSP Spine Sandbox Test CA');
  const files = {
    caFile,
    serverCertFile: join(dir, 'server-cert.pem'),
    serverKeyFile: join(dir, 'server-key.pem'),
    clientCertFile: join(dir, 'client-cert.pem'),
    clientKeyFile: join(dir, 'client-key.pem'),
  };
  return {
    ...files,
    caPem: await readFile(files.caFile, 'utf8'),
    serverCertPem: await readFile(files.serverCertFile, 'utf8'),
    serverKeyPem: await readFile(files.serverKeyFile, 'utf8'),
  };
}

/** A second, unrelated CA with its own client and server certificates, for refusal tests. */
export async function foreignPki(dir: string): Promise<SandboxPki> {
  await generate(join(dir, 'tls'), 'Unrelated Test CA');
  return ensurePki(dir);
}
