// The Spine sandbox (architecture.md section 5; issue 4 part 2): a real HTTPS server with mutual
// TLS from its own test CA, speaking Spine's messages from a synthetic patient pack, with fault
// injection. `startSandbox()` is what tests, training mode and the CLI use.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Socket as NetSocket, type Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { appendFileSync } from 'node:fs';
import type { IdentityService } from './identity/index';
import { ensurePki } from './certs';
import {
  FaultBook,
  loadFaultsFile,
  FaultRules,
  type FaultRule,
  type FaultKind,
  type FaultTarget,
} from './faults';
import { createState, loadPack, type SandboxState } from './patients';
import { answerSync, peekSync, type Answer, type SandboxIdentity } from './sync';
import { AsyncService, type Delivery, type InboundTarget } from './async';
import { nhsNumberOf } from './soap';
import { soapFault, faultDescriptions } from './errors';

export type { FaultRule } from './faults';
export type { SandboxState } from './patients';
export type { Delivery, InboundTarget } from './async';
export { INTERACTIONS, RELIABILITY } from './interactions';

export interface SandboxOptions {
  /** Where the test CA, certificates and identity state live (created if missing). */
  readonly dataDir: string;
  /** 0 or absent: any free port. Always bound to 127.0.0.1. */
  readonly port?: number;
  /** CA of the virtual smartcards, for the identity service. */
  readonly smartcardCaFile?: string;
  /** JSON array of fault rules applied from the start. */
  readonly faultsFile?: string;
  /** Latency added to every response (training realism). */
  readonly latencyMs?: number;
  /**
   * Mount the identity service (smartcard challenge/response, OIDC). Default true; the
   * sandbox's own transport tests turn it off so they do not depend on it.
   */
  readonly identity?: boolean;
  /** Async replies: delay before ready (default 20 ms), façade Retry-After in ms (default 50). */
  readonly replyDelayMs?: number;
  readonly retryAfterMs?: number;
  /** Inbound delivery: attempts (default 3) and interval (default 200 ms). */
  readonly deliveryAttempts?: number;
  readonly deliveryIntervalMs?: number;
  /** How long façade replies are kept (default 5 min). */
  readonly retentionMs?: number;
  /** Patient pack; defaults to test/spine-sandbox/patients.json. */
  readonly packFile?: string;
  /**
   * Appends one JSON line per request answered: `{"action", "ms"}`, the time from the request's
   * headers to the last byte of the answer handed on (the clinical bench subtracts Spine's own
   * time with it, to give the client's; `SMSP_SANDBOX_TIMINGS` in training).
   */
  readonly timingsFile?: string;
}

export interface SandboxHandle {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** PEM file paths: the CA to pin, and the client identity the sandbox accepts. */
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly spineAsid: string;
  readonly clientAsid: string;
  readonly spinePartyKey: string;
  readonly clientPartyKey: string;
  setFaults(rules: readonly FaultRule[]): void;
  clearFaults(): void;
  /** Fault rules still live (one-shot rules disappear once used). */
  faults(): readonly FaultRule[];
  /** Deliver async replies to the client's inbound endpoint (null: façade only). */
  setInbound(target: InboundTarget | null): void;
  /** Every inbound delivery attempted, with its outcome. */
  readonly deliveries: readonly Delivery[];
  /** Patients, consent, documents and uploads as the sandbox holds them now. */
  readonly state: SandboxState;
  close(): Promise<void>;
}

/** Fixed sandbox identities (training values; the client's ASID and party key are accepted). */
export const SANDBOX_IDS = {
  spineAsid: '928942012545',
  clientAsid: '200000001115',
  spinePartyKey: 'YES-0000806',
  clientPartyKey: 'SMSPT-0000001',
} as const;

/** Largest request body accepted; larger is refused with 413 before it is read in full. */
const MAX_BODY = 16 * 1024 * 1024;
const PROCESSING_HEADER = 'X-Sandbox-Processing-Ms';
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  await mkdir(options.dataDir, { recursive: true });
  const pki = await ensurePki(options.dataDir);
  const state = createState(loadPack(options.packFile));
  const faults = new FaultBook();
  if (options.faultsFile) faults.set(loadFaultsFile(options.faultsFile));
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let identity: IdentityService | null = null;
  // The URL is known once the server listens.
  const ids: { -readonly [K in keyof SandboxIdentity]: SandboxIdentity[K] } & {
    knownPartyKeys: ReadonlySet<string>;
  } = {
    ...SANDBOX_IDS,
    url: '',
    knownAsids: new Set([SANDBOX_IDS.clientAsid]),
    knownPartyKeys: new Set([SANDBOX_IDS.clientPartyKey]),
  };

  const send = (
    res: ServerResponse,
    answer: Pick<Answer, 'status' | 'body' | 'contentType'>,
    started: number,
    extra: Record<string, string> = {},
  ): void => {
    res.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      [PROCESSING_HEADER]: (Number(process.hrtime.bigint() - BigInt(started)) / 1e6).toFixed(3),
      ...extra,
    });
    res.end(answer.body);
  };

  /** Applies transport-level faults; returns true when the response has been dealt with. */
  const transportFault = async (
    req: IncomingMessage,
    res: ServerResponse,
    t: FaultTarget,
    started: number,
  ): Promise<{ handled: boolean; waited: number }> => {
    const kinds: FaultKind[] = [
      'latency',
      'timeout',
      'reset',
      'soap-fault',
      'malformed',
      'oversized',
      'http-status',
    ];
    const rule = faults.take(t, kinds);
    let waited = options.latencyMs ?? 0;
    if (waited) await delay(waited);
    if (!rule) return { handled: false, waited };
    switch (rule.kind) {
      case 'latency':
        await delay(rule.ms ?? 1000);
        waited += rule.ms ?? 1000;
        return { handled: false, waited };
      case 'timeout': {
        // No answer; the socket is dropped after a bound so nothing leaks.
        const timer = setTimeout(() => req.socket.destroy(), rule.ms ?? 60_000);
        timers.add(timer);
        req.socket.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return { handled: true, waited };
      }
      case 'reset': {
        // A TCP RST on the raw socket under TLS (the TLS socket's own handle cannot be reset).
        const raw = (req.socket as Socket & { _parent?: unknown })._parent;
        if (raw instanceof NetSocket) raw.resetAndDestroy();
        else req.socket.destroy();
        return { handled: true, waited };
      }
      case 'soap-fault': {
        const code = rule.code ?? '200';
        send(
          res,
          {
            status: 500,
            contentType: 'text/xml; charset=UTF-8',
            body: soapFault([
              { code, description: rule.description ?? faultDescriptions[code] ?? 'Injected fault' },
            ]),
          },
          started,
        );
        return { handled: true, waited };
      }
      case 'malformed':
        send(
          res,
          {
            status: 200,
            contentType: 'text/xml; charset=UTF-8',
            body: '<SOAP-ENV:Envelope><SOAP-ENV:Body><unclosed>',
          },
          started,
        );
        return { handled: true, waited };
      case 'oversized': {
        const bytes = rule.bytes ?? 12 * 1024 * 1024;
        res.writeHead(200, {
          'Content-Type': 'text/xml; charset=UTF-8',
          'Content-Length': String(bytes),
          [PROCESSING_HEADER]: (Number(process.hrtime.bigint() - BigInt(started)) / 1e6).toFixed(3),
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = bytes;
        while (left > 0 && !res.destroyed) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece))
            await new Promise<void>((resolve) => {
              // Both listeners go once either fires, so a long body does not pile up listeners.
              const done = () => {
                res.off('drain', done).off('close', done);
                resolve();
              };
              res.once('drain', done).once('close', done);
            });
        }
        res.end();
        return { handled: true, waited };
      }
      case 'http-status':
        send(res, { status: rule.status ?? 503, contentType: 'text/plain', body: '' }, started);
        return { handled: true, waited };
      default:
        return { handled: false, waited };
    }
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<void> => {
    // Security: the admin API changes behaviour for every client; loopback only (it is also
    // behind mutual TLS).
    if (!isLoopback(req)) {
      send(res, { status: 403, contentType: 'text/plain', body: 'loopback only' }, started);
      return;
    }
    if (req.method === 'GET') {
      send(
        res,
        { status: 200, contentType: 'application/json', body: JSON.stringify(faults.list()) },
        started,
      );
      return;
    }
    if (req.method === 'DELETE') {
      faults.clear();
      send(res, { status: 204, contentType: 'text/plain', body: '' }, started);
      return;
    }
    try {
      const rules = FaultRules.parse(JSON.parse((await readBody(req)).toString('utf8')));
      faults.set(rules);
      send(
        res,
        { status: 200, contentType: 'application/json', body: JSON.stringify(faults.list()) },
        started,
      );
    } catch (error) {
      send(
        res,
        {
          status: 400,
          contentType: 'text/plain',
          body: error instanceof Error ? error.message : 'bad rules',
        },
        started,
      );
    }
  };

  const asyncService = new AsyncService({
    state,
    ids,
    faults,
    tls: { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem },
    replyDelayMs: options.replyDelayMs ?? 20,
    retryAfterMs: options.retryAfterMs ?? 50,
    deliveryAttempts: options.deliveryAttempts ?? 3,
    deliveryIntervalMs: options.deliveryIntervalMs ?? 200,
    retentionMs: options.retentionMs ?? 5 * 60_000,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Number(process.hrtime.bigint());
    // Every response carries the processing time, including the identity service's: stamped when
    // the head is written (send() below overrides it with the figure that excludes injected delay).
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    (res as unknown as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (
      ...args: unknown[]
    ) => {
      if (!res.headersSent) {
        res.setHeader(
          PROCESSING_HEADER,
          (Number(process.hrtime.bigint() - BigInt(started)) / 1e6).toFixed(3),
        );
      }
      return writeHead(...args);
    };
    if (identity && (await identity.handle(req, res))) return;
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname === '/_admin/faults') return admin(req, res, started);
    if (url.pathname === '/_admin/inbound') return adminInbound(req, res, started);
    if (req.method === 'GET' && url.pathname.startsWith('/_poll/')) {
      const polled = asyncService.poll(url.pathname.slice('/_poll/'.length));
      send(res, polled, started, polled.headers);
      return;
    }
    const sync = url.pathname === '/sync-service';
    const async_ =
      url.pathname === '/reliablemessaging/reliablerequest' ||
      url.pathname === '/reliablemessaging/queryrequest';
    if (req.method !== 'POST' || (!sync && !async_)) {
      send(res, { status: 404, contentType: 'text/plain', body: 'not found' }, started);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        send(res, { status: 413, contentType: 'text/plain', body: 'request too large' }, started);
        req.socket.destroy();
        return;
      }
      throw error;
    }
    const began = Number(process.hrtime.bigint());
    const soapAction = headerOf(req, 'SOAPAction') ?? '';
    const header = headerOf(req, 'X-Sandbox-Fault') ?? null;
    if (sync) {
      const parsed = peekSync(body.toString('utf8'), soapAction);
      const target =
        parsed instanceof Error
          ? { interaction: null, nhsNumber: null, header }
          : { interaction: parsed.hl7.interactionId, nhsNumber: nhsNumberOf(parsed.hl7.root), header };
      const { handled, waited } = await transportFault(req, res, target, began);
      if (handled) return;
      // Faults are chosen before the request is processed, so a faulted request changes nothing.
      const answer = answerSync(state, ids, parsed, faults.take(target, ['ack']));
      send(res, answer, began + waited * 1e6);
      return;
    }
    const target = { ...asyncService.peek(headerOf(req, 'Content-Type') ?? '', body), header };
    const { handled, waited } = await transportFault(req, res, target, began);
    if (handled) return;
    const answer = asyncService.accept(
      url.pathname,
      headerOf(req, 'Content-Type') ?? '',
      soapAction,
      body,
      faults.take(target, ['ack', 'async-delay', 'async-drop', 'async-duplicate', 'poll-location']),
      faults.take(target, ['ebxml-error']),
    );
    send(res, answer, began + waited * 1e6, answer.headers);
  };

  const adminInbound = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<void> => {
    if (!isLoopback(req) || req.method !== 'POST') {
      send(res, { status: 403, contentType: 'text/plain', body: 'loopback POST only' }, started);
      return;
    }
    try {
      const raw = JSON.parse((await readBody(req)).toString('utf8')) as {
        url?: unknown;
        ca?: unknown;
      } | null;
      if (raw === null) asyncService.setInbound(null);
      else if (typeof raw.url === 'string' && new URL(raw.url).protocol === 'https:') {
        asyncService.setInbound({ url: raw.url, ...(typeof raw.ca === 'string' ? { ca: raw.ca } : {}) });
      } else throw new Error('expected {"url": "https://…", "ca"?: PEM or path} or null');
      send(res, { status: 204, contentType: 'text/plain', body: '' }, started);
    } catch (error) {
      send(
        res,
        {
          status: 400,
          contentType: 'text/plain',
          body: error instanceof Error ? error.message : 'bad request',
        },
        started,
      );
    }
  };

  const server: Server = createServer(
    {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      ca: pki.caPem,
      // Security: mutual TLS; a client without a certificate from the sandbox CA is refused in
      // the handshake, before any HTTP is read.
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      if (options.timingsFile) {
        const file = options.timingsFile;
        const began = performance.now();
        const action = String(req.headers['soapaction'] ?? req.url ?? '').replace(/"/g, '');
        res.once('finish', () =>
          appendFileSync(file, `${JSON.stringify({ action, ms: performance.now() - began })}\n`),
        );
      }
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(error instanceof Error ? error.message : 'sandbox error');
        } else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `https://127.0.0.1:${port}`;
  ids.url = url;
  if (options.identity !== false) {
    try {
      // Loaded on demand: it pulls in @peculiar/x509 and the auth code, which the transport does
      // not need. It uses the Reflect metadata API, loaded first.
      await import('reflect-metadata');
      const { createIdentityService } = await import('./identity/index');
      identity = await createIdentityService({
        baseUrl: url,
        dataDir: `${options.dataDir}/identity`,
        smartcardCaFile: options.smartcardCaFile ?? pki.caFile,
      });
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }

  return {
    url,
    ca: pki.caFile,
    clientCert: pki.clientCertFile,
    clientKey: pki.clientKeyFile,
    ...SANDBOX_IDS,
    setFaults: (rules) => faults.set(rules),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    setInbound: (target) => asyncService.setInbound(target),
    deliveries: asyncService.deliveries,
    state,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      asyncService.close();
      await identity?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
