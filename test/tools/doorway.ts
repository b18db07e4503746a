// The training launcher's doorway (issue 15, start-up): a one-use loopback address that Chromium is
// opened on straight away, while the Spine sandbox, the cards and the test host are still starting.
// The first request to it waits until the host is ready and is then sent on (303) to the host's
// single-use launch address; the browser's launch and the host's start overlap instead of
// following each other.
//
// Security: the doorway hands the launch address to the first request that reaches it, as the
// launch address on Chromium's command line did before (any local user could read it in /proc).
// It answers only `GET /` with the loopback Host it was opened on, once; every later request is
// told the address was used (as the host says of a spent launch address), and it closes itself
// once used, or a bounded time after the host is ready if nobody came.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Doorway {
  /** `http://127.0.0.1:PORT/`: what Chromium is opened on. */
  readonly url: string;
  /** The host is ready: the (first) waiting or next request is sent on to `target`. */
  open(target: string): void;
  close(): Promise<void>;
}

export interface DoorwayOptions {
  /** How long the doorway stays after `open` if nobody comes (default 60 s). */
  readonly unusedMs?: number;
  /** Requests held while the host starts; more are refused (default 4). */
  readonly maxWaiting?: number;
}

const spent =
  'This start-up address has already been used. Press Enter in the terminal where `npm start` runs for a fresh address.';

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(`${text}\n`);
}

export async function openDoorway(options: DoorwayOptions = {}): Promise<Doorway> {
  const unusedMs = options.unusedMs ?? 60_000;
  const maxWaiting = options.maxWaiting ?? 4;
  let target: string | null = null;
  let used = false;
  let expiry: ReturnType<typeof setTimeout> | null = null;
  const waiting: ServerResponse[] = [];
  let host = '';

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.host !== host) return answer(response, 421, 'Misdirected request.');
    if (request.method !== 'GET' || (request.url ?? '/') !== '/') return answer(response, 404, 'Not found.');
    if (used) return answer(response, 410, spent);
    if (target === null) {
      if (waiting.length >= maxWaiting) return answer(response, 503, 'SCR Desktop is still starting.');
      waiting.push(response);
      response.on('close', () => {
        const at = waiting.indexOf(response);
        if (at >= 0) waiting.splice(at, 1);
      });
      return undefined;
    }
    sendOn(response);
    return undefined;
  });

  const sendOn = (response: ServerResponse): void => {
    used = true;
    response.writeHead(303, {
      Location: target ?? '',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    response.end();
    // Anyone else still waiting is told the address was used; nothing new is accepted.
    for (const other of waiting.splice(0)) if (other !== response) answer(other, 410, spent);
    void close();
  };

  const close = async (): Promise<void> => {
    if (expiry) clearTimeout(expiry);
    expiry = null;
    for (const other of waiting.splice(0)) answer(other, 503, 'SCR Desktop stopped starting.');
    if (!server.listening) return;
    await new Promise<void>((done) => server.close(() => done()));
  };

  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening());
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;

  return {
    url: `http://${host}/`,
    open(next) {
      if (target !== null || used) return;
      target = next;
      const first = waiting.shift();
      if (first) sendOn(first);
      else {
        expiry = setTimeout(() => void close(), unusedMs);
        expiry.unref();
      }
    },
    close,
  };
}
