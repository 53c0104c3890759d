import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer build. Relative base so the same files load from cubby://app/ (Electron) and
 * from the browser host on 127.0.0.1. The CSP allows only 'self' scripts and styles, so the
 * build emits no inline script or style and no source maps.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Keep every asset a file: a data: URL script or inline style would be blocked by the CSP.
    assetsInlineLimit: 0,
    // The preload polyfill is an inline-free module anyway, but Chromium and Electron support modulepreload natively.
    modulePreload: { polyfill: false },
    target: 'chrome120',
  },
});
