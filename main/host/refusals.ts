// Refused bridge requests, counted into bursts (issue 12 finding 4). Anyone on the machine can send
// the test host requests without the secret; were each refusal its own audit entry, 2,000 of them
// with 15 KB paths would add tens of megabytes and bury the governance lead's view. So a burst —
// every refusal within `windowMs` of the first — becomes ONE entry with a count per reason and a
// redacted sample of the first request (input.ts refusalSample), and one log line.
import type { AuditSink } from '../audit/sink';
import type { Logger } from '../log/logger';

export type RefusalReason =
  'host' | 'method' | 'origin' | 'secret' | 'events' | 'launch-token' | 'url-too-long' | 'body-too-large';

interface Burst {
  readonly firstAt: string;
  lastAt: string;
  count: number;
  readonly reasons: Partial<Record<RefusalReason, number>>;
  readonly sample: string;
}

export interface RefusalRecorderOptions {
  readonly audit: AuditSink;
  readonly log: Logger;
  /** One entry per this many milliseconds at most (default 10 s). */
  readonly windowMs?: number;
}

export class RefusalRecorder {
  private burst: Burst | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly windowMs: number;

  constructor(private readonly options: RefusalRecorderOptions) {
    this.windowMs = options.windowMs ?? 10_000;
  }

  /** Counts one refusal; the burst's entry is written when its window closes. */
  refuse(reason: RefusalReason, sample: string): void {
    const at = new Date().toISOString();
    if (!this.burst) {
      this.burst = { firstAt: at, lastAt: at, count: 0, reasons: {}, sample };
      this.timer = setTimeout(() => void this.flush(), this.windowMs);
      this.timer.unref();
    }
    const burst = this.burst;
    burst.count += 1;
    burst.lastAt = at;
    burst.reasons[reason] = (burst.reasons[reason] ?? 0) + 1;
  }

  /** Writes the open burst's entry now (its window ended, or the host is closing). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const burst = this.burst;
    this.burst = null;
    if (!burst) return this.writing;
    const detail = { channel: 'test-host', ...burst };
    this.options.log.warn('bridge calls refused', detail);
    this.writing = this.writing.then(() =>
      this.options.audit
        .record({ type: 'bridge.refused', outcome: 'refused', detail })
        .then(() => undefined)
        .catch((error: unknown) =>
          this.options.log.error('refused bridge calls could not be audited', { error }),
        ),
    );
    return this.writing;
  }
}
