import type { Db } from '../db/sqlcipher';

/** Users whose vault files are still to be removed (see the catalog schema, version 2). */
export class VaultDeletions {
  constructor(private readonly db: Db) {}

  add(userId: string, now: number): void {
    this.db.prepare('INSERT OR REPLACE INTO vault_deletions (user_id, requested_at) VALUES (?, ?)').run(userId, now);
  }

  list(): string[] {
    return (this.db.prepare('SELECT user_id FROM vault_deletions').all() as { user_id: string }[]).map((r) => r.user_id);
  }

  remove(userId: string): void {
    this.db.prepare('DELETE FROM vault_deletions WHERE user_id = ?').run(userId);
  }
}
