// The test and development host: the same dispatcher as the Electron shell, carried over HTTP
// (calls) and WebSocket (events) on 127.0.0.1 only. Every request must name the host as
// 127.0.0.1:PORT or localhost:PORT; every call must carry the per-launch secret and come from the
// host's own origin. The page gets the secret by exchanging the single-use launch token in its
// address (launch-tokens.ts). Refusals are answered at once and audited in bursts (refusals.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Runtime } from '../app/runtime';
import { securityHeaders } from '../app/csp';
import { contentTypeFor, resolveStaticPath } from '../app/static-files';
import {
  hostAllowed,
  maxBodyBytes,
  maxExchangeBytes,
  maxUrlBytes,
  parseCall,
  parseExchange,
  refusalSample,
  requestPath,
} from './input';
import { LaunchTokens } from './launch-tokens';
import { RefusalRecorder, type RefusalReason } from './refusals';

export const hostPaths = {
  invoke: '/__smsp/invoke',
  events: '/__smsp/events',
  session: '/__smsp/session',
  twin: '/__smsp/twin.js',
} as const;

export interface HostOptions {
  readonly runtime: Runtime;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** The bundled browser twin of the preload (dist/host/twin.js). */
  readonly twinFile: string;
  readonly port?: number;
  /** Refusals within this many milliseconds become one audit entry (default 10 s). */
  readonly refusalWindowMs?: number;
  /** How long a launch token may wait to be exchanged (default 30 s). */
  readonly launchTokenTtlMs?: number;
}

export interface RunningHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  /** The per-launch secret, hex. Only ever given to a page that exchanged a launch token. */
  readonly secret: string;
  /** URL that opens the app: a single-use launch token in the fragment, valid 30 s. */
  readonly launchUrl: string;
  /** Another such URL (a second window, a test). */
  issueLaunchUrl(): string;
  close(): Promise<void>;
}

export class LiveEnvironmentRefused extends Error {
  override readonly name = 'LiveEnvironmentRefused';
}

function secretMatches(expected: Buffer, presented: string | undefined): boolean {
  if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented)) return false;
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { runtime } = options;
  const { services } = runtime;
  // The test host is for training and testing: it never serves a live configuration.
  if (services.config.environment === 'live') {
    throw new LiveEnvironmentRefused(
      'The test host refuses a live-environment configuration. Use the installed application for live work.',
    );
  }
  const secretBytes = randomBytes(32);
  const secret = secretBytes.toString('hex');
  const headers = securityHeaders('test-host');
  let origin = '';
  let port = 0;

  const refusals = new RefusalRecorder({
    audit: services.audit,
    log: services.log,
    ...(options.refusalWindowMs !== undefined ? { windowMs: options.refusalWindowMs } : {}),
  });
  const launchTokens = new LaunchTokens(options.launchTokenTtlMs);
  const statusFor: Partial<Record<RefusalReason, number>> = {
    host: 421,
    'url-too-long': 414,
    'body-too-large': 413,
  };

  const refuse = (response: ServerResponse, reason: RefusalReason, request: IncomingMessage) => {
    const status = statusFor[reason] ?? 401;
    response.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      ...(status === 401 ? {} : { Connection: 'close' }),
    });
    response.end(
      JSON.stringify({ ok: false, error: { code: 'NOT_AUTHORISED', message: 'This call was refused.' } }),
    );
    refusals.refuse(reason, refusalSample(request.method, request.url));
  };

  const answerCall = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') return refuse(response, 'method', request);
    if (request.headers.origin !== origin) return refuse(response, 'origin', request);
    if (!secretMatches(secretBytes, request.headers['x-smsp-secret'] as string | undefined))
      return refuse(response, 'secret', request);
    const call = parseCall(await readBody(request, maxBodyBytes));
    if (!call) {
      response.writeHead(400, { ...headers, 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'The request was not understood.' },
        }),
      );
      return;
    }
    const envelope = await runtime.dispatch(call.operation, call.input, { channel: 'test-host', origin });
    response.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    response.end(JSON.stringify(envelope));
  };

  /** The launch token from the page's address, exchanged once for the secret (finding 7). */
  const exchangeToken = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') return refuse(response, 'method', request);
    if (request.headers.origin !== origin) return refuse(response, 'origin', request);
    const token = parseExchange(await readBody(request, maxExchangeBytes));
    if (!token || !launchTokens.redeem(token)) return refuse(response, 'launch-token', request);
    response.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ secret }));
  };

  const serveStatic = async (path: string, response: ServerResponse) => {
    const file = path === hostPaths.twin ? options.twinFile : resolveStaticPath(options.rendererDir, path);
    if (!file) {
      response.writeHead(404, headers).end();
      return;
    }
    try {
      let body = await readFile(file);
      if (file.endsWith('index.html')) {
        // The twin must define window.smsp before the app's module script runs.
        body = Buffer.from(
          body.toString('utf8').replace('<head>', `<head><script src="${hostPaths.twin}"></script>`),
        );
      }
      response.writeHead(200, { ...headers, 'Content-Type': contentTypeFor(file) });
      response.end(body);
    } catch {
      response.writeHead(404, headers).end();
    }
  };

  const server = createServer((request, response) => {
    void (async () => {
      if (!hostAllowed(request.headers.host, port)) return refuse(response, 'host', request);
      if ((request.url ?? '').length > maxUrlBytes) return refuse(response, 'url-too-long', request);
      const path = requestPath(request.url);
      if (path === null) {
        response.writeHead(400, headers).end();
        return;
      }
      if (path === hostPaths.invoke) return await answerCall(request, response);
      if (path === hostPaths.session) return await exchangeToken(request, response);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, headers).end();
        return;
      }
      await serveStatic(path, response);
    })().catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return refuse(response, 'body-too-large', request);
      services.log.error('host request failed', { error });
      if (!response.headersSent) response.writeHead(500, headers);
      response.end();
    });
  });

  const sockets = new Set<WebSocket>();
  // The secret travels as a WebSocket sub-protocol offer; the server answers with the plain `smsp`
  // protocol so the secret is never echoed back.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: () => 'smsp' });
  server.on('upgrade', (request, socket, head) => {
    const path = requestPath(request.url);
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((item) => item.trim());
    const presented = offered.find((item) => item.startsWith('smsp.'))?.slice(5);
    const reason: RefusalReason | null = !hostAllowed(request.headers.host, port)
      ? 'host'
      : path !== hostPaths.events ||
          request.headers.origin !== origin ||
          !secretMatches(secretBytes, presented)
        ? 'events'
        : null;
    if (reason) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      refusals.refuse(reason, refusalSample(request.method, request.url));
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'events are one-way'));
    });
  });
  const unsubscribe = services.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(frame);
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const issueLaunchUrl = () => `${origin}/#launch=${launchTokens.issue()}`;
  return {
    url: `${origin}/`,
    origin,
    port,
    secret,
    launchUrl: issueLaunchUrl(),
    issueLaunchUrl,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      // The last burst is written before the runtime (and its audit trail) closes.
      await refusals.flush();
    },
  };
}
