// startCardService: the CardService the session uses. Two supervised PKCS#11 processes — a
// monitor that polls for tokens and a session worker that logs in and signs — because a SoftHSM2
// monitor must C_Finalize every poll, which closes every session in its process (toolchain.md).
import { basename } from 'node:path';
import { CardError, type CardEvent, type CardLogin, type CardService, type CardToken } from './card-service';
import { resolveAllowedModule } from './allow-list';
import { moduleEnvRefusal, refusedModuleEnv } from './module-env';
import { cardError } from './errors';
import type { Pkcs11Launcher } from './launcher';
import type * as SourceLauncherNs from './source-launcher';
import type { LoginResult, MonitorMode } from './protocol';
import { Supervisor, type SupervisorStatus } from './supervisor';

export interface StartCardServiceOptions {
  /** The configured allow-list (config smartcard.modules). */
  readonly modules: readonly string[];
  /** The module to load; must resolve to a path in `modules`. */
  readonly module: string;
  /** Environment for the module's processes (e.g. SOFTHSM2_CONF). */
  readonly env?: Readonly<Record<string, string>>;
  readonly launcher?: Pkcs11Launcher;
  /** Token poll interval (default 250 ms, as measured for OpenSC in toolchain.md). */
  readonly pollMs?: number;
  /** Default: `reinitialise` for SoftHSM2, `persistent` for anything else. */
  readonly monitorMode?: MonitorMode;
  /** Watchdog deadline for one PKCS#11 call (default 10 s). */
  readonly callTimeoutMs?: number;
  /** Idle ping interval for the session process (default 2 s). */
  readonly pingMs?: number;
  /** Consecutive restarts before giving up (default 5). */
  readonly maxRestarts?: number;
  readonly onStatus?: (status: SupervisorStatus) => void;
  /** The clock for certificate validity (tests). */
  readonly now?: () => number;
}

/** What startCardService returns: the CardService plus what supervision and tests need. */
export interface Pkcs11CardService extends CardService {
  /** Both processes' current state (restarts, gave up…). */
  status(): { readonly monitor: SupervisorStatus; readonly session: SupervisorStatus };
  onStatus(listener: (status: SupervisorStatus) => void): () => void;
  /** Process ids, for diagnostics and watchdog tests. */
  pids(): { readonly monitor: number | undefined; readonly session: number | undefined };
}

/** A variable specifier: esbuild leaves this import alone (see source-launcher.ts). */
async function defaultLauncher(): Promise<Pkcs11Launcher> {
  const specifier = './source-launcher';
  const module = (await import(specifier)) as typeof SourceLauncherNs;
  return module.sourceLauncher();
}

const tokenKey = (t: CardToken) => `${t.serial}\u0000${t.label}`;

export async function startCardService(options: StartCardServiceOptions): Promise<Pkcs11CardService> {
  const module = resolveAllowedModule(options.modules, options.module);
  const mode: MonitorMode =
    options.monitorMode ?? (/softhsm/i.test(basename(module)) ? 'reinitialise' : 'persistent');
  const launcher = options.launcher ?? (await defaultLauncher());
  const env = options.env ?? {};
  // Checked again here, against the module's real path, whoever built the options (finding 6).
  const refused = refusedModuleEnv(module, env);
  if (refused.length > 0)
    throw new CardError(
      'CARD_MODULE_FAILED',
      `environment ${refused.join(', ')} ${moduleEnvRefusal(module)}`,
    );
  const pollMs = options.pollMs ?? 250;
  const now = options.now ?? Date.now;
  const statusListeners = new Set<(s: SupervisorStatus) => void>();
  // Set once the service is running; status changes before that only reach the listeners.
  const hooks: { onProcessStatus?: (s: SupervisorStatus) => void } = {};
  const onStatus = (s: SupervisorStatus) => {
    hooks.onProcessStatus?.(s);
    options.onStatus?.(s);
    for (const l of statusListeners) l(s);
  };
  const common = {
    launcher,
    env,
    callTimeoutMs: options.callTimeoutMs ?? 10_000,
    maxRestarts: options.maxRestarts ?? 5,
    onStatus,
  };
  const monitor = new Supervisor({
    ...common,
    name: 'monitor',
    configure: { op: 'configure', module, role: 'monitor', mode },
    pingMs: 0, // its scans are its pings
  });
  const session = new Supervisor({
    ...common,
    name: 'session',
    // The session worker re-initialises per login when the monitor must (SoftHSM2).
    configure: { op: 'configure', module, role: 'session', mode },
    pingMs: options.pingMs ?? 2_000,
  });

  try {
    await Promise.all([monitor.start(), session.start()]);
  } catch (error) {
    await Promise.all([monitor.close(), session.close()]);
    throw error instanceof CardError ? error : cardError('CARD_MODULE_FAILED', 'start');
  }

  let current: CardToken[] = [];
  const listeners = new Set<(event: CardEvent) => void>();
  let loggedIn: CardToken | undefined;
  let removedWhileLoggedIn = false;
  let lostWhileLoggedIn = false;
  let closed = false;
  let pollTimer: NodeJS.Timeout | undefined;

  const emit = (event: CardEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // one listener's failure must not hide the event from the others
      }
    }
  };

  const apply = (tokens: readonly CardToken[]) => {
    const before = new Map(current.map((t) => [tokenKey(t), t]));
    const after = new Map(tokens.map((t) => [tokenKey(t), t]));
    current = [...tokens];
    for (const [key, token] of before) {
      if (after.has(key)) continue;
      if (loggedIn && tokenKey(loggedIn) === key) {
        // The card left: its session is over, whatever the module still caches.
        loggedIn = undefined;
        removedWhileLoggedIn = true;
        session.call({ op: 'logout' }).catch(() => undefined);
      }
      emit({ type: 'removed', token });
    }
    for (const [key, token] of after) if (!before.has(key)) emit({ type: 'inserted', token });
  };

  const poll = async () => {
    try {
      apply(await monitor.call<CardToken[]>({ op: 'scan' }));
    } catch {
      // a failed scan is the watchdog's business; keep the last known tokens
    }
    if (!closed && monitor.status().state !== 'failed') pollTimer = setTimeout(poll, pollMs);
  };
  hooks.onProcessStatus = (s) => {
    if (s.name === 'session' && s.state !== 'ready' && s.state !== 'closed' && loggedIn) {
      // The session process died: its login went with it. Say so rather than "no card".
      loggedIn = undefined;
      lostWhileLoggedIn = true;
    }
    if (s.name === 'monitor' && s.state === 'failed') {
      // Fail closed: without a monitor nobody can see the card leave, so report every card as
      // gone (the session locks) rather than trusting a list that can no longer change.
      apply([]);
    }
  };
  current = await monitor.call<CardToken[]>({ op: 'scan' }).catch(() => []);
  pollTimer = setTimeout(poll, pollMs);

  return {
    tokens: () => current,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async login(token: CardToken, pin: Buffer): Promise<CardLogin> {
      // The caller's buffer is zeroed before this settles, whatever the outcome. The copy sent
      // to the PKCS#11 process is zeroed there (process-entry.ts) and here.
      const wire = new Uint8Array(pin.length);
      try {
        // PINs are 6–8 digits (product.md section 3): anything else is refused before it can
        // cost a retry on a real card. Checked byte by byte so the PIN never becomes a string.
        let ok = true;
        for (let i = 0; i < pin.length; i += 1) {
          const byte = pin[i] ?? 0;
          if (byte < 0x30 || byte > 0x39) ok = false;
        }
        if (!ok || pin.length < 6 || pin.length > 8) throw cardError('PIN_FORMAT');
        // Without a monitor nobody would see this card leave: no new sessions (fail closed).
        if (monitor.status().state === 'failed') throw cardError('CARD_MODULE_FAILED', 'monitor gave up');
        wire.set(pin);
        pin.fill(0);
        const result = await session.call<LoginResult>({
          op: 'login',
          serial: token.serial,
          label: token.label,
          pin: wire,
          now: now(),
        });
        if (!current.some((t) => tokenKey(t) === tokenKey(result.token))) {
          // The card left while the PIN was being checked: that login must not outlive it.
          await session.call({ op: 'logout' }).catch(() => undefined);
          throw cardError('CARD_REMOVED', 'removed during login');
        }
        loggedIn = result.token;
        removedWhileLoggedIn = false;
        lostWhileLoggedIn = false;
        return { token: result.token, certificateDer: new Uint8Array(result.certificateDer) };
      } finally {
        pin.fill(0);
        wire.fill(0);
      }
    },
    async sign(data: Uint8Array): Promise<Uint8Array> {
      if (!loggedIn) {
        if (removedWhileLoggedIn) throw cardError('CARD_REMOVED');
        throw cardError(lostWhileLoggedIn ? 'CARD_MODULE_FAILED' : 'CARD_ABSENT');
      }
      return new Uint8Array(await session.call<Uint8Array>({ op: 'sign', data }));
    },
    async logout() {
      loggedIn = undefined;
      removedWhileLoggedIn = false;
      lostWhileLoggedIn = false;
      await session.call({ op: 'logout' }).catch(() => undefined);
    },
    async close() {
      closed = true;
      clearTimeout(pollTimer);
      listeners.clear();
      statusListeners.clear();
      await Promise.all([monitor.close(), session.close()]);
    },
    status: () => ({ monitor: monitor.status(), session: session.status() }),
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    pids: () => ({ monitor: monitor.pid, session: session.pid }),
  };
}
