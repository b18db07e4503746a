// The hand-over of a bundle's entries from the audit verifier's walk to a store's load, so ingest
// reads and parses each bundle once (issue 16). Bounded: the walk waits while the store is
// `capacity` batches behind, so a bundle of any size never sits in memory whole. The stream ends
// as the verifier's verdict says: `end(null)` finishes it; `end(error)` makes the store's next
// read throw, so a load done in one transaction keeps nothing of a bundle that is not intact.
import type { AuditEntry } from '../audit/entry';
import type { EntryConsumer } from '../audit/verify';

export class EntryFeed implements EntryConsumer, AsyncIterable<readonly AuditEntry[]> {
  private readonly batches: (readonly AuditEntry[])[] = [];
  private verdict: { readonly error: Error | null } | null = null;
  /** The store stopped reading (it finished, failed or found a duplicate): later entries go nowhere. */
  private abandoned = false;
  private wakeReader: (() => void) | null = null;
  private wakeWriter: (() => void) | null = null;

  constructor(private readonly capacity = 4) {}

  async take(entries: readonly AuditEntry[]): Promise<void> {
    if (this.abandoned) return;
    this.batches.push(entries);
    this.wake('reader');
    while (!this.abandoned && this.batches.length >= this.capacity) {
      await new Promise<void>((resolve) => (this.wakeWriter = resolve));
    }
  }

  /** The verifier's last word: null when every entry handed over belongs to an accepted bundle. */
  end(error: Error | null): void {
    this.verdict ??= { error };
    this.wake('reader');
  }

  /** The store will read no more; the walk goes on verifying without waiting for it. */
  abandon(): void {
    this.abandoned = true;
    this.batches.length = 0;
    this.wake('writer');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly AuditEntry[]> {
    try {
      for (;;) {
        if (this.verdict?.error) throw this.verdict.error;
        const batch = this.batches.shift();
        if (batch) {
          this.wake('writer');
          yield batch;
        } else if (this.verdict) {
          return;
        } else {
          await new Promise<void>((resolve) => (this.wakeReader = resolve));
        }
      }
    } finally {
      this.abandon();
    }
  }

  private wake(who: 'reader' | 'writer'): void {
    const wake = who === 'reader' ? this.wakeReader : this.wakeWriter;
    if (who === 'reader') this.wakeReader = null;
    else this.wakeWriter = null;
    wake?.();
  }
}
