import type { Db } from '../db/sqlcipher';

export type ProviderKindName = 'openai' | 'anthropic' | 'openai-compatible';
export type MemoryAccessName = 'off' | 'read' | 'readwrite';

/** A shared agent as the catalog holds it. `credentialSealed` never leaves main/core. */
export interface SharedAgentRecord {
  id: string;
  ownerId: string | null;
  name: string;
  description: string;
  avatarColor: string;
  instructions: string;
  providerKind: ProviderKindName;
  baseUrl: string | null;
  model: string;
  temperature: number | null;
  maxOutputTokens: number | null;
  memoryAccess: MemoryAccessName;
  credentialSealed: Buffer | null;
  credentialLast4: string | null;
  createdAt: number;
  updatedAt: number;
}

export type SharedAgentFields = Omit<SharedAgentRecord, 'id' | 'ownerId' | 'credentialSealed' | 'credentialLast4' | 'createdAt' | 'updatedAt'>;

export type SubjectType = 'user' | 'group';

export interface GrantRecord {
  agentId: string;
  subjectType: SubjectType;
  subjectId: string;
  /** 1 view .. 5 manage */
  level: number;
  grantedBy: string | null;
  grantedAt: number;
}

const AGENT_COLUMNS = `id, owner_id AS ownerId, name, description, avatar_color AS avatarColor, instructions,
  provider_kind AS providerKind, base_url AS baseUrl, model, temperature, max_output_tokens AS maxOutputTokens,
  memory_access AS memoryAccess, credential_sealed AS credentialSealed, credential_last4 AS credentialLast4,
  created_at AS createdAt, updated_at AS updatedAt`;

const GRANT_COLUMNS = `agent_id AS agentId, subject_type AS subjectType, subject_id AS subjectId, level,
  granted_by AS grantedBy, granted_at AS grantedAt`;

/**
 * The highest grant `userId` holds on each agent, directly or through a group. One statement,
 * indexed on (subject_type, subject_id): the access check on every chat call and the
 * "shared with me" list both read it.
 */
const GRANTS_OF_USER = `
  SELECT agent_id, level FROM agent_grants WHERE subject_type = 'user' AND subject_id = :user
  UNION ALL
  SELECT g.agent_id, g.level FROM group_members m
    JOIN agent_grants g ON g.subject_type = 'group' AND g.subject_id = m.group_id
  WHERE m.user_id = :user`;

/** SQL for shared agents and their grants; no rule lives here (see sharing/). */
export class SharedAgents {
  constructor(private readonly db: Db) {}

  byId(id: string): SharedAgentRecord | undefined {
    return this.db.prepare(`SELECT ${AGENT_COLUMNS} FROM shared_agents WHERE id = ?`).get(id) as SharedAgentRecord | undefined;
  }

  all(): SharedAgentRecord[] {
    return this.db.prepare(`SELECT ${AGENT_COLUMNS} FROM shared_agents ORDER BY name COLLATE NOCASE, id`).all() as SharedAgentRecord[];
  }

  /** Every agent `userId` owns or holds a grant on, with the highest granted rank (0: owner only). */
  visibleTo(userId: string): (SharedAgentRecord & { grantRank: number })[] {
    return this.db
      .prepare(
        `WITH mine AS (SELECT agent_id, max(level) AS rank FROM (${GRANTS_OF_USER}) GROUP BY agent_id)
         SELECT ${AGENT_COLUMNS}, coalesce(mine.rank, 0) AS grantRank FROM shared_agents a
           LEFT JOIN mine ON mine.agent_id = a.id
         WHERE mine.agent_id IS NOT NULL OR a.owner_id = :user
         ORDER BY a.name COLLATE NOCASE, a.id`,
      )
      .all({ user: userId }) as (SharedAgentRecord & { grantRank: number })[];
  }

  /** The highest rank `userId` was granted on `agentId` (0: none). */
  grantRank(agentId: string, userId: string): number {
    const row = this.db
      .prepare(`SELECT max(level) AS rank FROM (${GRANTS_OF_USER}) WHERE agent_id = :agent`)
      .get({ user: userId, agent: agentId }) as { rank: number | null };
    return row.rank ?? 0;
  }

  insert(id: string, ownerId: string | null, f: SharedAgentFields, now: number): void {
    this.db
      .prepare(
        `INSERT INTO shared_agents (id, owner_id, name, description, avatar_color, instructions, provider_kind, base_url, model,
           temperature, max_output_tokens, memory_access, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, ownerId, f.name, f.description, f.avatarColor, f.instructions, f.providerKind, f.baseUrl, f.model, f.temperature, f.maxOutputTokens, f.memoryAccess, now, now);
  }

  update(id: string, f: SharedAgentFields, now: number): void {
    this.db
      .prepare(
        `UPDATE shared_agents SET name = ?, description = ?, avatar_color = ?, instructions = ?, provider_kind = ?, base_url = ?, model = ?,
           temperature = ?, max_output_tokens = ?, memory_access = ?, updated_at = ? WHERE id = ?`,
      )
      .run(f.name, f.description, f.avatarColor, f.instructions, f.providerKind, f.baseUrl, f.model, f.temperature, f.maxOutputTokens, f.memoryAccess, now, id);
  }

  setCredential(id: string, sealed: Buffer | null, last4: string | null, now: number): void {
    this.db.prepare('UPDATE shared_agents SET credential_sealed = ?, credential_last4 = ?, updated_at = ? WHERE id = ?').run(sealed, last4, now, id);
  }

  setOwner(id: string, ownerId: string, now: number): void {
    this.db.prepare('UPDATE shared_agents SET owner_id = ?, updated_at = ? WHERE id = ?').run(ownerId, now, id);
  }

  /** Grants, quotas, usage and its access log go with it (ON DELETE CASCADE). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM shared_agents WHERE id = ?').run(id);
  }

  grants(agentId: string): GrantRecord[] {
    return this.db
      .prepare(`SELECT ${GRANT_COLUMNS} FROM agent_grants WHERE agent_id = ? ORDER BY level DESC, subject_type, granted_at`)
      .all(agentId) as GrantRecord[];
  }

  grant(agentId: string, subjectType: SubjectType, subjectId: string): GrantRecord | undefined {
    return this.db
      .prepare(`SELECT ${GRANT_COLUMNS} FROM agent_grants WHERE agent_id = ? AND subject_type = ? AND subject_id = ?`)
      .get(agentId, subjectType, subjectId) as GrantRecord | undefined;
  }

  putGrant(g: GrantRecord): void {
    this.db
      .prepare(
        `INSERT INTO agent_grants (agent_id, subject_type, subject_id, level, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, subject_type, subject_id) DO UPDATE SET level = excluded.level, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(g.agentId, g.subjectType, g.subjectId, g.level, g.grantedBy, g.grantedAt);
  }

  deleteGrant(agentId: string, subjectType: SubjectType, subjectId: string): boolean {
    return this.db.prepare('DELETE FROM agent_grants WHERE agent_id = ? AND subject_type = ? AND subject_id = ?').run(agentId, subjectType, subjectId).changes > 0;
  }
}
