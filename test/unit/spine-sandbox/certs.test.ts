// The sandbox's test PKI: generated once and reused (a pinned CA keeps working), regenerated when
// the data directory holds an older or incomplete set.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePki } from '../../spine-sandbox/certs';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const fresh = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'sandbox-pki-'));
  dirs.push(d);
  return d;
};

describe('ensurePki', () => {
  it('issues loopback server and client certificates from its own CA, and reuses them', async () => {
    const dir = await fresh();
    const first = await ensurePki(dir);
    const ca = new X509Certificate(first.caPem);
    const server = new X509Certificate(first.serverCertPem);
    const client = new X509Certificate(await readFile(first.clientCertFile));
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect((await ensurePki(dir)).caPem).toBe(first.caPem);
  });

  it('regenerates a set without the current version marker', async () => {
    const dir = await fresh();
    const first = await ensurePki(dir);
    await unlink(join(dir, 'tls', 'pki-version'));
    expect((await ensurePki(dir)).caPem).not.toBe(first.caPem);
  });
});
