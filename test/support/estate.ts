// Training workstations for estate tests and the benchmark: each is a real encrypted audit trail
// with its own key and chain, filled with synthetic entries and exported as real signed bundles
// by the app's own exporter (not hand-made).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle } from '../../main/audit/export';
import { seedEntries, type SeedOptions } from '../../main/audit/seed';
import { signingKeyFromSeed, type SigningKey } from '../../main/audit/signing-key';
import { AuditStore, type PendingEntry } from '../../main/audit/store';

export interface TrainingWorkstation {
  readonly id: string;
  readonly fingerprint: string;
  readonly store: AuditStore;
  /** The workstation's own export signing key (each training workstation has its own). */
  readonly signingKey: SigningKey;
  /** Appends entries ending at `end`, spread over the `days` before it. */
  seed(entries: number, end: Date, days?: number, extra?: Partial<SeedOptions>): void;
  append(entries: readonly PendingEntry[]): void;
  /** Exports the entries recorded in [from, to) as a signed bundle in `dir`. */
  exportTo(dir: string, range?: { from?: string; to?: string }): string;
  close(): void;
}

export function trainingWorkstation(root: string, id: string, ods = 'FA123'): TrainingWorkstation {
  mkdirSync(root, { recursive: true });
  const store = AuditStore.open(join(root, `${id}.db`), randomBytes(32));
  const signingKey = signingKeyFromSeed(randomBytes(32));
  const fingerprint = signingKey.fingerprint;
  let seed = 1;
  return {
    id,
    fingerprint,
    store,
    signingKey,
    seed(entries, end, days = 10, extra = {}) {
      for (const batch of seedEntries({
        entries,
        workstation: id,
        asid: '200000001234',
        odsCode: ods,
        end,
        days,
        seed: (seed += 1) * 7919 + id.length,
        ...extra,
      }))
        store.append(batch);
    },
    append(entries) {
      store.append(entries);
    },
    exportTo(dir, range = {}) {
      exportBundle(store, { dir, range, workstation: id, exportedBy: null, signingKey });
      return dir;
    },
    close() {
      store.close();
    },
  };
}
