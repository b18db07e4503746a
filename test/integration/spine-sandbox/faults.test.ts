// Fault injection: each fault kind as a client sees it, chosen per interaction, per NHS number or
// per request header, one-shot rules for deterministic retry tests, the admin API and a faults file.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../spine-sandbox/index';
import {
  asyncHl7,
  docListQuery,
  ebxmlRequest,
  gpSummarySubject,
  hl7Part,
  sandboxForFile,
  pollReply,
  retrievalQuery,
  send,
  syncRequest,
  uuid,
  type TlsIdentity,
} from './client';

let dir: string;
let sandbox: SandboxHandle;
let tls: TlsIdentity;
sandboxForFile('sandbox-faults-', (started, identity, folder) => {
  sandbox = started;
  tls = identity;
  dir = folder;
});
afterEach(() => sandbox.clearFaults());

const retrieval = (nhs = '9000000009', extra: Record<string, string> = {}, timeoutMs?: number) => {
  const r = syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery(nhs));
  return send(sandbox.url, tls, {
    path: '/sync-service',
    headers: { ...r.headers, ...extra },
    body: r.body,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
};

describe('transport faults', () => {
  it('adds latency without counting it as processing time', async () => {
    sandbox.setFaults([{ kind: 'latency', interaction: 'QUPA_IN000008UK02', ms: 300, times: 1 }]);
    const t0 = Date.now();
    const slow = await retrieval();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(slow.status).toBe(200);
    expect(Number(slow.headers['x-sandbox-processing-ms'])).toBeLessThan(250);
    const t1 = Date.now();
    await retrieval();
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it('times out (no answer) for a bounded time, then drops the connection', async () => {
    sandbox.setFaults([{ kind: 'timeout', ms: 1500, times: 1 }]);
    const t0 = Date.now();
    await expect(retrieval('9000000009', {}, 500)).rejects.toThrow(/timeout/);
    expect(Date.now() - t0).toBeLessThan(1400);
    expect((await retrieval()).status).toBe(200);
  });

  it('resets the connection', async () => {
    sandbox.setFaults([{ kind: 'reset', times: 1 }]);
    await expect(retrieval()).rejects.toThrow(/ECONNRESET/);
    expect((await retrieval()).status).toBe(200);
  });

  it.each(['200', '206', '208', '300'])(
    'answers HTTP 500 with SOAP fault %s, then recovers (one-shot)',
    async (code) => {
      sandbox.setFaults([{ kind: 'soap-fault', code, times: 1 }]);
      const faulted = await retrieval();
      expect(faulted.status).toBe(500);
      expect(faulted.body).toContain(`<nasp:errorCode>${code}</nasp:errorCode>`);
      expect(faulted.body).toContain('<nasp:codeContext>urn:nhs:names:error:tms</nasp:codeContext>');
      expect((await retrieval()).status).toBe(200);
    },
  );

  it('answers malformed XML', async () => {
    sandbox.setFaults([{ kind: 'malformed', times: 1 }]);
    const reply = await retrieval();
    expect(reply.status).toBe(200);
    const { parseXml } = await import('../../spine-sandbox/xml');
    expect(() => parseXml(reply.body)).toThrow();
  });

  it('answers an oversized body of the requested size', async () => {
    sandbox.setFaults([{ kind: 'oversized', bytes: 3 * 1024 * 1024, times: 1 }]);
    const reply = await retrieval();
    expect(reply.status).toBe(200);
    expect(Buffer.byteLength(reply.body)).toBe(3 * 1024 * 1024);
  });

  it('answers a bare HTTP status', async () => {
    sandbox.setFaults([{ kind: 'http-status', status: 503, times: 1 }]);
    expect((await retrieval()).status).toBe(503);
  });

  it('chooses by NHS number and by X-Sandbox-Fault header only', async () => {
    sandbox.setFaults([
      { kind: 'soap-fault', code: '300', nhsNumber: '9000000025' },
      { kind: 'http-status', status: 502, header: 'bad-gateway' },
    ]);
    expect((await retrieval('9000000009')).status).toBe(200);
    expect((await retrieval('9000000025')).status).toBe(500);
    expect((await retrieval('9000000009', { 'X-Sandbox-Fault': 'bad-gateway' })).status).toBe(502);
    expect(sandbox.faults()).toHaveLength(2);
  });

  it('answers a sync request with an AE acknowledgement of a chosen code', async () => {
    sandbox.setFaults([{ kind: 'ack', ackCode: 'AE', code: '400', display: 'Invalid Request', times: 1 }]);
    const reply = await retrieval();
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<retrievalQueryResponse><MCCI_IN010000UK13');
    expect(reply.body).toContain('typeCode="AE"');
    expect(reply.body).toMatch(/code="400"/);
  });

  it('does not change state when a fault answers instead (a retry with the same MessageId is then processed once)', async () => {
    const messageId = uuid();
    const documentId = uuid();
    sandbox.setFaults([{ kind: 'soap-fault', code: '206', interaction: 'REPC_IN150016UK05', times: 1 }]);
    const r = ebxmlRequest(sandbox, {
      interactionId: 'REPC_IN150016UK05',
      hl7: asyncHl7(sandbox, 'REPC_IN150016UK05', gpSummarySubject('9000000009', documentId)),
      messageId,
    });
    const first = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    expect(first.status).toBe(500);
    expect(first.body).toContain('<nasp:errorCode>206</nasp:errorCode>');
    const retry = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    expect(retry.status).toBe(202);
    await pollReply(sandbox, tls, String(retry.headers['content-location']));
    expect(sandbox.state.uploads.filter((u) => u.messageId === messageId)).toHaveLength(1);
  });
});

describe('async faults', () => {
  const listRequest = () =>
    ebxmlRequest(sandbox, {
      interactionId: 'QUPC_IN160101UK05',
      hl7: asyncHl7(sandbox, 'QUPC_IN160101UK05', docListQuery('9000000009')),
    });

  it('answers with an ebXML MessageError', async () => {
    sandbox.setFaults([{ kind: 'ebxml-error', description: '501319:Unknown eb:CPAId', times: 1 }]);
    const r = listRequest();
    const reply = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<eb:Action>MessageError</eb:Action>');
    expect(reply.body).toContain('501319:Unknown eb:CPAId');
  });

  it.each([
    ['AE', '420', 'Business condition related to access control'],
    ['AR', '502', 'Service Not Available'],
  ] as const)('replies asynchronously with MCCI %s %s', async (ackCode, code, display) => {
    sandbox.setFaults([{ kind: 'ack', ackCode, code, display, times: 1 }]);
    const r = listRequest();
    const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    const reply = hl7Part((await pollReply(sandbox, tls, String(accepted.headers['content-location']))).body);
    expect(reply).toContain(`typeCode="${ackCode}"`);
    expect(reply).toContain(`code="${code}"`);
  });

  it('delays the async reply', async () => {
    sandbox.setFaults([{ kind: 'async-delay', ms: 600, times: 1 }]);
    const r = listRequest();
    const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    const location = String(accepted.headers['content-location']);
    const early = await send(sandbox.url, tls, { method: 'GET', path: new URL(location).pathname });
    expect(early.status).toBe(202);
    const t0 = Date.now();
    const done = await pollReply(sandbox, tls, location);
    expect(done.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });

  it('never sends the async reply (the façade keeps answering 202)', async () => {
    sandbox.setFaults([{ kind: 'async-drop', times: 1 }]);
    const r = listRequest();
    const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    await expect(pollReply(sandbox, tls, String(accepted.headers['content-location']), 600)).rejects.toThrow(
      /no reply/,
    );
  });
});

describe('configuration paths', () => {
  it('takes rules from the admin API (loopback) and lists and clears them', async () => {
    const set = await send(sandbox.url, tls, {
      path: '/_admin/faults',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ kind: 'http-status', status: 504, times: 1 }]),
    });
    expect(set.status).toBe(200);
    expect((await retrieval()).status).toBe(504);
    const bad = await send(sandbox.url, tls, {
      path: '/_admin/faults',
      headers: { 'Content-Type': 'application/json' },
      body: '[{"kind":"nonsense"}]',
    });
    expect(bad.status).toBe(400);
    const listed = await send(sandbox.url, tls, { method: 'GET', path: '/_admin/faults' });
    expect(JSON.parse(listed.body)).toEqual([]);
  });

  it('loads rules from a faults file at start', async () => {
    const file = join(dir, 'faults.json');
    await writeFile(
      file,
      JSON.stringify([{ kind: 'soap-fault', code: '208', interaction: 'QUPA_IN000008UK02', times: 1 }]),
    );
    const other = await startSandbox({ dataDir: dir, identity: false, faultsFile: file });
    try {
      const r = syncRequest(other, 'QUPA_IN000008UK02', retrievalQuery('9000000009'));
      const reply = await send(other.url, tls, { path: '/sync-service', headers: r.headers, body: r.body });
      expect(reply.body).toContain('<nasp:errorCode>208</nasp:errorCode>');
    } finally {
      await other.close();
    }
  });
});
