import type { Db } from '../db/sqlcipher';

import { AUDIT_ACTIONS, type AuditAction } from './auditActions';

export { AUDIT_ACTIONS, type AuditAction };

export interface AuditEvent {
  id: number;
  at: number;
  actorId: string | null;
  action: AuditAction;
  targetId: string | null;
  detail: string | null;
}

export interface AuditQuery {
  userId?: string; // as actor or target
  action?: AuditAction;
  limit?: number;
  beforeId?: number;
}

export class AuditLog {
  constructor(private readonly db: Db) {}

  append(e: Omit<AuditEvent, 'id'>): void {
    this.db
      .prepare('INSERT INTO audit_events (at, actor_id, action, target_id, detail) VALUES (?, ?, ?, ?, ?)')
      .run(e.at, e.actorId, e.action, e.targetId, e.detail);
  }

  query(q: AuditQuery = {}): AuditEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.userId) {
      where.push('(actor_id = ? OR target_id = ?)');
      args.push(q.userId, q.userId);
    }
    if (q.action) {
      where.push('action = ?');
      args.push(q.action);
    }
    if (q.beforeId) {
      where.push('id < ?');
      args.push(q.beforeId);
    }
    const sql = `SELECT id, at, actor_id AS actorId, action, target_id AS targetId, detail FROM audit_events
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, Math.min(q.limit ?? 200, 1000)) as AuditEvent[];
  }

  /**
   * Events about one person: `accountActions` aimed at them, and `groupActions` aimed at any of
   * `groupIds` (grants to their groups). Newest first.
   */
  aboutPerson(q: { userId: string; groupIds: string[]; accountActions: readonly AuditAction[]; groupActions: readonly AuditAction[]; limit: number; beforeId?: number }): AuditEvent[] {
    return this.db
      .prepare(
        `SELECT id, at, actor_id AS actorId, action, target_id AS targetId, detail FROM audit_events
         WHERE id < :before AND (
           (target_id = :me AND action IN (SELECT value FROM json_each(:accountActions)))
           OR (target_id IN (SELECT value FROM json_each(:groups)) AND action IN (SELECT value FROM json_each(:groupActions))))
         ORDER BY id DESC LIMIT :limit`,
      )
      .all({
        me: q.userId,
        groups: JSON.stringify(q.groupIds),
        accountActions: JSON.stringify(q.accountActions),
        groupActions: JSON.stringify(q.groupActions),
        before: q.beforeId ?? Number.MAX_SAFE_INTEGER,
        limit: q.limit,
      }) as AuditEvent[];
  }
}
