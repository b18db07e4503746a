// The test and development host: the same dispatcher as the Electron shell, carried over HTTP
// (calls) and WebSocket (events) on 127.0.0.1 only. Every call must carry the per-launch secret
// and come from the host's own origin; anything else is refused with 401 and audited.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Runtime } from '../app/runtime';
import { securityHeaders } from '../app/csp';
import { contentTypeFor, resolveStaticPath } from '../app/static-files';

export const hostPaths = {
  invoke: '/__smsp/invoke',
  events: '/__smsp/events',
  twin: '/__smsp/twin.js',
} as const;
const maxBodyBytes = 1024 * 1024;

export interface HostOptions {
  readonly runtime: Runtime;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** The bundled browser twin of the preload (dist/host/twin.js). */
  readonly twinFile: string;
  readonly port?: number;
}

export interface RunningHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  /** The per-launch secret, hex. Given to the browser in the URL fragment, never in a query. */
  readonly secret: string;
  /** URL that opens the app with its secret. */
  readonly launchUrl: string;
  close(): Promise<void>;
}

export class LiveEnvironmentRefused extends Error {
  override readonly name = 'LiveEnvironmentRefused';
}

function secretMatches(expected: Buffer, presented: string | undefined): boolean {
  if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented)) return false;
  return timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('body too large');
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

  const refuse = async (response: ServerResponse, reason: string, request: IncomingMessage) => {
    response.writeHead(401, { ...headers, 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({ ok: false, error: { code: 'NOT_AUTHORISED', message: 'This call was refused.' } }),
    );
    services.log.warn('bridge call refused', { reason, path: request.url });
    await services.audit
      .record({
        type: 'bridge.refused',
        outcome: 'refused',
        detail: { channel: 'test-host', reason, path: request.url ?? '' },
      })
      .catch(() => undefined);
  };

  const serveStatic = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', origin).pathname;
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
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === hostPaths.invoke) {
        if (request.method !== 'POST') return refuse(response, 'method', request);
        if (request.headers.origin !== origin) return refuse(response, 'origin', request);
        if (!secretMatches(secretBytes, request.headers['x-smsp-secret'] as string | undefined))
          return refuse(response, 'secret', request);
        let message: { operation?: unknown; input?: unknown };
        try {
          message = JSON.parse(await readBody(request)) as typeof message;
        } catch {
          response.writeHead(400, { ...headers, 'Content-Type': 'application/json' });
          response.end(
            JSON.stringify({
              ok: false,
              error: { code: 'INVALID_INPUT', message: 'The request was not understood.' },
            }),
          );
          return;
        }
        const envelope = await runtime.dispatch(message.operation, message.input, {
          channel: 'test-host',
          origin,
        });
        response.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
        response.end(JSON.stringify(envelope));
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, headers).end();
        return;
      }
      await serveStatic(request, response);
    })().catch((error: unknown) => {
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
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((item) => item.trim());
    const presented = offered.find((item) => item.startsWith('smsp.'))?.slice(5);
    if (
      path !== hostPaths.events ||
      request.headers.origin !== origin ||
      !secretMatches(secretBytes, presented)
    ) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      void services.audit
        .record({
          type: 'bridge.refused',
          outcome: 'refused',
          detail: { channel: 'test-host', reason: 'events', path },
        })
        .catch(() => undefined);
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
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    port,
    secret,
    launchUrl: `${origin}/#smsp=${secret}`,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}
