// Where the application's own files are, whether it runs from source (tsx), from the esbuild
// bundle in dist/, or packaged in an asar archive.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json (the project root from source; the app root when packaged).
 * `from`: a file or file: URL of the running code (a module's URL, or a bundle's __filename).
 */
export function appRoot(from: string): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (let i = 0; i < 8; i += 1) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('Cannot find the application folder (no package.json above the running code).');
}

export const builtPaths = (root: string) => ({
  renderer: join(root, 'dist', 'renderer'),
  twin: join(root, 'dist', 'host', 'twin.js'),
  preload: join(root, 'dist', 'preload', 'preload.cjs'),
});
