// How a PKCS#11 process is started. The test host forks process-entry.ts with tsx
// (source-launcher.ts); the Electron app passes a launcher built on utilityProcess
// (main/electron/pkcs11-launcher.ts) that runs the bundled dist/main/pkcs11-process.cjs. Both
// give the supervisor the same small handle.
import { fork } from 'node:child_process';
import { moduleEnvVariables } from './module-env';

export interface Pkcs11ChildHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process ends, however it ends. */
  onExit(listener: (code: number | null) => void): void;
  /** Ends the process now (SIGKILL where the platform has it): it may be deadlocked. */
  kill(): void;
}

export interface Pkcs11LaunchOptions {
  /** A name for logs and process listings: 'monitor' or 'session'. */
  readonly name: string;
  /** Environment for the module (e.g. SOFTHSM2_CONF); the parent's own is not inherited wholesale. */
  readonly env: Readonly<Record<string, string>>;
}

export interface Pkcs11Launcher {
  launch(options: Pkcs11LaunchOptions): Pkcs11ChildHandle;
}

/** Variables a child needs to run at all, taken from the parent; everything else comes from `env`. */
const passThrough = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT', 'PCSCLITE_CSOCK_NAME'];

/**
 * The environment of a PKCS#11 process. Why an allow-list (issue 12 finding 6): a deny-list of
 * LD_/NODE_ prefixes let OPENSSL_CONF through, which loads a shared library into the process that
 * handles the PIN. Only variables some module may be given (module-env.ts) pass; the configuration
 * is checked per module when it is loaded and again in startCardService.
 */
export function childEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of passThrough) {
    const value = process.env[key];
    if (value !== undefined) out[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (moduleEnvVariables.includes(key)) out[key] = value;
  return out;
}

/** node:child_process.fork of the TS entry through tsx (test host, tests, tools). */
export function forkLauncher(entry: string): Pkcs11Launcher {
  return {
    launch({ name, env }) {
      const child = fork(entry, [name], {
        execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
        env: childEnv(env),
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      let exited = false;
      const exitListeners: Array<(code: number | null) => void> = [];
      const finish = (code: number | null) => {
        if (exited) return;
        exited = true;
        for (const l of exitListeners) l(code);
      };
      child.on('exit', (code) => finish(code));
      child.on('error', () => finish(null));
      return {
        pid: child.pid,
        send(message) {
          if (exited || !child.connected) return;
          child.send(message as never, (error) => {
            if (error) finish(null);
          });
        },
        onMessage(listener) {
          child.on('message', (message) => listener(message));
        },
        onExit(listener) {
          exitListeners.push(listener);
        },
        kill() {
          if (!exited) child.kill('SIGKILL');
        },
      };
    },
  };
}
