// The audit worker thread: owns the AuditStore so the main thread never waits on disk (issue 6).
// Appends that arrive together are committed together (group commit): one fsync for the batch,
// and each caller is answered only after that commit.
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { EncryptedDatabaseError, sqliteCodeOf } from '../../native/sqlite';
import { exportBundle } from './export';
import { signingKeyFromSeed } from './signing-key';
import { AuditStore, type PendingEntry } from './store';
import type { WorkerFailure, WorkerRequest, WorkerResponse } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('store-worker must run in a worker thread');

let store: AuditStore | null = null;
let batch: { id: number; entry: PendingEntry }[] = [];
let flushScheduled = false;

function failure(error: unknown): WorkerFailure {
  const code =
    error instanceof EncryptedDatabaseError
      ? (error.sqliteCode ?? error.code)
      : (sqliteCodeOf(error) ?? null);
  return { message: error instanceof Error ? error.message : String(error), code };
}

function reply(response: WorkerResponse): void {
  port?.postMessage(response);
}

function requireStore(): AuditStore {
  if (!store) throw new Error('the audit store is not open');
  return store;
}

function flush(): void {
  flushScheduled = false;
  const pending = batch;
  batch = [];
  if (pending.length === 0) return;
  try {
    const sealed = requireStore().append(pending.map((p) => p.entry));
    pending.forEach((p, i) => {
      const entry = sealed[i];
      if (entry) reply({ id: p.id, ok: true, value: { sequence: entry.sequence, hash: entry.hash } });
    });
  } catch (error) {
    const f = failure(error);
    for (const p of pending) reply({ id: p.id, ok: false, error: f });
  }
}

function handle(request: WorkerRequest): void {
  if (request.op === 'append') {
    batch.push({ id: request.id, entry: request.entry });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return;
  }
  // Anything else waits for the appends before it, so a search sees every acknowledged entry.
  flush();
  try {
    switch (request.op) {
      case 'open': {
        const key = Buffer.from(request.key.buffer, request.key.byteOffset, request.key.byteLength);
        try {
          store = AuditStore.open(request.file, key);
        } finally {
          key.fill(0);
        }
        reply({ id: request.id, ok: true, value: store.chainHead() });
        return;
      }
      case 'search':
        reply({ id: request.id, ok: true, value: requireStore().search(request.query) });
        return;
      case 'export': {
        const seed = request.signingSeed;
        try {
          const signingKey = signingKeyFromSeed(seed);
          reply({
            id: request.id,
            ok: true,
            value: exportBundle(requireStore(), { ...request.options, signingKey }),
          });
        } finally {
          seed.fill(0);
        }
        return;
      }
      case 'head':
        reply({ id: request.id, ok: true, value: requireStore().chainHead() });
        return;
      case 'checkAgainst':
        reply({ id: request.id, ok: true, value: requireStore().checkAgainst(request.checkpoint) });
        return;
      case 'checkSegment':
        reply({ id: request.id, ok: true, value: requireStore().checkSegment(request.after, request.limit) });
        return;
      case 'close':
        store?.close();
        store = null;
        reply({ id: request.id, ok: true, value: null });
        return;
    }
  } catch (error) {
    reply({ id: request.id, ok: false, error: failure(error) });
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request);
  // Group commit: take every request already queued before committing, so appends that arrived
  // during the previous fsync share the next one.
  for (let i = 0; i < 10_000; i += 1) {
    const queued = receiveMessageOnPort(port) as { message: WorkerRequest } | undefined;
    if (!queued) break;
    handle(queued.message);
  }
  flush();
});
