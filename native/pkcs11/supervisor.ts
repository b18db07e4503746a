// Runs one PKCS#11 process under a watchdog: every call has a deadline, an idle process is
// pinged, and a process that crashes or misses a deadline is killed and restarted with back-off.
// Calls in flight when it dies fail with CARD_MODULE_FAILED; after `maxRestarts` consecutive
// failures it gives up and says so (issue 5: vendor modules crash and deadlock, toolchain.md).
import { CardError } from './card-service';
import { cardError, cardMessage, fromWire } from './errors';
import type { Pkcs11ChildHandle, Pkcs11Launcher } from './launcher';
import { isResponseMessage, type ConfigureRequest, type Pkcs11Request } from './protocol';

export type SupervisorState = 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';

export interface SupervisorStatus {
  readonly name: string;
  readonly state: SupervisorState;
  /** Consecutive restarts since the process was last stable. */
  readonly restarts: number;
  readonly reason?: string;
}

export interface SupervisorOptions {
  readonly name: string;
  readonly launcher: Pkcs11Launcher;
  readonly env: Readonly<Record<string, string>>;
  readonly configure: ConfigureRequest;
  /** Deadline for one call (a hung module is killed after it). */
  readonly callTimeoutMs?: number;
  /** Ping an idle process this often; 0 turns idle pings off (the monitor's scans are its pings). */
  readonly pingMs?: number;
  readonly maxRestarts?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Up this long after a restart → the restart count starts again from 0. */
  readonly stableMs?: number;
  readonly onStatus?: (status: SupervisorStatus) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: CardError): void;
  timer: NodeJS.Timeout;
}

function moduleFailed(reason: string): CardError {
  return new CardError('CARD_MODULE_FAILED', cardMessage('CARD_MODULE_FAILED'), undefined, reason);
}

export class Supervisor {
  private child: Pkcs11ChildHandle | undefined;
  private state: SupervisorState = 'starting';
  private restarts = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiters: Array<{ resolve(): void; reject(e: CardError): void }> = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private lastReason: string | undefined;
  private readonly callTimeoutMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): SupervisorStatus {
    return {
      name: this.options.name,
      state: this.state,
      restarts: this.restarts,
      ...(this.lastReason ? { reason: this.lastReason } : {}),
    };
  }

  private setState(state: SupervisorState, reason?: string): void {
    this.state = state;
    if (reason) this.lastReason = reason;
    this.options.onStatus?.(this.status());
  }

  /** Starts the process and resolves once it is configured; rejects if it never gets there. */
  async start(): Promise<void> {
    this.spawn();
    await this.ready();
  }

  private ready(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'failed' || this.state === 'closed') {
      return Promise.reject(moduleFailed(this.lastReason ?? this.state));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private settleWaiters(error?: CardError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private spawn(): void {
    let child: Pkcs11ChildHandle;
    try {
      child = this.options.launcher.launch({ name: this.options.name, env: this.options.env });
    } catch {
      this.onExit(undefined, 'launch failed');
      return;
    }
    this.child = child;
    child.onMessage((message) => this.onMessage(message));
    child.onExit((code) => this.onExit(child, `exited (${code ?? 'signal'})`));
    this.send(child, this.options.configure, this.callTimeoutMs).then(
      () => {
        if (this.child !== child) return;
        this.setState('ready');
        this.settleWaiters();
        this.schedulePing();
        clearTimeout(this.stableTimer);
        this.stableTimer = setTimeout(() => {
          this.restarts = 0;
        }, this.options.stableMs ?? 10_000);
        this.stableTimer.unref();
      },
      (error: CardError) => {
        // A module that will not load is a failed start; the restart policy decides what next.
        if (this.child === child) this.abandon(child, `configure: ${error.ckr ?? error.code}`);
      },
    );
  }

  /** Treats `child` as dead now (no more calls go to it), then kills it. */
  private abandon(child: Pkcs11ChildHandle, reason: string): void {
    if (child === this.child) {
      this.lastReason = reason;
      this.onExit(child, reason);
    }
    child.kill();
  }

  private onMessage(message: unknown): void {
    if (!isResponseMessage(message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(fromWire(message.error));
  }

  private onExit(child: Pkcs11ChildHandle | undefined, reason: string): void {
    if (child !== undefined && child !== this.child) return;
    this.child = undefined;
    clearTimeout(this.pingTimer);
    clearTimeout(this.stableTimer);
    const failure = moduleFailed(this.lastReason ?? reason);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(failure);
    }
    if (this.state === 'closed') return;
    this.lastReason = this.lastReason ?? reason;
    const max = this.options.maxRestarts ?? 5;
    if (this.restarts >= max) {
      this.setState('failed', `gave up after ${this.restarts} restarts: ${this.lastReason}`);
      this.settleWaiters(moduleFailed(`gave up after ${this.restarts} restarts`));
      return;
    }
    this.restarts += 1;
    const base = this.options.backoffMs ?? 100;
    const delay = Math.min(base * 2 ** (this.restarts - 1), this.options.maxBackoffMs ?? 5_000);
    this.setState('restarting', reason);
    this.restartTimer = setTimeout(() => {
      this.lastReason = undefined;
      if (this.state === 'restarting') {
        this.state = 'starting';
        this.spawn();
      }
    }, delay);
  }

  private send(child: Pkcs11ChildHandle, request: Pkcs11Request, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // A module that does not answer may be deadlocked (toolchain.md): kill it; the exit
        // handler restarts it.
        const reason = `no answer to ${request.op} within ${timeoutMs} ms`;
        reject(moduleFailed(reason));
        this.abandon(child, reason);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ id, request });
    });
  }

  /** Sends a request once the process is ready; CARD_MODULE_FAILED if it dies or hangs. */
  async call<T>(request: Pkcs11Request, timeoutMs: number = this.callTimeoutMs): Promise<T> {
    await this.ready();
    const child = this.child;
    if (!child) throw moduleFailed('not running');
    clearTimeout(this.pingTimer);
    try {
      return (await this.send(child, request, timeoutMs)) as T;
    } finally {
      this.schedulePing();
    }
  }

  private schedulePing(): void {
    const every = this.options.pingMs ?? 0;
    if (every <= 0 || this.state !== 'ready') return;
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      const child = this.child;
      if (!child || this.pending.size > 0) return this.schedulePing();
      this.send(child, { op: 'ping' }, Math.min(this.callTimeoutMs, 5_000)).then(
        () => this.schedulePing(),
        () => undefined,
      );
    }, every);
    this.pingTimer.unref();
  }

  /** Ends the process for good. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    clearTimeout(this.pingTimer);
    clearTimeout(this.restartTimer);
    clearTimeout(this.stableTimer);
    this.settleWaiters(cardError('CARD_MODULE_FAILED', 'closed'));
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.kill();
    });
    this.child = undefined;
  }
}
