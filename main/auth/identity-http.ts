// HTTPS to the identity service with its CA pinned: only certificates chaining to the configured
// CA are accepted (never the system store), with the client certificate when mutual TLS is asked
// for. Bounded in time and size; JSON or form bodies in, JSON or a redirect out.
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type Agent } from 'node:https';
import { Agent as HttpsAgent } from 'node:https';
import { IdentityError } from './identity-provider';

export interface IdentityTlsOptions {
  readonly caFile?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface IdentityHttp {
  send(
    method: 'GET' | 'POST',
    url: string,
    body?: { readonly json: unknown } | { readonly form: Readonly<Record<string, string>> },
    headers?: Readonly<Record<string, string>>,
  ): Promise<HttpResult>;
  close(): void;
}

const timeoutMs = 10_000;
const maxBytes = 256 * 1024;

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
]);

export function createIdentityHttp(tls: IdentityTlsOptions): IdentityHttp {
  // Why pinned: the identity service decides who may see patient records; a certificate from
  // any other CA (or the system store) must not be able to stand in for it.
  const agent: Agent = new HttpsAgent({
    keepAlive: true,
    maxSockets: 4,
    ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
    cert: tls.clientCertFile ? readFileSync(tls.clientCertFile) : undefined,
    key: tls.clientKeyFile ? readFileSync(tls.clientKeyFile) : undefined,
    minVersion: 'TLSv1.2',
  });
  return {
    send: (method, url, body, headers = {}) =>
      new Promise<HttpResult>((resolve, reject) => {
        const target = new URL(url);
        if (target.protocol !== 'https:') {
          reject(new IdentityError('TLS_ERROR', 'The identity service must be reached over HTTPS.'));
          return;
        }
        let payload: Buffer | undefined;
        const sendHeaders: Record<string, string> = { accept: 'application/json', ...headers };
        if (body && 'json' in body) {
          payload = Buffer.from(JSON.stringify(body.json));
          sendHeaders['content-type'] = 'application/json';
        } else if (body) {
          payload = Buffer.from(new URLSearchParams(body.form).toString());
          sendHeaders['content-type'] = 'application/x-www-form-urlencoded';
        }
        if (payload) sendHeaders['content-length'] = String(payload.length);
        const req = httpsRequest(
          target,
          { method, agent, headers: sendHeaders, timeout: timeoutMs },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                req.destroy(new Error('identity service answer too large'));
                return;
              }
              chunks.push(chunk);
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error('identity service timed out')));
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code && tlsCodes.has(error.code)) {
            reject(new IdentityError('TLS_ERROR', `TLS to the identity service failed (${error.code}).`));
          } else {
            reject(
              new IdentityError(
                'IDENTITY_SERVICE_ERROR',
                `The identity service could not be reached (${error.code ?? error.message}).`,
              ),
            );
          }
        });
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

export function parseJson(result: HttpResult): unknown {
  try {
    return JSON.parse(result.body) as unknown;
  } catch {
    throw new IdentityError(
      'IDENTITY_SERVICE_ERROR',
      'The identity service answered with something unreadable.',
    );
  }
}
