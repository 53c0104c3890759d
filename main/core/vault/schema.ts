import type { Migration } from '../db/migrations';
import { agentsSchema } from './agentsSchema';
import { memoryVectorsSchema } from './memoryVectorsSchema';
import { sharingSchema } from './sharingSchema';
import { workflowsSchema } from './workflowsSchema';
import { toolsSchema } from './toolsSchema';
import { syncStateSchema } from './syncStateSchema';
import { syncChangesSchema } from './syncChangesSchema';

/** vaults/<userId>.db: one user's content. Later issues append migrations; never edit one that shipped. */
export const VAULT_MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE vault_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `),
  agentsSchema,
  memoryVectorsSchema,
  sharingSchema,
  workflowsSchema,
  toolsSchema,
  syncChangesSchema,
  syncStateSchema,
];
