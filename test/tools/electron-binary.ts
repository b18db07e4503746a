// Finds the Electron binary, or says why there is none.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary's path, or the reason there is none. */
export function findElectron(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: 'the electron package is installed without its binary' };
  } catch (error) {
    // The electron package's install script downloads its binary from outside the npm registry;
    // with ELECTRON_SKIP_BINARY_DOWNLOAD=1 (machines that cannot reach it) only the package is here.
    void error;
    return {
      missing:
        'no Electron binary is installed (it is downloaded from outside the npm registry; see README, "Packaging")',
    };
  }
}
