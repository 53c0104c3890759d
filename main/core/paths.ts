import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
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
  /** tool-homes/<userId>: the homes of one person's tool servers (what those servers write there is theirs). */
  toolHomes(userId: string): string;
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
    toolHomes(userId: string) {
      if (!USER_ID.test(userId)) throw new Error('invalid user id');
      return join(root, 'tool-homes', userId);
    },
  };
}

/** Owner only: the data directory and everything in it (files 0600, directories 0700). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function ensureDataDirs(paths: DataPaths): void {
  mkdirSync(paths.vaultsDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return;
  // What an older Cubby (or a person) left readable is narrowed too: Cubby's own files only,
  // since Electron's profile may share this directory.
  for (const dir of [paths.root, paths.vaultsDir]) chmodSync(dir, PRIVATE_DIR_MODE);
  const own = [
    ...readdirSync(paths.root).filter((n) => CUBBY_ROOT_FILE.test(n)).map((n) => join(paths.root, n)),
    ...readdirSync(paths.vaultsDir).map((n) => join(paths.vaultsDir, n)),
  ];
  for (const file of own) chmodSync(file, PRIVATE_FILE_MODE);
}

const CUBBY_ROOT_FILE = /^(install\.json|catalog\.db(-wal|-shm|-journal)?)$/;

/**
 * Create a database file owner-only before SQLite opens it: SQLite would create it 0644, and
 * it gives its -wal, -shm and -journal files the mode of the database file.
 */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if (process.platform !== 'win32') chmodSync(file, PRIVATE_FILE_MODE);
}

export function dataDirFromEnv(fallback?: string): string {
  const dir = process.env.CUBBY_DATA_DIR ?? fallback;
  if (!dir) throw new Error('Set CUBBY_DATA_DIR to the Cubby data directory.');
  return dir;
}
