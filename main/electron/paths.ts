import { fileURLToPath } from 'node:url';

/**
 * Where the bundled shell finds its preload and renderer. Resolved from the bundle's own
 * location (dist/main/electron/main.js), which holds inside app.asar as well as in a checkout.
 */
export function shellPaths(bundleUrl: string): { preload: string; rendererDir: string } {
  return {
    preload: fileURLToPath(new URL('../../preload/preload.cjs', bundleUrl)),
    rendererDir: fileURLToPath(new URL('../../renderer/', bundleUrl)),
  };
}
