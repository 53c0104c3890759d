import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { notFound } from '../errors';
import { newId, parseInput } from './common';

/** A person's own agents, in their vault. */
export const MEMORY_ACCESS = ['off', 'read', 'readwrite'] as const;
export type MemoryAccess = (typeof MEMORY_ACCESS)[number];

export interface Agent {
  id: string;
  name: string;
  description: string;
  avatarColor: string;
  instructions: string;
  connectionId: string | null;
  model: string | null;
  temperature: number | null;
  maxOutputTokens: number | null;
  memoryAccess: MemoryAccess;
  /** The shared agent this one was published as (shared.publish), or null. */
  publishedId: string | null;
  createdAt: number;
  updatedAt: number;
}

export const STARTER_AGENT = {
  name: 'Assistant',
  description: 'A helpful general assistant.',
  avatarColor: '#4f6bed',
  instructions: 'You are a helpful, concise assistant.',
} as const;

export const AgentInput = z.object({
  name: z.string().trim().min(1, 'Give the agent a name.').max(100, 'An agent name has at most 100 characters.'),
  description: z.string().max(1000, 'A description has at most 1,000 characters.').default(''),
  avatarColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Choose a colour as #rrggbb.')
    .default(STARTER_AGENT.avatarColor),
  instructions: z.string().max(100_000, 'Instructions have at most 100,000 characters.').default(''),
  connectionId: z.string().max(100).nullish(),
  model: z.string().trim().min(1).max(200, 'A model name has at most 200 characters.').nullish(),
  temperature: z.number().min(0, 'Temperature is between 0 and 2.').max(2, 'Temperature is between 0 and 2.').nullish(),
  maxOutputTokens: z.number().int().min(1, 'Max output tokens is at least 1.').max(1_000_000).nullish(),
  memoryAccess: z.enum(MEMORY_ACCESS).default('off'),
});
export type AgentInput = z.input<typeof AgentInput>;

interface Row {
  id: string;
  name: string;
  description: string;
  avatar_color: string;
  instructions: string;
  connection_id: string | null;
  model: string | null;
  temperature: number | null;
  max_output_tokens: number | null;
  memory_access: MemoryAccess;
  published_id: string | null;
  created_at: number;
  updated_at: number;
}

const toAgent = (r: Row): Agent => ({
  id: r.id,
  name: r.name,
  description: r.description,
  avatarColor: r.avatar_color,
  instructions: r.instructions,
  connectionId: r.connection_id,
  model: r.model,
  temperature: r.temperature,
  maxOutputTokens: r.max_output_tokens,
  memoryAccess: r.memory_access,
  publishedId: r.published_id ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function assertConnectionExists(session: Session, connectionId: string | null | undefined): void {
  if (connectionId && !vaultOf(session).prepare('SELECT 1 FROM provider_connections WHERE id = ?').get(connectionId)) {
    throw notFound('connection');
  }
}

function insert(session: Session, a: z.output<typeof AgentInput>): string {
  const id = newId();
  const now = Date.now();
  vaultOf(session)
    .prepare(
      `INSERT INTO agents (id, name, description, avatar_color, instructions, connection_id, model, temperature,
         max_output_tokens, memory_access, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, a.name, a.description, a.avatarColor, a.instructions, a.connectionId ?? null, a.model ?? null, a.temperature ?? null, a.maxOutputTokens ?? null, a.memoryAccess, now, now);
  return id;
}

export function createAgent(session: Session, input: AgentInput): Agent {
  const a = parseInput(AgentInput, input);
  assertConnectionExists(session, a.connectionId);
  return getAgent(session, insert(session, a));
}

/** Replace every editable field (the editor sends the whole agent). */
export function updateAgent(session: Session, id: string, input: AgentInput): Agent {
  const a = parseInput(AgentInput, input);
  assertConnectionExists(session, a.connectionId);
  const changes = vaultOf(session)
    .prepare(
      `UPDATE agents SET name = ?, description = ?, avatar_color = ?, instructions = ?, connection_id = ?, model = ?,
         temperature = ?, max_output_tokens = ?, memory_access = ?, updated_at = ? WHERE id = ?`,
    )
    .run(a.name, a.description, a.avatarColor, a.instructions, a.connectionId ?? null, a.model ?? null, a.temperature ?? null, a.maxOutputTokens ?? null, a.memoryAccess, Date.now(), id).changes;
  if (changes === 0) throw notFound('agent');
  return getAgent(session, id);
}

/** A copy named "<name> (copy)". */
export function duplicateAgent(session: Session, id: string): Agent {
  const src = getAgent(session, id);
  const name = `${src.name} (copy)`.slice(0, 100);
  return getAgent(session, insert(session, parseInput(AgentInput, { ...src, name })));
}

/** Its conversations stay, showing the name it had (conversations.agent_name). */
export function deleteAgent(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM agents WHERE id = ?').run(id).changes === 0) throw notFound('agent');
}

export function getAgent(session: Session, id: string): Agent {
  const row = vaultOf(session).prepare('SELECT * FROM agents WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw notFound('agent');
  return toAgent(row);
}

export function listAgents(session: Session): Agent[] {
  return (vaultOf(session).prepare('SELECT * FROM agents ORDER BY name COLLATE NOCASE, created_at').all() as Row[]).map(toAgent);
}

/**
 * The starter "Assistant", created once per vault: on the first provider connection. A person
 * who deletes it does not get it back (vault_meta remembers it was made). Call inside the
 * transaction that adds the connection.
 */
export function ensureStarterAgent(session: Session, connectionId: string, model: string | null): Agent | null {
  const db = vaultOf(session);
  if (db.prepare("SELECT 1 FROM vault_meta WHERE key = 'starter_agent_created'").get()) return null;
  db.prepare("INSERT INTO vault_meta (key, value) VALUES ('starter_agent_created', ?)").run(String(Date.now()));
  const id = insert(session, parseInput(AgentInput, { ...STARTER_AGENT, connectionId, model }));
  return getAgent(session, id);
}
