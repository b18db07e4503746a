// Asynchronous ebXML through the real transport against the real sandbox over mutual TLS: express
// queries and reliable uploads, replies by polling the sync-async façade and by the inbound
// listener, each fault kind on the async path, and the outbox states the UI and audit see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPdsAdvancedTrace } from '../../../main/hl7/pds';
import { buildPsisDocumentListRequest, buildPsisDocumentRequest } from '../../../main/hl7/psis';
import { buildLrSelfClaim } from '../../../main/hl7/lrs';
import { parseHl7 } from '../../../main/hl7/parse';
import { ensurePki, foreignPki } from '../../spine-sandbox/certs';
import {
  author,
  call,
  gpSummaryCall,
  makeSandbox,
  makeTransport,
  rejection,
  type SandboxUnderTest,
  type TransportUnderTest,
} from './harness';

let env: SandboxUnderTest;
let polling: TransportUnderTest;
let inbound: TransportUnderTest;
let inboundDir: string;

const fast = { retries: 2, retryIntervalMs: 100, persistDurationMs: 20_000, pollBudgetMs: 10_000 };

beforeAll(async () => {
  env = await makeSandbox();
  polling = await makeTransport(env.sandbox, fast);
  inboundDir = await mkdtemp(join(tmpdir(), 'spine-inbound-pki-'));
  // Our listener's own certificate; Spine (the sandbox) verifies it against this CA.
  const listenerPki = await ensurePki(inboundDir);
  inbound = await makeTransport(env.sandbox, {
    ...fast,
    replies: 'inbound',
    inbound: {
      cert: listenerPki.serverCertFile,
      key: listenerPki.serverKeyFile,
      ca: env.sandbox.ca,
      requireClientCert: true,
      budgetMs: 3_000,
    },
  });
  const url = inbound.transport.inboundUrl;
  if (!url) throw new Error('the inbound listener did not start');
  env.sandbox.setInbound({ url, ca: listenerPki.caFile });
});

afterAll(async () => {
  await polling?.close();
  await inbound?.close();
  await env?.close();
  if (inboundDir) await rm(inboundDir, { recursive: true, force: true });
});

const documentList = (nhsNumber: string) =>
  call('QUPC_IN160101UK05', (context) => buildPsisDocumentListRequest(context, { nhsNumber }), nhsNumber);

const uploadsOf = (messageId: string) => env.sandbox.state.uploads.filter((u) => u.messageId === messageId);

describe.each([
  ['polling the sync-async façade', () => polling],
  ['the inbound listener', () => inbound],
])('express queries, replies by %s', (_label, client) => {
  it('lists documents (QUPC_IN160101UK05 → QUPC_IN160102UK05) and fetches one (QUPC_IN160103UK05)', async () => {
    const list = await client().transport.request(documentList('9000000009'));
    const parsed = parseHl7(list.hl7);
    expect(parsed.interactionId).toBe('QUPC_IN160102UK05');
    const latest = parsed.documents[0];
    expect(latest?.id).toBeTruthy();
    const document = await client().transport.request(
      call(
        'QUPC_IN160103UK05',
        (context) =>
          buildPsisDocumentRequest(context, { nhsNumber: '9000000009', documentId: latest?.id ?? '' }),
        '9000000009',
      ),
    );
    expect(parseHl7(document.hl7).interactionId).toBe('QUPC_IN160104UK05');
  });

  it('runs an advanced trace (QUPA_IN000006UK02 → QUPA_IN000011UK02)', async () => {
    const reply = await client()
      .transport.request(
        call('QUPA_IN000006UK02', (context) =>
          buildPdsAdvancedTrace(context, {
            family: 'SMITH',
            gender: 'female',
            birthDateFrom: '1900-01-01',
            birthDateTo: '2020-12-31',
          }),
        ),
      )
      .catch((error: Error & { code?: string }) => error);
    if (reply instanceof Error) expect(reply.code).toBe('PATIENT_NOT_FOUND');
    else expect(parseHl7(reply.hl7).interactionId).toBe('QUPA_IN000011UK02');
  });

  it('reports a patient with no SCR as NO_SCR', async () => {
    const error = await rejection(client().transport.request(documentList('9000000033')));
    expect(error.code).toBe('NO_SCR');
  });

  it('resends a query after a retryable SOAP fault (206) and gets the answer', async () => {
    env.sandbox.setFaults([{ kind: 'soap-fault', interaction: 'QUPC_IN160101UK05', code: '206', times: 1 }]);
    const reply = await client().transport.request(documentList('9000000009'));
    expect(parseHl7(reply.hl7).interactionId).toBe('QUPC_IN160102UK05');
  });

  it('does not resend a query after an ebXML MessageError: SPINE_REJECTED', async () => {
    env.sandbox.setFaults([
      {
        kind: 'ebxml-error',
        interaction: 'QUPC_IN160101UK05',
        description: '501319:Unknown eb:CPAId',
        times: 1,
      },
    ]);
    const error = await rejection(client().transport.request(documentList('9000000009')));
    expect(error.code).toBe('SPINE_REJECTED');
    expect(error.message).toMatch(/501319/);
  });

  it('tells the pharmacist when the answer never comes (reply dropped)', async () => {
    env.sandbox.setFaults([{ kind: 'async-drop', interaction: 'QUPC_IN160101UK05', times: 1 }]);
    // Polling gets its own short budget; the inbound client waits its configured 3 s.
    const short =
      client() === polling ? await makeTransport(env.sandbox, { ...fast, pollBudgetMs: 600 }) : null;
    try {
      const started = Date.now();
      const error = await rejection((short ?? client()).transport.request(documentList('9000000009')));
      expect(error.code).toBe('SPINE_TIMEOUT');
      expect(error.message).toMatch(/did not send its answer within .* try again; nothing was changed/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      await short?.close();
      env.sandbox.clearFaults();
    }
  });
});

describe('reliable upload through the outbox (façade polling)', () => {
  it('goes queued → sent → accepted → acknowledged, seen by the UI and the audit trail, once at Spine', async () => {
    const { transport, uploads, audited } = polling;
    uploads.length = 0;
    audited.length = 0;
    const queued = await transport.enqueue(gpSummaryCall('9000000009'));
    expect(queued.state).toBe('queued');
    const settled = await transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('acknowledged');
    expect(uploads.filter((u) => u.uploadId === queued.id).map((u) => u.state)).toEqual([
      'queued',
      'sent',
      'accepted',
      'acknowledged',
    ]);
    expect(
      audited
        .filter((e) => e.type === 'spine.outbox')
        .map((e) => [e.outcome, e.messageId, e.nhsNumber, e.detail?.['state']]),
    ).toEqual([
      ['info', queued.messageId, '9000000009', 'queued'],
      ['info', queued.messageId, '9000000009', 'sent'],
      ['info', queued.messageId, '9000000009', 'accepted'],
      ['success', queued.messageId, '9000000009', 'acknowledged'],
    ]);
    expect(uploadsOf(queued.messageId)).toHaveLength(1);
    expect(uploadsOf(queued.messageId)[0]?.outcome).toBe('AA');
  });

  it('self-claims a legitimate relationship (REPC_IN040000UK15) and Spine records it', async () => {
    const queued = await polling.transport.enqueue(
      call(
        'REPC_IN040000UK15',
        (context) => buildLrSelfClaim(context, { nhsNumber: '9000000009', reasonCode: '01' }),
        '9000000009',
      ),
    );
    expect((await polling.transport.settle(queued.id, 15_000)).state).toBe('acknowledged');
    expect([...env.sandbox.state.relationships]).toContain(`9000000009:${author.userUuid}`);
  });

  it('resends the SAME message after retryable faults 206 then 208, and Spine records it once', async () => {
    env.sandbox.setFaults([
      { kind: 'soap-fault', interaction: 'REPC_IN150016UK05', code: '206', times: 1 },
      { kind: 'soap-fault', interaction: 'REPC_IN150016UK05', code: '208', times: 1 },
    ]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('acknowledged');
    expect(
      polling.audited.filter((e) => e.messageId === queued.messageId && e.detail?.['state'] === 'sent')
        .length,
    ).toBeGreaterThanOrEqual(3);
    expect(uploadsOf(queued.messageId)).toHaveLength(1);
  });

  it('resends after a connection reset', async () => {
    env.sandbox.setFaults([{ kind: 'reset', interaction: 'REPC_IN150016UK05', times: 1 }]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    expect((await polling.transport.settle(queued.id, 15_000)).state).toBe('acknowledged');
    expect(uploadsOf(queued.messageId)).toHaveLength(1);
  });

  it('resends the same message after a response timeout, and Spine records it once', async () => {
    const quick = await makeTransport(env.sandbox, { ...fast, responseTimeoutMs: 400 });
    try {
      env.sandbox.setFaults([{ kind: 'timeout', interaction: 'REPC_IN150016UK05', ms: 2_000, times: 1 }]);
      const queued = await quick.transport.enqueue(gpSummaryCall('9000000009'));
      const settled = await quick.transport.settle(queued.id, 15_000);
      expect(settled.state).toBe('acknowledged');
      expect(uploadsOf(queued.messageId)).toHaveLength(1);
    } finally {
      await quick.close();
      env.sandbox.clearFaults();
    }
  });

  it.each([
    ['malformed', { kind: 'malformed' as const }, 'malformed'],
    ['oversized', { kind: 'oversized' as const, bytes: 6 * 1024 * 1024 }, 'oversized'],
    ['HTTP 503', { kind: 'http-status' as const, status: 503 }, 'HTTP 503'],
  ])('does not resend after a %s answer: failed after one attempt', async (_name, fault, _what) => {
    env.sandbox.setFaults([{ ...fault, interaction: 'REPC_IN150016UK05', times: 1 }]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    env.sandbox.clearFaults();
    expect(settled.state).toBe('failed');
    expect(settled.message?.length ?? 0).toBeGreaterThan(20);
    expect(
      polling.audited.filter((e) => e.messageId === queued.messageId && e.detail?.['state'] === 'sent'),
    ).toHaveLength(1);
  });

  it('never resends an upload to a Spine whose certificate is not from the pinned CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spine-foreign-'));
    try {
      const foreign = await foreignPki(dir);
      const wrong = await makeTransport(env.sandbox, {
        ...fast,
        spine: { tls: { ca: foreign.caFile, cert: env.sandbox.clientCert, key: env.sandbox.clientKey } },
      });
      try {
        const queued = await wrong.transport.enqueue(gpSummaryCall('9000000009'));
        const settled = await wrong.transport.settle(queued.id, 10_000);
        expect(settled.state).toBe('failed');
        expect(settled.message).toMatch(/could not be verified.*IT service desk/);
        expect(
          wrong.audited.filter((e) => e.messageId === queued.messageId && e.detail?.['state'] === 'sent'),
        ).toHaveLength(1);
        expect(uploadsOf(queued.messageId)).toHaveLength(0);
      } finally {
        await wrong.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is acknowledged despite added latency', async () => {
    env.sandbox.setFaults([{ kind: 'latency', interaction: 'REPC_IN150016UK05', ms: 300, times: 1 }]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    expect((await polling.transport.settle(queued.id, 15_000)).state).toBe('acknowledged');
  });

  it('gives up after the configured retries: failed, with what to do next', async () => {
    env.sandbox.setFaults([{ kind: 'soap-fault', interaction: 'REPC_IN150016UK05', code: '200', times: 5 }]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    env.sandbox.clearFaults();
    expect(settled.state).toBe('failed');
    expect(settled.message).toMatch(/after 3 attempts; send it again later/);
    expect(uploadsOf(queued.messageId)).toHaveLength(0);
  });

  it('does not resend after a non-retryable fault (300): failed after one attempt', async () => {
    env.sandbox.setFaults([{ kind: 'soap-fault', interaction: 'REPC_IN150016UK05', code: '300', times: 1 }]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('failed');
    expect(
      polling.audited.filter((e) => e.messageId === queued.messageId && e.detail?.['state'] === 'sent'),
    ).toHaveLength(1);
  });

  it('treats an ebXML MessageError as a final rejection', async () => {
    env.sandbox.setFaults([
      {
        kind: 'ebxml-error',
        interaction: 'REPC_IN150016UK05',
        description: '501319:Unknown eb:CPAId',
        times: 1,
      },
    ]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('rejected');
    expect(settled.message).toMatch(/501319/);
  });

  it("records Spine's business rejection (AE 420/30402) with a message the pharmacist can act on", async () => {
    env.sandbox.setFaults([
      {
        kind: 'ack',
        interaction: 'REPC_IN150016UK05',
        ackCode: 'AE',
        code: '420',
        display: '30402 - PQR-02 - No explicit Service User Consent exists for Sharing of this record',
        times: 1,
      },
    ]);
    const queued = await polling.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await polling.transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('rejected');
    expect(settled.message?.length ?? 0).toBeGreaterThan(20);
  });

  it('expires a message whose business reply never comes', async () => {
    const short = await makeTransport(env.sandbox, { ...fast, pollBudgetMs: 800 });
    try {
      env.sandbox.setFaults([{ kind: 'async-drop', interaction: 'REPC_IN150016UK05', times: 1 }]);
      const queued = await short.transport.enqueue(gpSummaryCall('9000000009'));
      const settled = await short.transport.settle(queued.id, 10_000);
      expect(settled.state).toBe('expired');
      expect(settled.message).toMatch(/did not confirm it within 0.8 s/);
    } finally {
      await short.close();
      env.sandbox.clearFaults();
    }
  });

  it('expires a message Spine keeps refusing past the persist duration', async () => {
    const short = await makeTransport(env.sandbox, {
      ...fast,
      retries: 5,
      retryIntervalMs: 200,
      persistDurationMs: 500,
    });
    try {
      env.sandbox.setFaults([
        { kind: 'soap-fault', interaction: 'REPC_IN150016UK05', code: '200', times: 10 },
      ]);
      const queued = await short.transport.enqueue(gpSummaryCall('9000000009'));
      const settled = await short.transport.settle(queued.id, 10_000);
      expect(settled.state).toBe('expired');
    } finally {
      await short.close();
      env.sandbox.clearFaults();
    }
  });
});

describe('reliable upload with the inbound listener', () => {
  it('is acknowledged through the listener and a duplicate delivery changes nothing', async () => {
    env.sandbox.setFaults([{ kind: 'async-duplicate', interaction: 'REPC_IN150016UK05', times: 1 }]);
    const queued = await inbound.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await inbound.transport.settle(queued.id, 15_000);
    expect(settled.state).toBe('acknowledged');
    expect(
      inbound.uploads.filter((u) => u.uploadId === queued.id && u.state === 'acknowledged'),
    ).toHaveLength(1);
    expect(uploadsOf(queued.messageId)).toHaveLength(1);
  });

  it('waits for a delayed reply', async () => {
    env.sandbox.setFaults([{ kind: 'async-delay', interaction: 'REPC_IN150016UK05', ms: 500, times: 1 }]);
    const queued = await inbound.transport.enqueue(gpSummaryCall('9000000009'));
    expect((await inbound.transport.settle(queued.id, 15_000)).state).toBe('acknowledged');
  });
});
