// Shared by the session integration tests and the login benchmark: the identity service on a
// real HTTPS server (127.0.0.1, mutual TLS) and the training cards as real SoftHSM2 tokens,
// inserted and removed by moving their token folders where the PKCS#11 monitor looks.
import { createServer, type Server } from 'node:https';
import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createIdentityService, type IdentityService } from '../../spine-sandbox/identity/index';
import { provisionTrainingCards, type TrainingCards } from '../../smartcard/cards';
import { createTlsFiles, type TlsFiles } from '../../unit/auth/pki';

export interface IdentityServer {
  readonly url: string;
  readonly tls: TlsFiles;
  readonly service: IdentityService;
  close(): Promise<void>;
}

export async function startIdentityServer(
  dir: string,
  smartcardCaFile: string,
  /** Told how long the identity service itself spent on each request (the benchmark subtracts it). */
  onHandled?: (ms: number) => void,
): Promise<IdentityServer> {
  const tls = await createTlsFiles(dir);
  let service: IdentityService | null = null;
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      key: await readFile(tls.serverKeyFile),
      cert: await readFile(tls.serverCertFile),
      ca: await readFile(tls.caFile),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const started = performance.now();
      res.once('finish', () => onHandled?.(performance.now() - started));
      void (async () => {
        if (service && (await service.handle(req, res))) return;
        res.writeHead(404).end();
      })().catch(() => res.destroy());
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `https://127.0.0.1:${port}`;
  service = await createIdentityService({ baseUrl: base, dataDir: join(dir, 'identity'), smartcardCaFile });
  return {
    url: `${base}/identity`,
    tls,
    service,
    close: async () => {
      await service?.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * The training cards in a fresh folder. Key generation is the slow part, so the per-checkout
 * template that training mode uses (.smsp/card-template) is copied when it exists.
 */
export async function trainingCardsIn(dir: string): Promise<TrainingCards> {
  const template = resolve('.smsp', 'card-template');
  const target = join(dir, 'cards');
  if (existsSync(join(template, 'cards')) && existsSync(join(template, 'ca'))) {
    await cp(join(template, 'cards'), join(target, 'cards'), { recursive: true });
    await cp(join(template, 'ca'), join(target, 'ca'), { recursive: true });
    // Cards left in the template's reader are copied out of it.
    if (existsSync(join(template, 'store'))) {
      await cp(join(template, 'store'), join(target, 'cards'), { recursive: true });
    }
  }
  return provisionTrainingCards(target);
}

export function cardMover(cards: TrainingCards) {
  return {
    insert: (id: string) => rename(join(cards.cardsDir, id), join(cards.storeDir, id)),
    remove: (id: string) => rename(join(cards.storeDir, id), join(cards.cardsDir, id)),
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Waits (bounded) until `check` holds, polling every 20 ms. */
export async function until(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}
