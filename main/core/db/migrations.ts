import type { Db } from './sqlcipher';
import { CubbyError } from '../errors';

/** Migration N (1-based, in order) takes the schema from version N-1 to N. */
export type Migration = (db: Db) => void;

/**
 * Bring a database up to the newest schema, one transaction per step, tracked in
 * PRAGMA user_version. A file written by a newer Cubby is refused before anything changes.
 */
export function migrate(db: Db, migrations: readonly Migration[], what: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new CubbyError(
      'SCHEMA_TOO_NEW',
      `This ${what} was written by a newer version of Cubby (schema ${current}, this version knows ${migrations.length}). Update Cubby to open it.`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    const step = migrations[version - 1]!;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version=${version}`);
    }).immediate();
  }
}
