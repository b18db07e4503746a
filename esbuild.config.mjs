// Bundles the main process, the preload and the test host (the renderer is Vite's: vite.config.ts).
// Native packages and electron stay external: they are loaded from node_modules (asarUnpack in packaging).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = ['electron', 'pkcs11js', 'better-sqlite3-multiple-ciphers', 'better-sqlite3'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  external,
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/** Node-side entries: [source, output]. Worker and child-process entries are listed here too. */
export const nodeEntries = [
  ['main/electron/index.ts', 'dist/main/electron.cjs', 'cjs'],
  ['main/audit/store-worker.ts', 'dist/main/audit-worker.cjs', 'cjs'],
  // The PKCS#11 process (utilityProcess in Electron; main/electron/pkcs11-launcher.ts).
  ['native/pkcs11/process-entry.ts', 'dist/main/pkcs11-process.cjs', 'cjs'],
  // The test host as one file (never packaged: dist/host/ is not in electron-builder.yml), so
  // `npm start` and the end-to-end tests start it without compiling TypeScript at run time
  // (issue 15: start-up). It starts its audit worker from beside itself.
  ['main/host/cli.ts', 'dist/host/host.cjs', 'cjs'],
  ['main/audit/store-worker.ts', 'dist/host/audit-worker.cjs', 'cjs'],
];

/**
 * The training launcher's code (test/tools, the Spine sandbox, the virtual cards) finds its data
 * files beside its own source with `import.meta`. In one CommonJS bundle that would be empty, so
 * each file's `import.meta.url` and `import.meta.dirname` become the source file's own location.
 * The bundle is rebuilt by every `npm start` and never packaged.
 */
const sourceLocation = {
  name: 'source-location',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      return {
        loader: 'ts',
        contents: text
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      };
    });
  },
};

await Promise.all([
  // `npm start`'s launcher as one file (issue 15, start-up: loading it through tsx cost ~0.45 s).
  build({
    ...common,
    entryPoints: ['test/tools/start.ts'],
    outfile: 'dist/tools/start.cjs',
    format: 'cjs',
    plugins: [sourceLocation],
  }),
  ...nodeEntries.map(([entry, outfile, format]) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile,
      format,
      ...(format === 'esm'
        ? {
            banner: {
              js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
            },
          }
        : {}),
    }),
  ),
  // A sandboxed preload cannot require packages: one self-contained CommonJS file.
  build({
    ...common,
    entryPoints: ['main/electron/preload-entry.ts'],
    outfile: 'dist/preload/preload.cjs',
    format: 'cjs',
    platform: 'node',
    minify: true,
  }),
  // The browser twin runs in the page: one classic script.
  build({
    ...common,
    entryPoints: ['preload/browser-twin.ts'],
    outfile: 'dist/host/twin.js',
    format: 'iife',
    platform: 'browser',
    external: [],
    target: 'chrome120',
    minify: true,
  }),
]);
