// One HTTPS exchange with Spine over mutual TLS, with connect and response timeouts, a reply size
// cap, and every failure turned into a typed SpineTransportError (issue 4 "TLS", "errors").
// Owns the TLS policy: the Spine CA is the only trust anchor (no system roots), our endpoint
// certificate is always presented, TLS 1.2 is the floor, and there is no fallback of any kind.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { networkFailure, type SpineTransportError, SpineTransportError as TransportError } from './errors';

export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly serverName?: string | undefined;
}

export function loadTlsMaterial(files: {
  ca: string;
  cert: string;
  key: string;
  serverName?: string | undefined;
}): TlsMaterial {
  return {
    ca: readFileSync(files.ca),
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    serverName: files.serverName,
  };
}

export interface HttpExchange {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly maxReplyBytes: number;
  /** For the failure message: does this request change a record at Spine? */
  readonly changesRecord: boolean;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Milliseconds from sending to the last byte of the reply. */
  readonly elapsedMs: number;
}

/** Node's TLS error codes that mean "the certificate or the handshake failed". */
const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'EPROTO',
]);

function tlsReason(code: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return "Spine's certificate has expired";
    case 'CERT_NOT_YET_VALID':
      return "Spine's certificate is not valid yet — check this computer's clock";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "Spine's certificate is for a different address";
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_UNTRUSTED':
      return "Spine's certificate is not signed by the configured Spine authority";
    default:
      return code.startsWith('ERR_SSL_') && /CERTIFICATE|ALERT/.test(code)
        ? "Spine did not accept this workstation's certificate"
        : 'the secure connection could not be set up';
  }
}

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message : 'unknown';
}

/** Classifies a Node network error. `sent` = our request body was fully written. */
export function classifyNetworkError(
  error: unknown,
  phase: { connected: boolean; sent: boolean; tlsHandshaking?: boolean },
  exchange: Pick<HttpExchange, 'changesRecord'>,
): SpineTransportError {
  const code = errorCode(error);
  const isTls = tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
  if (isTls) {
    return networkFailure({
      kind: 'tls',
      cause: code,
      maybeDelivered: false,
      changesRecord: exchange.changesRecord,
      tlsReason: tlsReason(code),
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return networkFailure({
      kind: 'dns',
      cause: code,
      maybeDelivered: false,
      changesRecord: exchange.changesRecord,
    });
  }
  if (phase.tlsHandshaking && (code === 'ECONNRESET' || code === 'EPIPE')) {
    // Why: a connection dropped in the middle of the TLS handshake is, in practice, Spine refusing
    // this workstation's certificate (TLS 1.2 servers decide during the handshake and many just
    // close); treating it as a blip would retry a configuration fault. (A TLS 1.3 server decides
    // after the client's handshake is done, so there it can only show as a reset.)
    return networkFailure({
      kind: 'tls',
      cause: code,
      maybeDelivered: false,
      changesRecord: exchange.changesRecord,
      tlsReason:
        "Spine closed the connection during the secure handshake — it may not accept this workstation's certificate",
    });
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return networkFailure({
      kind: 'refused',
      cause: code,
      maybeDelivered: false,
      changesRecord: exchange.changesRecord,
    });
  }
  return networkFailure({
    kind: 'reset',
    cause: code,
    // Why: once any byte of the request may have left, Spine may have acted on it.
    maybeDelivered: phase.sent || phase.connected,
    changesRecord: exchange.changesRecord,
  });
}

/** Agents keep TLS sessions and sockets alive between calls to the same Spine endpoint. */
export interface SpineHttp {
  send(exchange: HttpExchange): Promise<HttpReply>;
  close(): void;
}

export function createSpineHttp(tls: TlsMaterial | null): SpineHttp {
  const agent = tls
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        // Why: pin the Spine CA — `ca` replaces Node's bundled roots, so no public CA is trusted.
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(tls.serverName ? { servername: tls.serverName } : {}),
      })
    : null;
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  function send(exchange: HttpExchange): Promise<HttpReply> {
    const url = new URL(exchange.url);
    if (url.protocol === 'https:' && !agent) {
      return Promise.reject(
        new TransportError(
          'TLS_ERROR',
          'No Spine certificate is configured on this workstation — call your IT service desk.',
          {
            kind: 'tls',
            retryable: false,
            maybeDelivered: false,
          },
        ),
      );
    }
    return new Promise<HttpReply>((resolve, reject) => {
      const started = performance.now();
      const phase = { connected: false, sent: false, tlsHandshaking: false };
      let settled = false;
      let timer: NodeJS.Timeout | null = null;
      const finish = (error: SpineTransportError | null, reply?: HttpReply) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (error) reject(error);
        else if (reply) resolve(reply);
      };
      const arm = (ms: number, onExpire: () => void) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(onExpire, ms);
      };
      const body = exchange.body === undefined ? undefined : Buffer.from(exchange.body);
      const headers: Record<string, string> = { ...exchange.headers };
      if (body) headers['Content-Length'] = String(body.length);
      const options: https.RequestOptions = {
        method: exchange.method,
        headers,
        agent: url.protocol === 'https:' ? (agent ?? undefined) : plainAgent,
      };
      const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
        // A reply has started: the response timer keeps running until the last byte.
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > exchange.maxReplyBytes) {
            request.destroy();
            finish(
              new TransportError(
                'SPINE_ERROR',
                `Spine's reply was larger than ${Math.round(exchange.maxReplyBytes / 1024 / 1024)} MB and was not read — call your IT service desk if it keeps happening.`,
                { kind: 'malformed', cause: 'oversized', retryable: false, maybeDelivered: true },
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') replyHeaders[name] = value;
            else if (Array.isArray(value)) replyHeaders[name] = value.join(', ');
          }
          finish(null, {
            status: response.statusCode ?? 0,
            headers: replyHeaders,
            body: Buffer.concat(chunks),
            elapsedMs: performance.now() - started,
          });
        });
        response.on('error', (error) =>
          finish(classifyNetworkError(error, { connected: true, sent: true }, exchange)),
        );
        response.on('aborted', () =>
          finish(classifyNetworkError({ code: 'ECONNRESET' }, { connected: true, sent: true }, exchange)),
        );
      });
      request.on('error', (error) => finish(classifyNetworkError(error, phase, exchange)));
      request.on('finish', () => {
        phase.sent = true;
      });
      const onConnected = () => {
        phase.connected = true;
        arm(exchange.responseTimeoutMs, () => {
          request.destroy();
          finish(
            networkFailure({
              kind: 'timeout',
              cause: 'ETIMEDOUT',
              maybeDelivered: true,
              timeoutMs: exchange.responseTimeoutMs,
              changesRecord: exchange.changesRecord,
            }),
          );
        });
      };
      request.on('socket', (socket) => {
        const secure = url.protocol === 'https:';
        const alreadyUp = !socket.connecting && (!secure || (socket as TLSSocket).encrypted);
        if (alreadyUp) {
          onConnected();
          return;
        }
        arm(exchange.connectTimeoutMs, () => {
          request.destroy();
          finish(
            networkFailure({
              kind: 'connect-timeout',
              cause: 'ETIMEDOUT',
              maybeDelivered: false,
              timeoutMs: exchange.connectTimeoutMs,
              changesRecord: exchange.changesRecord,
            }),
          );
        });
        if (secure) {
          socket.once('connect', () => {
            phase.tlsHandshaking = true;
          });
          socket.once('secureConnect', () => {
            phase.tlsHandshaking = false;
            onConnected();
          });
        } else socket.once('connect', onConnected);
      });
      if (body) request.end(body);
      else request.end();
    });
  }

  return {
    send,
    close: () => {
      agent?.destroy();
      plainAgent.destroy();
    },
  };
}
