// What the test host accepts from the loopback network, as pure functions (issue 12 findings 4
// and 7): the Host header, the size of a request line and a body, the shape of a call and of a
// launch-token exchange, and the redacted sample of a refused path that may enter the audit trail.
// Everything here is untrusted input; each function returns null or false rather than throwing.

/** Longest request target (path and query) served; the renderer's own are under 200 bytes. */
export const maxUrlBytes = 2048;
/** Largest call body (a contract input; the largest, a GP Summary upload, is far below this). */
export const maxBodyBytes = 1024 * 1024;
/** Largest launch-token exchange body: `{"token":"<64 hex>"}`. */
export const maxExchangeBytes = 1024;

/**
 * Why: a page on another name that resolves to 127.0.0.1 (DNS rebinding) would be same-origin with
 * itself, not with us, but could still read our static files and probe the bridge. Only the two
 * names the host is opened under are served.
 */
export function hostAllowed(header: string | undefined, port: number): boolean {
  if (typeof header !== 'string') return false;
  const value = header.toLowerCase();
  return value === `127.0.0.1:${port}` || value === `localhost:${port}`;
}

/** The path of a request target (`..` and `\\` resolved as a browser would); null when it has none. */
export function requestPath(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/** A call `{operation, input}`; null when the text is not a JSON object. */
export function parseCall(text: string): { operation: unknown; input: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const call = value as Record<string, unknown>;
  return { operation: call['operation'], input: call['input'] };
}

const hex64 = /^[0-9a-f]{64}$/;

/** The token of a launch-token exchange `{"token":"…"}`; null when it is not 64 hex digits. */
export function parseExchange(text: string): string | null {
  const call = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  })();
  if (typeof call !== 'object' || call === null || Array.isArray(call)) return null;
  const token = (call as Record<string, unknown>)['token'];
  return typeof token === 'string' && hex64.test(token) ? token : null;
}

/** Path segments a sample may keep as they are: the host's own, none of them personal. */
const knownSegments = new Set([
  '',
  '__smsp',
  'invoke',
  'events',
  'session',
  'twin.js',
  'index.html',
  'assets',
]);
const maxSampleChars = 120;

/**
 * A short, safe picture of a refused request for the audit trail: the method, the host's own path
 * segments as they are, and every other segment (and any query) replaced by `*` and its length.
 * Why: a refused path is written by whoever sent it — it may carry an NHS number, a name, or 15 KB
 * meant to fill the database — so none of its own text is kept.
 */
export function refusalSample(method: string | undefined, url: string | undefined): string {
  const verb = typeof method === 'string' && /^[A-Z]{1,10}$/.test(method) ? method : 'OTHER';
  const target = typeof url === 'string' ? url : '';
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const segments = path.split('/');
  const shown = segments
    .slice(0, 8)
    .map((segment) => (knownSegments.has(segment) ? segment : `*${segment.length}`));
  if (segments.length > 8) shown.push(`…${segments.length - 8} more`);
  const query = queryAt === -1 ? '' : `?*${target.length - queryAt - 1}`;
  const sample = `${verb} ${shown.join('/')}${query}`;
  return sample.length > maxSampleChars ? `${sample.slice(0, maxSampleChars - 1)}…` : sample;
}
