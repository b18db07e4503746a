// Starting the audit worker from source (tsx, vitest). Loaded only by a dynamic import that the
// bundler leaves alone, so the CommonJS bundle never meets `import.meta`; the packaged app runs
// dist/main/audit-worker.cjs instead (worker-client.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `entry` is a sibling module of this file: `store-worker.ts` or `verify-worker.ts`. */
export function createSourceWorker(
  entry: 'store-worker.ts' | 'verify-worker.ts' = 'store-worker.ts',
  workerData?: unknown,
): Worker {
  // Node 20 does not apply `--import tsx` hooks to a worker's entry, so a small bootstrap asks
  // tsx's API to load the TypeScript entry (tsx is a dev dependency, present wherever source runs).
  const source = fileURLToPath(new URL(`./${entry}`, import.meta.url));
  if (!existsSync(source)) throw new Error(`the audit worker entry is missing (${source})`);
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)})
    .then((api) => api.tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))
    .catch((e) => { setImmediate(() => { throw e; }); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
