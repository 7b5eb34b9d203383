import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The portal is built into dist/portal, which the gateway serves under `/`.
 * Everything (scripts, styles, the QR decoder's WebAssembly) is bundled: the
 * page loads nothing from another origin.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/portal'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
});
