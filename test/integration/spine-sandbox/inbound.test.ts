// Delivery of async replies to a client inbound endpoint (spec 4.4): Spine posts the reply over
// mutual TLS, expects an ebXML Acknowledgment for reliable messages, retries a bounded number of
// times, and can be made to deliver twice.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../spine-sandbox/index';
import { ebxmlAcknowledgment, ebxmlMessageError } from '../../spine-sandbox/errors';
import { parseMultipart } from '../../spine-sandbox/ebxml';
import { child, parseXml, path, text } from '../../spine-sandbox/xml';
import {
  asyncHl7,
  docListQuery,
  ebxmlRequest,
  gpSummarySubject,
  identityOf,
  send,
  uuid,
  type TlsIdentity,
} from './client';

interface Received {
  soapAction: string;
  messageId: string;
  refToMessageId: string;
  ackRequested: boolean;
  hl7: string;
  clientCertSubject: string;
}

let dir: string;
let sandbox: SandboxHandle;
let tls: TlsIdentity;
let inbound: Server;
let received: Received[] = [];
let acknowledge: boolean | 'message-error' = true;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-inbound-'));
  sandbox = await startSandbox({
    dataDir: dir,
    identity: false,
    deliveryAttempts: 3,
    deliveryIntervalMs: 50,
  });
  tls = identityOf(sandbox);
  // The client's inbound listener: its endpoint certificate, and only Spine (the sandbox CA) may post.
  inbound = createServer(
    {
      key: readFileSync(sandbox.clientKey),
      cert: readFileSync(sandbox.clientCert),
      ca: readFileSync(sandbox.ca),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parts = parseMultipart(String(req.headers['content-type']), Buffer.concat(chunks));
        const env = parseXml(parts[0]?.body ?? '');
        const mh = path(env, 'Header', 'MessageHeader');
        const messageId = text(path(mh, 'MessageData', 'MessageId'));
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        received.push({
          soapAction: String(req.headers.soapaction),
          messageId,
          refToMessageId: text(path(mh, 'MessageData', 'RefToMessageId')),
          ackRequested: child(child(env, 'Header'), 'AckRequested') !== undefined,
          hl7: parts[1]?.body ?? '',
          clientCertSubject: String(peer.subject?.CN ?? ''),
        });
        if (!acknowledge) {
          res.writeHead(500).end();
          return;
        }
        if (acknowledge === 'message-error') {
          res.writeHead(200, { 'Content-Type': 'text/xml' });
          res.end(
            ebxmlMessageError(
              {
                fromPartyKey: sandbox.clientPartyKey,
                toPartyKey: sandbox.spinePartyKey,
                cpaId: text(child(mh, 'CPAId')),
                conversationId: text(child(mh, 'ConversationId')),
              },
              messageId,
              { description: '501314:Invalid To Party Type attribute' },
            ),
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(
          ebxmlAcknowledgment(
            {
              fromPartyKey: sandbox.clientPartyKey,
              toPartyKey: sandbox.spinePartyKey,
              cpaId: text(child(mh, 'CPAId')),
              conversationId: text(child(mh, 'ConversationId')),
            },
            messageId,
          ),
        );
      });
    },
  );
  await new Promise<void>((resolve) => inbound.listen(0, '127.0.0.1', resolve));
  sandbox.setInbound({ url: `https://127.0.0.1:${(inbound.address() as AddressInfo).port}/` });
});

afterEach(() => {
  received = [];
  acknowledge = true;
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => inbound.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('inbound delivery', () => {
  it('posts the reliable business acknowledgement over mutual TLS and records the ebXML Acknowledgment', async () => {
    const r = ebxmlRequest(sandbox, {
      interactionId: 'REPC_IN150016UK05',
      hl7: asyncHl7(sandbox, 'REPC_IN150016UK05', gpSummarySubject('9000000009', uuid())),
    });
    const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    expect(accepted.status).toBe(202);
    await until(() => sandbox.deliveries.some((d) => d.refToMessageId === r.messageId && d.acknowledged));
    const got = received.find((x) => x.refToMessageId === r.messageId);
    expect(got?.soapAction).toBe('urn:nhs:names:services:psis/MCCI_IN010000UK13');
    expect(got?.ackRequested).toBe(true);
    expect(got?.hl7).toContain('GP Summary upload successful');
    expect(got?.clientCertSubject).toBe('localhost');
    expect(sandbox.deliveries.find((d) => d.refToMessageId === r.messageId)?.attempts).toBe(1);
  });

  it('delivers an express reply without asking for an acknowledgement', async () => {
    const r = ebxmlRequest(sandbox, {
      interactionId: 'QUPC_IN160101UK05',
      hl7: asyncHl7(sandbox, 'QUPC_IN160101UK05', docListQuery('9000000009')),
    });
    await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    await until(() => received.some((x) => x.refToMessageId === r.messageId));
    const got = received.find((x) => x.refToMessageId === r.messageId);
    expect(got?.ackRequested).toBe(false);
    expect(got?.hl7).toContain('<QUPC_IN160102UK05');
  });

  it('retries a delivery that is not acknowledged, a bounded number of times, with the same MessageId', async () => {
    acknowledge = false;
    const r = ebxmlRequest(sandbox, {
      interactionId: 'REPC_IN150016UK05',
      hl7: asyncHl7(sandbox, 'REPC_IN150016UK05', gpSummarySubject('9000000009', uuid())),
    });
    await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    await until(() => sandbox.deliveries.find((d) => d.refToMessageId === r.messageId)?.attempts === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const mine = received.filter((x) => x.refToMessageId === r.messageId);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(1);
    expect(sandbox.deliveries.find((d) => d.refToMessageId === r.messageId)?.acknowledged).toBe(false);
  });

  it('stops at once when the inbound endpoint answers with an ebXML MessageError', async () => {
    acknowledge = 'message-error';
    const r = ebxmlRequest(sandbox, {
      interactionId: 'REPC_IN150016UK05',
      hl7: asyncHl7(sandbox, 'REPC_IN150016UK05', gpSummarySubject('9000000009', uuid())),
    });
    await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    await until(
      () =>
        sandbox.deliveries
          .find((d) => d.refToMessageId === r.messageId)
          ?.lastResult.startsWith('MessageError') === true,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const delivery = sandbox.deliveries.find((d) => d.refToMessageId === r.messageId);
    expect(delivery?.attempts).toBe(1);
    expect(delivery?.acknowledged).toBe(false);
    expect(delivery?.lastResult).toContain('501314');
  });

  it('delivers twice with the same MessageId when asked (duplicate delivery)', async () => {
    sandbox.setFaults([{ kind: 'async-duplicate', interaction: 'QUPC_IN160101UK05', times: 1 }]);
    const r = ebxmlRequest(sandbox, {
      interactionId: 'QUPC_IN160101UK05',
      hl7: asyncHl7(sandbox, 'QUPC_IN160101UK05', docListQuery('9000000009')),
    });
    await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    await until(() => received.filter((x) => x.refToMessageId === r.messageId).length === 2);
    const mine = received.filter((x) => x.refToMessageId === r.messageId);
    expect(mine[0]?.messageId).toBe(mine[1]?.messageId);
  });
});
