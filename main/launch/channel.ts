// The local channel a launching system (or `smsp launch`) uses to hand a request to a running
// test host (issue 14): a Unix socket in the app's data folder, or a named pipe on Windows. One
// JSON line each way: `{"url": "scr-desktop://…"}` in, a LaunchOutcome out. The Electron app
// uses the OS's own route instead (single-instance lock, macOS open-url: main/electron/lifecycle.ts).
//
// Who can open it (why each check): a request opens a patient in the user's session, so only
// the same OS user may send one.
// - Unix: the socket lives in the data folder, which must be the user's own and closed to
//   everyone else (0700, checked before listening), and the socket itself is made 0600. Node
//   cannot read the peer's credentials (SO_PEERCRED), so the folder is the real gate.
// - Windows: Node cannot set a named pipe's DACL. libuv creates the pipe with the default DACL
//   (full control for the creating user, SYSTEM and Administrators; read-only for Everyone, which
//   cannot write a request) and FILE_FLAG_FIRST_PIPE_INSTANCE, so the app refuses to share a name
//   another user created first. The name is derived from the user's data folder. A pipe squatted
//   before the app starts would receive the client's URL: documented in the integration guide.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../log/logger';
import type { LaunchOutcome, LaunchOutcomeKind } from './service';

export interface LaunchChannel {
  readonly path: string;
  close(): Promise<void>;
}

/** The most a request line may hold: a 200-character URL in JSON, with room to spare. */
const maxRequestBytes = 2048;
const requestTimeoutMs = 5_000;
const outcomes: readonly LaunchOutcomeKind[] = ['opened', 'waiting', 'confirm', 'refused'];

/** Where the channel of the app whose data folder is `dataDir` listens. */
export function launchChannelPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const id = createHash('sha256').update(dataDir.toLowerCase()).digest('hex').slice(0, 24);
    return `\\\\.\\pipe\\scr-desktop-launch-${id}`;
  }
  return join(dataDir, 'launch.sock');
}

/** The data folder must be this user's own and shut to others before a socket goes in it. */
function checkPrivateFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const info = statSync(dataDir);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    throw new Error(`the data folder ${dataDir} belongs to another user`);
  if ((info.mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

/** True when something answers on the path (another copy of the app is running). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function serve(socket: Socket, handle: (url: string) => Promise<LaunchOutcome>, log: Logger): void {
  let buffer = '';
  let done = false;
  const reply = (outcome: LaunchOutcome) => {
    done = true;
    socket.end(`${JSON.stringify(outcome)}\n`);
  };
  socket.setEncoding('utf8');
  socket.setTimeout(requestTimeoutMs, () => socket.destroy());
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    if (done) return;
    buffer += chunk;
    if (buffer.length > maxRequestBytes) {
      reply({ outcome: 'refused', message: 'Refused: the request is too long.' });
      return;
    }
    const end = buffer.indexOf('\n');
    if (end < 0) return;
    done = true;
    socket.setTimeout(0);
    let url: unknown;
    try {
      url = (JSON.parse(buffer.slice(0, end)) as { url?: unknown }).url;
    } catch {
      url = undefined;
    }
    if (typeof url !== 'string') {
      reply({ outcome: 'refused', message: 'Refused: send one JSON line {"url": "scr-desktop://…"}.' });
      return;
    }
    handle(url).then(reply, (error: unknown) => {
      log.error('launch channel: the request could not be handled', { error });
      reply({ outcome: 'refused', message: 'Refused: the app could not handle the request.' });
    });
  });
}

/** Opens the channel for the app whose data folder is `dataDir`. */
export async function openLaunchChannel(
  dataDir: string,
  handle: (url: string) => Promise<LaunchOutcome>,
  log: Logger,
): Promise<LaunchChannel> {
  const path = launchChannelPath(dataDir);
  if (process.platform !== 'win32') {
    checkPrivateFolder(dataDir);
    let existing: ReturnType<typeof lstatSync> | null;
    try {
      existing = lstatSync(path);
    } catch {
      existing = null;
    }
    if (existing) {
      if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket`);
      if (await answers(path)) throw new Error('another copy of the app is already using this data folder');
      unlinkSync(path); // left behind by a copy that stopped without closing it
    }
  }
  const server: Server = createServer((socket) => serve(socket, handle, log));
  server.maxConnections = 8;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // readableAll/writableAll stay false: on Windows they would open the pipe to every user.
    server.listen({ path, readableAll: false, writableAll: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SendResult = LaunchOutcome | { readonly outcome: 'no-app'; readonly message: string };

/** Sends one URL to the running app and waits for its answer (at most `timeoutMs`). */
export function sendLaunchRequest(path: string, url: string, timeoutMs = 60_000): Promise<SendResult> {
  return new Promise((resolve) => {
    const socket = connect(path);
    let answer = '';
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      finish({ outcome: 'refused', message: 'Refused: the app did not answer in time.' }),
    );
    socket.once('connect', () => socket.write(`${JSON.stringify({ url })}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.length > maxRequestBytes)
        finish({ outcome: 'refused', message: 'Refused: unreadable answer.' });
    });
    socket.once('end', () => {
      try {
        const parsed = JSON.parse(answer.trim()) as { outcome?: unknown; message?: unknown };
        if (outcomes.includes(parsed.outcome as LaunchOutcomeKind) && typeof parsed.message === 'string')
          return finish({ outcome: parsed.outcome as LaunchOutcomeKind, message: parsed.message });
      } catch {
        // fall through
      }
      finish({ outcome: 'refused', message: 'Refused: the app gave an unreadable answer.' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const gone = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      finish(
        gone
          ? { outcome: 'no-app', message: 'No SCR Desktop app is running with this data folder.' }
          : { outcome: 'no-app', message: `The app could not be reached (${error.code ?? 'error'}).` },
      );
    });
  });
}
