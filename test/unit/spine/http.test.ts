// The transport's HTTPS layer against real loopback servers with real certificates: mutual TLS
// with a pinned CA, every network failure as the typed error and the words a pharmacist sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, foreignPki, type SandboxPki } from '../../spine-sandbox/certs';
import { createSpineHttp, type HttpExchange, type TlsMaterial } from '../../../main/spine/http';
import { SpineTransportError } from '../../../main/spine/errors';

let dir: string;
let ours: SandboxPki;
let foreign: SandboxPki;
let server: https.Server;
let stalled: net.Server;
let base: string;
let stalledUrl: string;
let tls12: https.Server;
let tls12Url: string;
const hanging = new Set<net.Socket>();

const material = async (pki: SandboxPki, clientOf: SandboxPki = pki): Promise<TlsMaterial> => ({
  ca: await readFile(pki.caFile),
  cert: await readFile(clientOf.clientCertFile),
  key: await readFile(clientOf.clientKeyFile),
});

const exchange = (path: string, extra: Partial<HttpExchange> = {}): HttpExchange => ({
  method: 'POST',
  url: `${base}${path}`,
  headers: { 'Content-Type': 'text/xml' },
  body: '<ping/>',
  connectTimeoutMs: 2_000,
  responseTimeoutMs: 2_000,
  maxReplyBytes: 1024 * 1024,
  changesRecord: false,
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<SpineTransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpineTransportError);
    return error as SpineTransportError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spine-http-'));
  ours = await ensurePki(join(dir, 'ours'));
  foreign = await foreignPki(join(dir, 'foreign'));
  server = https.createServer(
    {
      cert: ours.serverCertPem,
      key: ours.serverKeyPem,
      ca: ours.caPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/ok') res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<pong/>');
        else if (req.url === '/slow') hanging.add(req.socket);
        else if (req.url === '/reset') req.socket.destroy();
        else if (req.url === '/big') res.writeHead(200).end(Buffer.alloc(64 * 1024, 0x41));
        else res.writeHead(404).end();
      });
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The same, capped at TLS 1.2: client certificates are judged inside the handshake.
  tls12 = https.createServer(
    {
      cert: ours.serverCertPem,
      key: ours.serverKeyPem,
      ca: ours.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: 'TLSv1.2',
    },
    (_req, res) => res.writeHead(200).end('<pong/>'),
  );
  tls12.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tls12.listen(0, '127.0.0.1', resolve));
  tls12Url = `https://127.0.0.1:${(tls12.address() as AddressInfo).port}`;
  // Accepts TCP but never speaks TLS: the handshake cannot complete.
  stalled = net.createServer((socket) => hanging.add(socket));
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  stalledUrl = `https://127.0.0.1:${(stalled.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const socket of hanging) socket.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => stalled.close(() => resolve()));
  tls12.closeAllConnections();
  await new Promise<void>((resolve) => tls12.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('Spine HTTPS with mutual TLS', () => {
  it('talks to a server whose certificate chains to the pinned CA, presenting our certificate', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const reply = await http.send(exchange('/ok'));
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe('<pong/>');
    } finally {
      http.close();
    }
  });

  it('refuses a server certificate from another CA with TLS_ERROR, never retryable', async () => {
    const http = createSpineHttp({
      ...(await material(foreign)),
      cert: await readFile(ours.clientCertFile),
      key: await readFile(ours.clientKeyFile),
    });
    try {
      const error = await failure(http.send(exchange('/ok')));
      expect(error.code).toBe('TLS_ERROR');
      expect(error.kind).toBe('tls');
      expect(error.retryable).toBe(false);
      expect(error.maybeDelivered).toBe(false);
      expect(error.message).toMatch(/not signed by the configured Spine authority.*IT service desk/);
    } finally {
      http.close();
    }
  });

  it('does not trust the system roots when a Spine CA is pinned (a public CA cannot stand in)', async () => {
    // The foreign CA stands for any CA other than the pinned one, including public roots.
    const http = createSpineHttp(await material(foreign, ours));
    try {
      expect((await failure(http.send(exchange('/ok')))).code).toBe('TLS_ERROR');
    } finally {
      http.close();
    }
  });

  it('reports a client certificate refused in a TLS 1.2 handshake as TLS_ERROR, not a network blip', async () => {
    const http = createSpineHttp(await material(ours, foreign));
    try {
      const error = await failure(http.send(exchange('', { url: `${tls12Url}/ok` })));
      expect(error.code).toBe('TLS_ERROR');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/may not accept this workstation's certificate/);
    } finally {
      http.close();
    }
  });

  it('can only see a TLS 1.3 refusal of our certificate as a reset (the server decides after the handshake)', async () => {
    const http = createSpineHttp(await material(ours, foreign));
    try {
      const error = await failure(http.send(exchange('/ok')));
      expect(error.kind).toBe('reset');
      expect(error.code).toBe('SPINE_UNAVAILABLE');
    } finally {
      http.close();
    }
  });

  it('times out a server that never answers, saying so in seconds', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const started = Date.now();
      const error = await failure(http.send(exchange('/slow', { responseTimeoutMs: 300 })));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.code).toBe('SPINE_TIMEOUT');
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('Spine did not answer in 0.3 s — try again; nothing was changed.');
    } finally {
      http.close();
    }
  });

  it('says a record-changing call may have been recorded when the answer never came', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(
        http.send(exchange('/slow', { responseTimeoutMs: 200, changesRecord: true })),
      );
      expect(error.message).toMatch(/may have recorded it, so check before trying again/);
    } finally {
      http.close();
    }
  });

  it('times out a TLS handshake that never completes as a connect timeout (nothing sent)', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(http.send(exchange('', { url: stalledUrl, connectTimeoutMs: 300 })));
      expect(error.kind).toBe('connect-timeout');
      expect(error.maybeDelivered).toBe(false);
      expect(error.message).toMatch(/could not be reached within 0.3 s.*nothing was sent to Spine/);
    } finally {
      http.close();
    }
  });

  it('reports a refused connection as SPINE_UNAVAILABLE with nothing sent', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(http.send(exchange('', { url: `https://127.0.0.1:${port}/` })));
      expect(error.code).toBe('SPINE_UNAVAILABLE');
      expect(error.kind).toBe('refused');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/refused the connection.*nothing was sent to Spine/);
    } finally {
      http.close();
    }
  });

  it('reports a dropped connection as a reset that may have reached Spine', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(http.send(exchange('/reset')));
      expect(error.code).toBe('SPINE_UNAVAILABLE');
      expect(error.kind).toBe('reset');
      expect(error.maybeDelivered).toBe(true);
    } finally {
      http.close();
    }
  });

  it('stops reading a reply larger than the limit', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(http.send(exchange('/big', { maxReplyBytes: 4096 })));
      expect(error.code).toBe('SPINE_ERROR');
      expect(error.kind).toBe('malformed');
    } finally {
      http.close();
    }
  });

  it('reports a name that does not resolve as a DNS failure', async () => {
    const http = createSpineHttp(await material(ours));
    try {
      const error = await failure(
        http.send(exchange('', { url: 'https://spine.invalid/sync-service', connectTimeoutMs: 3_000 })),
      );
      expect(['dns', 'connect-timeout']).toContain(error.kind);
      expect(error.maybeDelivered).toBe(false);
    } finally {
      http.close();
    }
  });
});
