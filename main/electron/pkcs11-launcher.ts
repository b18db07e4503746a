// Runs the PKCS#11 processes as Electron utility processes (issue 5): a vendor module that
// crashes or deadlocks takes down only its utility process, and the card service's watchdog
// restarts it. The entry is the bundled dist/main/pkcs11-process.cjs (packaged with dist/main/**) (esbuild.config.mjs).
import { join } from 'node:path';
import type { Pkcs11ChildHandle, Pkcs11Launcher } from '../../native/pkcs11/launcher';
import { childEnv } from '../../native/pkcs11/launcher';
import type { UtilityProcessApi } from './electron-api';

/** Where esbuild puts the PKCS#11 process entry, relative to the app root. */
export const pkcs11EntryPath = (appRoot: string) => join(appRoot, 'dist', 'main', 'pkcs11-process.cjs');

export function utilityProcessLauncher(utilityProcess: UtilityProcessApi, entry: string): Pkcs11Launcher {
  return {
    launch({ name, env }): Pkcs11ChildHandle {
      const child = utilityProcess.fork(entry, [name], {
        // Only what the module needs: the PKCS#11 process does not inherit main's whole environment.
        env: childEnv(env),
        serviceName: `SCR Desktop smartcard ${name}`,
        stdio: 'ignore',
      });
      let exited = false;
      const exitListeners: Array<(code: number | null) => void> = [];
      child.on('exit', (code) => {
        if (exited) return;
        exited = true;
        for (const listener of exitListeners) listener(code);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (!exited) child.postMessage(message);
        },
        onMessage(listener) {
          child.on('message', (message) => listener(message));
        },
        onExit(listener) {
          exitListeners.push(listener);
        },
        kill() {
          if (!exited) child.kill();
        },
      };
    },
  };
}
