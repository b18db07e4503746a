// The project must build, run and pass its tests from a fresh clone without ../shared beside it:
// no source or test file may reach into the shared folder at run time (fixtures are copied into
// test/fixtures with their provenance).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const skip = new Set(['node_modules', 'dist', 'release', 'test-results', 'fixtures', '.git', '.smsp']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}

// `../shared/…` in a path string, or `'shared', 'fixtures'` as path segments.
const reachesShared = /\.\.[\\/]shared[\\/]|['"]shared['"]\s*,\s*['"](fixtures|spec)['"]/;

describe('self-contained checkout', () => {
  it('no source or test file reads from ../shared', () => {
    const offenders = ['main', 'native', 'preload', 'renderer', 'test']
      .flatMap((folder) => sources(join(root, folder)))
      .filter((file) => !file.endsWith('self-contained.test.ts'))
      .filter((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\/\/|\*)/.test(line) && reachesShared.test(line)),
      )
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
