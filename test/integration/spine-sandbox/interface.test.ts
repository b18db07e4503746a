// The sandbox's interface: mutual TLS (refusals at the handshake) and a PDS retrieval over
// /sync-service, with the processing-time header.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../spine-sandbox/index';
import { foreignPki } from '../../spine-sandbox/certs';
import { identityOf, retrievalQuery, send, syncRequest, type TlsIdentity } from './client';

let dir: string;
let sandbox: SandboxHandle;
let tls: TlsIdentity;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-iface-'));
  sandbox = await startSandbox({ dataDir: join(dir, 'data'), identity: false });
  tls = identityOf(sandbox);
});

afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mutual TLS', () => {
  it('answers a client holding the sandbox client certificate', async () => {
    const { body, headers } = syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
    const reply = await send(sandbox.url, tls, { path: '/sync-service', headers, body });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<retrievalQueryResponse><QUPA_IN000009UK03');
    expect(reply.body).toContain('extension="9000000009"');
    expect(reply.body).toContain('<family>Fairbairn</family>');
    expect(Number(reply.headers['x-sandbox-processing-ms'])).toBeGreaterThanOrEqual(0);
  });

  it('stamps the processing time on every response, also the ones that are not Spine messages', async () => {
    const notFound = await send(sandbox.url, tls, { method: 'GET', path: '/nowhere' });
    expect(notFound.status).toBe(404);
    expect(Number(notFound.headers['x-sandbox-processing-ms'])).toBeGreaterThanOrEqual(0);
    const poll = await send(sandbox.url, tls, { method: 'GET', path: '/_poll/unknown' });
    expect(poll.status).toBe(404);
    expect(poll.headers['x-sandbox-processing-ms']).toBeDefined();
  });

  it('refuses a client without a certificate during the handshake', async () => {
    const { body, headers } = syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
    await expect(
      send(sandbox.url, { ca: tls.ca }, { path: '/sync-service', headers, body }),
    ).rejects.toThrow();
  });

  it('refuses a client whose certificate comes from another CA', async () => {
    const other = await foreignPki(join(dir, 'foreign'));
    const { body, headers } = syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
    const { readFileSync } = await import('node:fs');
    await expect(
      send(
        sandbox.url,
        {
          ca: tls.ca,
          cert: readFileSync(other.clientCertFile, 'utf8'),
          key: readFileSync(other.clientKeyFile, 'utf8'),
        },
        { path: '/sync-service', headers, body },
      ),
    ).rejects.toThrow();
  });

  it('is only reachable as a server the client can verify against the sandbox CA', async () => {
    const { body, headers } = syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
    await expect(
      send(sandbox.url, { cert: tls.cert, key: tls.key }, { path: '/sync-service', headers, body }),
    ).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });
});
