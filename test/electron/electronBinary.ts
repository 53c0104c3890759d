import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const NO_ELECTRON_BINARY = 'skipped: no Electron binary';

/**
 * The Electron executable, or null where it was never downloaded (these machines). Resolved
 * the way node_modules/electron/index.js does, without calling it: require('electron') would
 * try to download the binary.
 */
export function electronBinary(): string | null {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const exe = override ? join(override, relative || 'electron') : relative ? join(pkgDir, 'dist', relative) : null;
  return exe && existsSync(exe) ? exe : null;
}
