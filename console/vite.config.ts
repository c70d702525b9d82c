/**
 * Builds the console into dist/console, served by demanager at /console/: hashed file names under
 * assets/ (cached for a year), no inline script (the page's Content-Security-Policy allows none).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Keeps every script an external file: the polyfill would otherwise be the one inline piece.
    modulePreload: { polyfill: false },
    // Small icons stay files too, so img-src needs no data: URLs.
    assetsInlineLimit: 0,
  },
});
