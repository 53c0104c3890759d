import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where an install keeps its files. The Electron shell passes app.getPath('userData');
 * tests and the command line use CUBBY_DATA_DIR.
 */
export interface DataPaths {
  readonly root: string;
  readonly installFile: string;
  readonly catalog: string;
  readonly vaultsDir: string;
  vault(userId: string): string;
}

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function dataPaths(root: string): DataPaths {
  const vaultsDir = join(root, 'vaults');
  return {
    root,
    installFile: join(root, 'install.json'),
    catalog: join(root, 'catalog.db'),
    vaultsDir,
    vault(userId: string) {
      // A user id only ever comes from the catalog, but never let one name a path outside vaults/.
      if (!USER_ID.test(userId)) throw new Error('invalid user id');
      return join(vaultsDir, `${userId}.db`);
    },
  };
}

export function ensureDataDirs(paths: DataPaths): void {
  mkdirSync(paths.vaultsDir, { recursive: true, mode: 0o700 });
}

export function dataDirFromEnv(fallback?: string): string {
  const dir = process.env.CUBBY_DATA_DIR ?? fallback;
  if (!dir) throw new Error('Set CUBBY_DATA_DIR to the Cubby data directory.');
  return dir;
}
