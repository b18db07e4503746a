// The inbound listener Spine posts async replies to (spine-hl7v3.md 4.4): mutual TLS, an ebXML
// Acknowledgment for every accepted message, MessageError 501314 for a message addressed to
// another party, correlation on RefToMessageId, and a repeated MessageId processed only once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ensurePki, foreignPki, type SandboxPki } from '../../spine-sandbox/certs';
import { startInboundListener, type InboundListener } from '../../../main/spine/replies';
import { buildEbxmlMessage, parseEbxmlMessage } from '../../../main/hl7/ebxml';
import { silentLogger } from '../../../main/log/logger';

const OURS = 'SMSPT-0000001';
const SPINE = 'YES-0000806';
let dir: string;
let pki: SandboxPki;
let foreign: SandboxPki;
let listener: InboundListener;

const ack = (ref: string) =>
  `<MCCI_IN010000UK13 xmlns="urn:hl7-org:v3"><id root="${randomUUID().toUpperCase()}"/>` +
  `<interactionId root="2.16.840.1.113883.2.1.3.2.4.12" extension="MCCI_IN010000UK13"/>` +
  `<acknowledgement typeCode="AA"><messageRef><id root="${ref}"/></messageRef></acknowledgement></MCCI_IN010000UK13>`;

function spineMessage(refToMessageId: string, to = OURS, messageId = randomUUID().toUpperCase()) {
  return {
    messageId,
    ...buildEbxmlMessage({
      cpaId: 'S20001A000182',
      conversationId: refToMessageId,
      messageId,
      refToMessageId,
      service: 'urn:nhs:names:services:psis',
      action: 'MCCI_IN010000UK13',
      fromPartyKey: SPINE,
      toPartyKey: to,
      ackRequested: true,
      duplicateElimination: true,
      syncReply: true,
      hl7: ack(refToMessageId),
    }),
  };
}

async function post(
  message: { contentType: string; body: string },
  client: SandboxPki = pki,
): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(listener.url);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        ca: pki.caPem,
        cert: readFileSyncCache(client.clientCertFile),
        key: readFileSyncCache(client.clientKeyFile),
        headers: {
          'Content-Type': message.contentType,
          SOAPAction: 'urn:nhs:names:services:psis/MCCI_IN010000UK13',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(message.body);
  });
}

const pem = new Map<string, string>();
const readFileSyncCache = (file: string): string => {
  const value = pem.get(file);
  if (value === undefined) throw new Error(`not loaded: ${file}`);
  return value;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spine-inbound-'));
  pki = await ensurePki(join(dir, 'ours'));
  foreign = await foreignPki(join(dir, 'foreign'));
  for (const file of [pki.clientCertFile, pki.clientKeyFile, foreign.clientCertFile, foreign.clientKeyFile]) {
    pem.set(file, await readFile(file, 'utf8'));
  }
  listener = await startInboundListener({
    host: '127.0.0.1',
    port: 0,
    cert: Buffer.from(pki.serverCertPem),
    key: Buffer.from(pki.serverKeyPem),
    ca: Buffer.from(pki.caPem),
    requireClientCert: true,
    ourPartyKey: OURS,
    log: silentLogger,
    maxBodyBytes: 5 * 1024 * 1024,
  });
});

afterAll(async () => {
  await listener?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('inbound listener', () => {
  it('acknowledges a reliable reply and hands it to whoever waits for that message', async () => {
    const ours = randomUUID().toUpperCase();
    const waiting = listener.expect(ours, ours, 5_000);
    const message = spineMessage(ours);
    const answer = await post(message);
    expect(answer.status).toBe(200);
    const signal = parseEbxmlMessage(answer.contentType, answer.body).header;
    expect(signal).toMatchObject({
      kind: 'acknowledgment',
      refToMessageId: message.messageId,
      conversationId: ours,
      cpaId: 'S20001A000182',
      from: OURS,
      to: SPINE,
    });
    const delivery = await waiting;
    expect(delivery.reading.refToMessageId).toBe(ours);
    expect(delivery.reading.hl7).toContain('MCCI_IN010000UK13');
  });

  it('keeps a reply that overtakes the sender until it asks for it', async () => {
    const ours = randomUUID().toUpperCase();
    await post(spineMessage(ours));
    const delivery = await listener.expect(ours, ours, 1_000);
    expect(delivery.reading.refToMessageId).toBe(ours);
  });

  it('refuses a message for another party with MessageError 501314 and does not deliver it', async () => {
    const ours = randomUUID().toUpperCase();
    const before = listener.stats().refused;
    const answer = await post(spineMessage(ours, 'SOMEONE-ELSE'));
    const signal = parseEbxmlMessage(answer.contentType, answer.body).header;
    expect(signal.kind).toBe('error');
    expect(signal.errors[0]?.description).toBe('501314:Invalid To Party Type attribute');
    expect(listener.stats().refused).toBe(before + 1);
    await expect(listener.expect(ours, ours, 200)).rejects.toMatchObject({ code: 'SPINE_TIMEOUT' });
  });

  it('acknowledges a duplicate delivery again but processes it once', async () => {
    const ours = randomUUID().toUpperCase();
    const message = spineMessage(ours);
    const before = listener.stats();
    const first = await post(message);
    const second = await post(message);
    expect(parseEbxmlMessage(first.contentType, first.body).header.kind).toBe('acknowledgment');
    expect(parseEbxmlMessage(second.contentType, second.body).header.kind).toBe('acknowledgment');
    expect(listener.stats().received).toBe(before.received + 1);
    expect(listener.stats().duplicates).toBe(before.duplicates + 1);
  });

  it('refuses a caller without a certificate from the trusted CA at the TLS layer', async () => {
    await expect(post(spineMessage(randomUUID().toUpperCase()), foreign)).rejects.toThrow();
  });
});
