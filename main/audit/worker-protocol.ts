// The small message protocol between the main thread and the audit worker (store-worker.ts).
// Every request carries an id; the worker answers each exactly once.
import type { AuditPage, AuditSearchQuery } from '../../preload/contract';
import type { ExportOptions, ExportSummary } from './export';
import type { AuditStore, ChainBreak, ChainHead, PendingEntry } from './store';

export type WorkerRequest =
  | { readonly id: number; readonly op: 'open'; readonly file: string; readonly key: Uint8Array }
  | { readonly id: number; readonly op: 'append'; readonly entry: PendingEntry }
  | { readonly id: number; readonly op: 'search'; readonly query: AuditSearchQuery }
  | {
      readonly id: number;
      readonly op: 'export';
      readonly options: Omit<ExportOptions, 'signingKey'>;
      /** The 32-byte export key seed, copied in for this export and wiped by the worker. */
      readonly signingSeed: Uint8Array;
    }
  | { readonly id: number; readonly op: 'head' }
  | { readonly id: number; readonly op: 'checkAgainst'; readonly checkpoint: ChainHead }
  | { readonly id: number; readonly op: 'checkSegment'; readonly after: ChainHead; readonly limit: number }
  | { readonly id: number; readonly op: 'close' };

export interface WorkerResults {
  open: ChainHead;
  append: { readonly sequence: number; readonly hash: string };
  search: AuditPage;
  export: ExportSummary;
  head: ChainHead;
  checkAgainst: ChainBreak | null;
  checkSegment: ReturnType<AuditStore['checkSegment']>;
  close: null;
}

export interface WorkerFailure {
  readonly message: string;
  /** EncryptedDatabaseError code or SQLite's code (SQLITE_FULL, SQLITE_READONLY…). */
  readonly code: string | null;
}

export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WorkerFailure };
