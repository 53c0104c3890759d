import type { Db } from '../db/sqlcipher';

/**
 * Vault migration 4 (issue 10): a conversation with a shared agent names it by its catalog id
 * (no foreign key: the catalog is another database, and the conversation outlives the agent),
 * and a person's own agent remembers the shared agent it was published as.
 */
export function sharingSchema(db: Db): void {
  db.exec(`
    ALTER TABLE conversations ADD COLUMN shared_agent_id TEXT;
    CREATE INDEX conversations_shared_agent ON conversations(shared_agent_id);
    ALTER TABLE agents ADD COLUMN published_id TEXT;
  `);
}
