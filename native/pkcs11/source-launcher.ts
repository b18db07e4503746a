// The launcher used when none is given (test host, tests, tools): forks process-entry.ts from
// source through tsx. Loaded only by a dynamic import the bundler leaves alone (start.ts), so the
// CommonJS Electron bundle never meets `import.meta`; Electron passes its own launcher.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forkLauncher, type Pkcs11Launcher } from './launcher';

export function sourceLauncher(): Pkcs11Launcher {
  const entry = fileURLToPath(new URL('./process-entry.ts', import.meta.url));
  if (!existsSync(entry)) throw new Error(`the PKCS#11 process entry is missing (${entry})`);
  return forkLauncher(entry);
}
