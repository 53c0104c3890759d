import type { Db } from '../db/sqlcipher';

export interface InviteRecord {
  id: string;
  userId: string;
  codeHash: Buffer;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  attempts: number;
}

interface Row {
  id: string;
  user_id: string;
  code_hash: Buffer;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  attempts: number;
}

const fromRow = (r: Row): InviteRecord => ({
  id: r.id,
  userId: r.user_id,
  codeHash: r.code_hash,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  attempts: r.attempts,
});

export class Invites {
  constructor(private readonly db: Db) {}

  insert(i: Omit<InviteRecord, 'usedAt' | 'attempts'>): void {
    this.db
      .prepare('INSERT INTO invites (id, user_id, code_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(i.id, i.userId, i.codeHash, i.createdBy, i.createdAt, i.expiresAt);
  }

  /** The newest invite for a user; older ones are superseded when an admin re-invites. */
  latestFor(userId: string): InviteRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM invites WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(userId) as Row | undefined;
    return row && fromRow(row);
  }

  countAttempt(id: string): void {
    this.db.prepare('UPDATE invites SET attempts = attempts + 1 WHERE id = ?').run(id);
  }

  markUsed(id: string, now: number): void {
    this.db.prepare('UPDATE invites SET used_at = ? WHERE id = ?').run(now, id);
  }
}
