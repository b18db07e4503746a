// Collecting asynchronous business replies (spine-hl7v3.md 4.4, 4.6; issue 4 "Business replies").
// (a) Polling the sync-async façade: POST answered 202 + Content-Location + Retry-After, then GET
//     that location until 200, inside a bounded budget. The default for a workstation behind NAT.
// (b) An inbound HTTPS listener Spine posts to: correlates on RefToMessageId (then ConversationId),
//     answers every reliable inbound message with an ebXML Acknowledgment, refuses a message for
//     another party with MessageError 501314, and ignores a repeated delivery of one MessageId.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger';
import { malformedReply, replyTimeout, SpineTransportError } from './errors';
import { buildAcknowledgment, buildMessageError, readEbxml, type EbxmlReading } from './hl7-port';
import type { HttpReply, SpineHttp } from './http';

export interface PollOptions {
  readonly budgetMs: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly maxReplyBytes: number;
  readonly changesRecord: boolean;
  /** Stops waiting early (client closing). */
  readonly signal?: AbortSignal;
}

/** Retry-After as the façade sends it: milliseconds (SCR API, spec 4.6) — or an HTTP seconds value. */
export function retryAfterMs(
  header: string | undefined,
  options: Pick<PollOptions, 'minIntervalMs' | 'maxIntervalMs'>,
): number {
  const value = header === undefined ? NaN : Number(header);
  const ms = Number.isFinite(value) && value >= 0 ? value : options.minIntervalMs;
  return Math.min(options.maxIntervalMs, Math.max(options.minIntervalMs, ms));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * GETs the façade location until it answers 200 (spec 4.6). 202 + Retry-After = not ready yet.
 * A network failure while polling is retried inside the budget (GET is idempotent); a TLS failure
 * or an unexpected status ends it.
 */
export async function pollForReply(
  http: SpineHttp,
  location: string,
  firstWaitMs: number,
  options: PollOptions,
): Promise<HttpReply> {
  const deadline = Date.now() + options.budgetMs;
  let wait = firstWaitMs;
  for (let round = 0; round < 10_000; round += 1) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || options.signal?.aborted) break;
    await sleep(Math.min(wait, remaining), options.signal);
    if (options.signal?.aborted) break;
    let reply: HttpReply;
    try {
      reply = await http.send({
        method: 'GET',
        url: location,
        headers: { Accept: 'multipart/related, text/xml' },
        connectTimeoutMs: options.connectTimeoutMs,
        responseTimeoutMs: Math.max(100, Math.min(options.responseTimeoutMs, deadline - Date.now())),
        maxReplyBytes: options.maxReplyBytes,
        changesRecord: options.changesRecord,
      });
    } catch (error) {
      if (error instanceof SpineTransportError && error.retryable) {
        wait = options.minIntervalMs * 4;
        continue;
      }
      throw error;
    }
    if (reply.status === 200 || reply.status === 500) return reply;
    if (reply.status === 202) {
      wait = retryAfterMs(reply.headers['retry-after'], options);
      continue;
    }
    throw malformedReply(`the reply service answered HTTP ${reply.status}`, options.changesRecord);
  }
  throw replyTimeout(options.budgetMs, options.changesRecord);
}

/** A business message Spine delivered to us. */
export interface InboundDelivery {
  readonly reading: EbxmlReading;
  readonly receivedAt: number;
}

export interface InboundListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Trust anchor for Spine's client certificate. */
  readonly ca: Buffer | null;
  readonly requireClientCert: boolean;
  readonly ourPartyKey: string;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** Called once per distinct inbound MessageId (after its ack is decided). */
  readonly onDelivery?: (delivery: InboundDelivery) => void;
}

export interface InboundListener {
  readonly url: string;
  /** Resolves with the reply whose RefToMessageId (or ConversationId) is `messageId`. */
  expect(
    messageId: string,
    conversationId: string,
    budgetMs: number,
    signal?: AbortSignal,
  ): Promise<InboundDelivery>;
  /** Counts for tests and diagnostics. */
  stats(): { readonly received: number; readonly duplicates: number; readonly refused: number };
  close(): Promise<void>;
}

const MAX_REMEMBERED = 5_000;

export async function startInboundListener(options: InboundListenerOptions): Promise<InboundListener> {
  const waiters = new Map<string, (delivery: InboundDelivery) => void>();
  /** Replies that arrived before anyone waited (a reply can overtake the 202). */
  const unclaimed = new Map<string, InboundDelivery>();
  /** MessageIds already processed, for duplicate elimination (ebMS 2.0, spec 4.5). */
  const seen = new Set<string>();
  const counts = { received: 0, duplicates: 0, refused: 0 };

  const remember = <K, V>(map: Map<K, V> | Set<K>, key: K, value?: V) => {
    if (map instanceof Set) map.add(key);
    else if (value !== undefined) map.set(key, value);
    if (map.size > MAX_REMEMBERED) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  };

  const deliver = (delivery: InboundDelivery) => {
    const keys = [delivery.reading.refToMessageId, delivery.reading.conversationId].filter(
      (key): key is string => typeof key === 'string' && key.length > 0,
    );
    for (const key of keys) {
      const waiter = waiters.get(key.toUpperCase());
      if (waiter) {
        waiter(delivery);
        return;
      }
    }
    for (const key of keys) remember(unclaimed, key.toUpperCase(), delivery);
  };

  const answer = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, {
      'Content-Type': 'text/xml; charset=UTF-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > options.maxBodyBytes) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(buffer);
    }
    const contentType = request.headers['content-type'] ?? '';
    let reading: EbxmlReading;
    try {
      reading = readEbxml(contentType, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      options.log.warn('spine inbound: unreadable message', { error: (error as Error).message });
      response.writeHead(400).end();
      return;
    }
    // Why: spec 4.4 — a message addressed to another party is refused with 501314, never processed.
    if (reading.to !== options.ourPartyKey) {
      counts.refused += 1;
      answer(
        response,
        200,
        buildMessageError({
          received: reading,
          ourPartyKey: options.ourPartyKey,
          messageId: randomUUID().toUpperCase(),
          code: '501314',
          description: 'Invalid To Party Type attribute',
        }),
      );
      return;
    }
    // Reliable inbound messages must be acknowledged on this connection (spec 4.4); MHS acks every
    // message it accepts, express ones included, so do we.
    answer(
      response,
      200,
      buildAcknowledgment({
        received: reading,
        ourPartyKey: options.ourPartyKey,
        messageId: randomUUID().toUpperCase(),
      }),
    );
    const messageId = reading.messageId?.toUpperCase() ?? '';
    if (seen.has(messageId)) {
      // Why: duplicate elimination — the same MessageId again is acknowledged but not processed twice.
      counts.duplicates += 1;
      return;
    }
    remember(seen, messageId);
    counts.received += 1;
    const delivery = { reading, receivedAt: Date.now() };
    options.onDelivery?.(delivery);
    deliver(delivery);
  };

  const server = https.createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.ca ? { ca: options.ca } : {}),
      // Why: only Spine (a certificate from the Spine CA) may post replies to us.
      requestCert: options.requireClientCert,
      rejectUnauthorized: options.requireClientCert,
      minVersion: 'TLSv1.2',
    },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        options.log.error('spine inbound: handler failed', { error: (error as Error).message });
        if (!response.headersSent) response.writeHead(500).end();
      });
    },
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `https://${host}:${address.port}/`,
    expect(messageId, conversationId, budgetMs, signal) {
      const keys = [messageId.toUpperCase(), conversationId.toUpperCase()];
      for (const key of keys) {
        const early = unclaimed.get(key);
        if (early) {
          unclaimed.delete(key);
          return Promise.resolve(early);
        }
      }
      return new Promise<InboundDelivery>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          for (const key of keys) waiters.delete(key);
          signal?.removeEventListener('abort', onAbort);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(replyTimeout(budgetMs, false));
        }, budgetMs);
        const onAbort = () => {
          cleanup();
          reject(replyTimeout(budgetMs, false));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const onDelivery = (delivery: InboundDelivery) => {
          cleanup();
          resolve(delivery);
        };
        for (const key of keys) waiters.set(key, onDelivery);
      });
    },
    stats: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function readPemFile(file: string): Buffer {
  return readFileSync(file);
}
