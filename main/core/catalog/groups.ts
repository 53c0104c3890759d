import type { Db } from '../db/sqlcipher';

export interface GroupRecord {
  id: string;
  name: string;
  createdAt: number;
  memberCount: number;
}

interface Row {
  id: string;
  name: string;
  created_at: number;
  member_count: number;
}

const fromRow = (r: Row): GroupRecord => ({ id: r.id, name: r.name, createdAt: r.created_at, memberCount: r.member_count });

const SELECT = `SELECT g.id, g.name, g.created_at, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS member_count
  FROM groups g`;

/** How group names compare: case-insensitively in every script, whatever the Unicode form typed. */
export function groupNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** Groups of accounts and who is in them. Names compare by groupNameKey. */
export class Groups {
  constructor(private readonly db: Db) {}

  list(): GroupRecord[] {
    return (this.db.prepare(`${SELECT} ORDER BY g.name_key`).all() as Row[]).map(fromRow);
  }

  byId(id: string): GroupRecord | undefined {
    const row = this.db.prepare(`${SELECT} WHERE g.id = ?`).get(id) as Row | undefined;
    return row && fromRow(row);
  }

  byName(name: string): GroupRecord | undefined {
    const row = this.db.prepare(`${SELECT} WHERE g.name_key = ?`).get(groupNameKey(name)) as Row | undefined;
    return row && fromRow(row);
  }

  insert(g: { id: string; name: string }, now: number): void {
    this.db.prepare('INSERT INTO groups (id, name, name_key, created_at) VALUES (?, ?, ?, ?)').run(g.id, g.name, groupNameKey(g.name), now);
  }

  /** Its memberships go with it (ON DELETE CASCADE). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM groups WHERE id = ?').run(id);
  }

  memberIds(groupId: string): string[] {
    return (this.db.prepare('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY added_at, user_id').all(groupId) as { user_id: string }[]).map(
      (r) => r.user_id,
    );
  }

  groupIdsOf(userId: string): string[] {
    return (this.db.prepare('SELECT group_id FROM group_members WHERE user_id = ?').all(userId) as { group_id: string }[]).map((r) => r.group_id);
  }

  /** False when the account was already a member. */
  addMember(groupId: string, userId: string, now: number): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)').run(groupId, userId, now).changes > 0;
  }

  /** False when the account was not a member. */
  removeMember(groupId: string, userId: string): boolean {
    return this.db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?').run(groupId, userId).changes > 0;
  }
}
