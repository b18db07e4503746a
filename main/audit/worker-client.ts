// Starts the audit worker and speaks its protocol (worker-protocol.ts). From source (tsx, vitest)
// the TypeScript entry runs through tsx's loader; in the esbuild bundle it is a sibling file
// (esbuild.config.mjs nodeEntries: dist/main/audit-worker.cjs).
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as SourceModuleNs from './worker-source';
import type { WorkerFailure, WorkerRequest, WorkerResponse, WorkerResults } from './worker-protocol';

export class AuditWorkerError extends Error {
  override readonly name = 'AuditWorkerError';
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

type SourceModule = typeof SourceModuleNs;
type Op = WorkerRequest['op'];
type Payload<O extends Op> = Omit<Extract<WorkerRequest, { op: O }>, 'id' | 'op'>;

export interface AuditWorker {
  call<O extends Op>(op: O, payload: Payload<O>): Promise<WorkerResults[O]>;
  /** Called once if the worker stops unexpectedly; every pending call has been rejected. */
  onExit(listener: (error: AuditWorkerError) => void): void;
  terminate(): Promise<void>;
}

async function createWorker(): Promise<Worker> {
  // The esbuild bundle is CommonJS: __filename is the bundle, the worker sits next to it.
  if (typeof __filename === 'string' && __filename.endsWith('.cjs')) {
    return new Worker(join(dirname(__filename), 'audit-worker.cjs'));
  }
  // From source: a computed specifier keeps the bundler from pulling this branch in.
  const sourceModule = './worker-source';
  const { createSourceWorker } = (await import(sourceModule)) as SourceModule;
  return createSourceWorker();
}

export async function startAuditWorker(): Promise<AuditWorker> {
  const worker = await createWorker();
  let nextId = 1;
  let exited: AuditWorkerError | null = null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: AuditWorkerError) => void }>();
  const exitListeners: ((error: AuditWorkerError) => void)[] = [];

  const stop = (error: AuditWorkerError) => {
    if (exited) return;
    exited = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    for (const listener of exitListeners) listener(error);
  };

  worker.on('message', (response: WorkerResponse) => {
    const p = pending.get(response.id);
    if (!p) return;
    pending.delete(response.id);
    if (response.ok) p.resolve(response.value);
    else p.reject(new AuditWorkerError(response.error.message, response.error.code));
  });
  worker.on('error', (error) =>
    stop(new AuditWorkerError(`the audit worker failed: ${error.message}`, null)),
  );
  worker.on('exit', (code) => stop(new AuditWorkerError(`the audit worker stopped (exit ${code})`, null)));

  return {
    call: <O extends Op>(op: O, payload: Payload<O>) =>
      new Promise<WorkerResults[O]>((resolve, reject) => {
        if (exited) {
          reject(exited);
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, op, ...payload } as WorkerRequest);
      }),
    onExit: (listener) => exitListeners.push(listener),
    terminate: async () => {
      stop(new AuditWorkerError('the audit trail is closed', null));
      await worker.terminate();
    },
  };
}

export type { WorkerFailure };
