// The renderer's build. It is served by the app:// protocol under a CSP of
// `default-src 'none'` with scripts, styles and images from 'self' only (and data: images),
// so nothing may be inlined: no inline <script> or <style>, no eval.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The config runs in Node, but the renderer's import rules apply to this folder: the
// folder comes from import.meta rather than from node:path.
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Assets stay files: an inlined font or script would need a looser CSP.
    assetsInlineLimit: 0,
    // The module preload polyfill would be an inline script; Chromium needs none.
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 2000,
  },
  server: { port: 5173, strictPort: true },
});
