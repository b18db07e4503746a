// Builds the renderer (renderer/) into dist/renderer; a tool config, so it sits at the top level
// with the others and the renderer folder holds only browser code. No inline scripts: the CSP allows 'self' only.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));
const nhsukAssets = fileURLToPath(
  new URL('./node_modules/nhsuk-frontend/dist/nhsuk/assets', import.meta.url),
);

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: '/',
  plugins: [
    react(),
    // nhsuk-frontend's stylesheet refers to its icons and fonts under /assets: ship them beside it.
    { name: 'nhsuk-assets', writeBundle: () => cpSync(nhsukAssets, `${outDir}/assets`, { recursive: true }) },
  ],
  build: {
    outDir,
    // nhsuk-frontend's minified CSS keeps old-IE media hacks that lightningcss rejects.
    cssMinify: 'esbuild',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'chrome120',
  },
});
