import type { Db } from '../db/sqlcipher';

/** Limits of one person (or '*', everyone without their own) on one shared agent. null: none. */
export interface QuotaRecord {
  userId: string;
  messagesPerDay: number | null;
  tokensPerMonth: number | null;
}

export interface UsageCounts {
  messages: number;
  tokens: number;
}

export interface AccessLogRecord {
  id: number;
  userId: string | null;
  at: number;
}

/** SQL for quotas, usage counters and the access log of shared agents: counts and times only. */
export class AgentUsage {
  constructor(private readonly db: Db) {}

  quotas(agentId: string): QuotaRecord[] {
    return this.db
      .prepare('SELECT user_id AS userId, messages_per_day AS messagesPerDay, tokens_per_month AS tokensPerMonth FROM agent_quotas WHERE agent_id = ? ORDER BY user_id')
      .all(agentId) as QuotaRecord[];
  }

  /** The person's own limit, else the one for everyone. */
  quotaFor(agentId: string, userId: string): QuotaRecord | undefined {
    return this.db
      .prepare(
        `SELECT user_id AS userId, messages_per_day AS messagesPerDay, tokens_per_month AS tokensPerMonth FROM agent_quotas
         WHERE agent_id = ? AND user_id IN (?, '*') ORDER BY user_id = '*' LIMIT 1`,
      )
      .get(agentId, userId) as QuotaRecord | undefined;
  }

  setQuota(agentId: string, q: QuotaRecord): void {
    if (q.messagesPerDay === null && q.tokensPerMonth === null) {
      this.db.prepare('DELETE FROM agent_quotas WHERE agent_id = ? AND user_id = ?').run(agentId, q.userId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO agent_quotas (agent_id, user_id, messages_per_day, tokens_per_month) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent_id, user_id) DO UPDATE SET messages_per_day = excluded.messages_per_day, tokens_per_month = excluded.tokens_per_month`,
      )
      .run(agentId, q.userId, q.messagesPerDay, q.tokensPerMonth);
  }

  counts(agentId: string, userId: string, period: string): UsageCounts {
    const row = this.db.prepare('SELECT messages, tokens FROM agent_usage WHERE agent_id = ? AND user_id = ? AND period = ?').get(agentId, userId, period) as
      | UsageCounts
      | undefined;
    return row ?? { messages: 0, tokens: 0 };
  }

  add(agentId: string, userId: string, period: string, delta: UsageCounts): void {
    this.db
      .prepare(
        `INSERT INTO agent_usage (agent_id, user_id, period, messages, tokens) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, user_id, period) DO UPDATE SET messages = messages + excluded.messages, tokens = tokens + excluded.tokens`,
      )
      .run(agentId, userId, period, delta.messages, delta.tokens);
  }

  logAccess(agentId: string, userId: string, at: number): void {
    this.db.prepare('INSERT INTO agent_access_log (agent_id, user_id, at) VALUES (?, ?, ?)').run(agentId, userId, at);
  }

  accessLog(agentId: string, limit: number, beforeId?: number): AccessLogRecord[] {
    return this.db
      .prepare(
        `SELECT id, user_id AS userId, at FROM agent_access_log WHERE agent_id = ? ${beforeId ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...(beforeId ? [agentId, beforeId, limit] : [agentId, limit])) as AccessLogRecord[];
  }
}
