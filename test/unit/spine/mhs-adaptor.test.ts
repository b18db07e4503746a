// MHS adaptor mode: the transport sends through the adaptor's outbound API (headers Interaction-Id,
// Message-Id, Correlation-Id, wait-for-response, from-asid; JSON body {"payload": HL7} — shapes
// from the fixtures NHSDigital__integration-adaptor-mhs/rest-client__* and *postman*). The adaptor
// is an external component, so it is a small loopback test double here, over real HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSpineTransport, type SpineTransport } from '../../../main/spine/transport';
import { AppConfig } from '../../../main/config/schema';
import { EventBus } from '../../../main/api/event-bus';
import { silentLogger } from '../../../main/log/logger';
import { buildPdsRetrieval } from '../../../main/hl7/pds';
import { buildLrSelfClaim } from '../../../main/hl7/lrs';
import type { AuditEventInput } from '../../../main/audit/sink';

// The project's own copies (test/fixtures/PROVENANCE.md): tests never read ../shared.
const fixtures = fileURLToPath(new URL('../../fixtures/spine/nhsdigitalmait__SPINE_MTH/', import.meta.url));
const author = { roleProfileId: '555254240100', userUuid: '555254239107', jobRoleCode: 'S8000:G8000:R8000' };

interface Seen {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: { payload: string };
}

let ack: string;
let nack: string;
let adaptor: http.Server;
let url: string;
const seen: Seen[] = [];
/** What the fake does with the next requests, in order; then it acknowledges. */
const script: ('drop' | 'error' | 'accept' | 'nack' | 'wrong-ref')[] = [];

const fill = (template: string, messageRef: string): string =>
  template
    .replace(/__MSGID_UUID__/g, '9C1B8A8E-1111-4E6A-9C8B-0123456789AB')
    .replace(/__CREATION_TIMESTAMP__/g, '20261125120000')
    .replace(/__ACKNOWLEDGED_MESSAGEID_XPATH__|__ORIGINAL_MSGID_XPATH__/g, messageRef)
    .replace(/__[A-Z_]+__/g, '200000001115');

beforeAll(async () => {
  ack = await readFile(
    join(fixtures, 'simulator_config__SCR_MiniService_Ruleset__MCCI_IN010000UK13_Success.xml'),
    'utf8',
  );
  nack = await readFile(
    join(fixtures, 'simulator_config__SCR_GP_Summary_Ruleset__MCCI_IN010000UK13_1102_4.xml'),
    'utf8',
  );
  adaptor = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: string };
      seen.push({ headers: req.headers, body });
      const step = script.shift();
      if (step === 'drop') {
        req.socket.destroy();
        return;
      }
      if (step === 'error') {
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end('Error whilst attempting to send the message to the MHS');
        return;
      }
      if (step === 'accept') {
        res.writeHead(202).end();
        return;
      }
      const messageId =
        step === 'wrong-ref' ? '0F0F0F0F-0000-4000-8000-000000000000' : String(req.headers['message-id']);
      const reply = step === 'nack' ? nack : ack;
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(fill(reply, messageId));
    });
  });
  await new Promise<void>((resolve) => adaptor.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(adaptor.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => adaptor.close(() => resolve()));
});

const open: { transport: SpineTransport; dir: string }[] = [];
afterEach(async () => {
  for (const { transport, dir } of open.splice(0)) {
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  }
  seen.length = 0;
  script.length = 0;
});

async function transport(audited: AuditEventInput[] = []): Promise<SpineTransport> {
  const dir = await mkdtemp(join(tmpdir(), 'spine-mhs-'));
  const created = await createSpineTransport({
    config: AppConfig.parse({
      asid: '200000001115',
      spine: {
        mode: 'mhs-adaptor',
        spineAsid: '928942012545',
        mhsAdaptor: { url, waitForResponse: true },
        defaults: { retries: 2, retryInterval: 50, persistDuration: 10_000 },
      },
    }),
    dataDir: dir,
    log: silentLogger,
    events: new EventBus(),
    audit: {
      record: async (event) => {
        audited.push(event);
        return { sequence: audited.length };
      },
    },
  });
  open.push({ transport: created, dir });
  return created;
}

describe('MHS adaptor outbound API', () => {
  it('sends a synchronous interaction with the adaptor headers and returns the HL7 it answers', async () => {
    const client = await transport();
    const reply = await client.request({
      interactionId: 'QUPA_IN000008UK02',
      author,
      nhsNumber: '9000000009',
      build: (context) => buildPdsRetrieval(context, { nhsNumber: '9000000009' }),
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.headers['interaction-id']).toBe('QUPA_IN000008UK02');
    expect(request?.headers['message-id']).toBe(reply.messageId);
    expect(request?.headers['correlation-id']).toBe(reply.messageId);
    expect(request?.headers['wait-for-response']).toBe('true');
    expect(request?.headers['from-asid']).toBe('200000001115');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body.payload).toMatch(/^<QUPA_IN000008UK02|<\?xml/);
    expect(request?.body.payload).toContain(`root="${reply.messageId}"`);
    expect(reply.hl7).toContain('MCCI_IN010000UK13');
  });

  it('refuses a reply that acknowledges a different message (never shown to the user)', async () => {
    const client = await transport();
    script.push('wrong-ref');
    const error = await client
      .request({
        interactionId: 'QUPA_IN000008UK02',
        author,
        build: (context) => buildPdsRetrieval(context, { nhsNumber: '9000000009' }),
      })
      .then(
        () => null,
        (failure: Error & { code?: string; kind?: string }) => failure,
      );
    expect(error?.code).toBe('SPINE_ERROR');
    expect(error?.kind).toBe('malformed');
    expect(error?.message).toMatch(/answers a different request/);
  });

  it('queues a reliable message, resends it with the SAME Message-Id after a dropped connection, and records AA', async () => {
    const audited: AuditEventInput[] = [];
    const client = await transport(audited);
    script.push('drop');
    const queued = await client.enqueue({
      interactionId: 'REPC_IN040000UK15',
      author,
      nhsNumber: '9000000009',
      build: (context) => buildLrSelfClaim(context, { nhsNumber: '9000000009', reasonCode: '01' }),
    });
    expect(queued.state).toBe('queued');
    const settled = await client.settle(queued.id, 5_000);
    expect(settled.state).toBe('acknowledged');
    expect(seen.map((s) => s.headers['message-id'])).toEqual([queued.messageId, queued.messageId]);
    expect(seen[0]?.body.payload).toBe(seen[1]?.body.payload);
    const states = audited.filter((e) => e.type === 'spine.outbox').map((e) => e.detail?.['state']);
    expect(states).toEqual(['queued', 'sent', 'sent', 'sent', 'accepted', 'acknowledged']);
  });

  it("records a business rejection (AE) with Spine's reason, without resending", async () => {
    const client = await transport();
    script.push('nack');
    const queued = await client.enqueue({
      interactionId: 'REPC_IN040000UK15',
      author,
      build: (context) => buildLrSelfClaim(context, { nhsNumber: '9000000009', reasonCode: '01' }),
    });
    const settled = await client.settle(queued.id, 5_000);
    expect(settled.state).toBe('rejected');
    expect(settled.message).toMatch(/consent|permission|record/i);
    expect(seen).toHaveLength(1);
  });

  it('does not resend when the adaptor itself fails (HTTP 500): failed, with the message kept', async () => {
    const client = await transport();
    script.push('error');
    const queued = await client.enqueue({
      interactionId: 'REPC_IN040000UK15',
      author,
      build: (context) => buildLrSelfClaim(context, { nhsNumber: '9000000009', reasonCode: '01' }),
    });
    const settled = await client.settle(queued.id, 5_000);
    expect(settled.state).toBe('failed');
    expect(settled.message).toMatch(/HTTP 500/);
    expect(seen).toHaveLength(1);
    expect((await client.outbox()).map((item) => item.messageId)).toContain(queued.messageId);
  });

  it('leaves a message accepted when the adaptor takes it without waiting for Spine', async () => {
    const client = await transport();
    script.push('accept');
    const queued = await client.enqueue({
      interactionId: 'REPC_IN040000UK15',
      author,
      build: (context) => buildLrSelfClaim(context, { nhsNumber: '9000000009', reasonCode: '01' }),
    });
    const settled = await client.settle(queued.id, 5_000);
    expect(settled.state).toBe('accepted');
    expect(seen).toHaveLength(1);
  });
});
