import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { ensureStarterAgent } from './agents';
import { newId, parseInput } from './common';

/** How Cubby talks to a model provider: kind, base URL and which secret holds its key. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ProviderConnection {
  id: string;
  kind: ProviderKind;
  name: string;
  /** null: the provider's public endpoint. */
  baseUrl: string | null;
  secretId: string | null;
  createdAt: number;
  updatedAt: number;
}

export const BaseUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'Enter the server address as http:// or https:// without a user name or password in it (for example http://127.0.0.1:11434/v1).')
  .transform((v) => v.replace(/\/+$/, ''));

const ConnectionInput = z
  .object({
    kind: z.enum(PROVIDER_KINDS, 'Choose OpenAI, Anthropic or an OpenAI-compatible server.'),
    name: z.string().trim().min(1, 'Give the connection a name.').max(100, 'A connection name has at most 100 characters.'),
    baseUrl: BaseUrl.nullish(),
    secretId: z.string().max(100).nullish(),
  })
  .refine((c) => c.kind !== 'openai-compatible' || !!c.baseUrl, 'An OpenAI-compatible server needs its address (base URL).');

export type ConnectionInput = z.input<typeof ConnectionInput>;

interface Row {
  id: string;
  kind: ProviderKind;
  name: string;
  base_url: string | null;
  secret_id: string | null;
  created_at: number;
  updated_at: number;
}

const toConnection = (r: Row): ProviderConnection => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  baseUrl: r.base_url,
  secretId: r.secret_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function assertSecretExists(session: Session, secretId: string | null | undefined): void {
  if (!secretId) return;
  if (!vaultOf(session).prepare('SELECT 1 FROM secrets WHERE id = ?').get(secretId)) throw notFound('secret');
}

/**
 * Add a connection. The first one ever added also creates the starter "Assistant" agent on it
 * (with `starterModel` when the caller knows one, else without a model until the person picks one).
 */
export function createConnection(session: Session, input: ConnectionInput, opts: { starterModel?: string } = {}): ProviderConnection {
  const c = parseInput(ConnectionInput, input);
  const db = vaultOf(session);
  const id = newId();
  db.transaction(() => {
    assertSecretExists(session, c.secretId);
    const now = Date.now();
    db.prepare(
      'INSERT INTO provider_connections (id, kind, name, base_url, secret_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(id, c.kind, c.name, c.baseUrl ?? null, c.secretId ?? null, now, now);
    ensureStarterAgent(session, id, opts.starterModel ?? null);
  })();
  return getConnection(session, id);
}

export function updateConnection(session: Session, id: string, input: ConnectionInput): ProviderConnection {
  const c = parseInput(ConnectionInput, input);
  const db = vaultOf(session);
  db.transaction(() => {
    assertSecretExists(session, c.secretId);
    const changes = db
      .prepare('UPDATE provider_connections SET kind = ?, name = ?, base_url = ?, secret_id = ?, updated_at = ? WHERE id = ?')
      .run(c.kind, c.name, c.baseUrl ?? null, c.secretId ?? null, Date.now(), id).changes;
    if (changes === 0) throw notFound('connection');
  })();
  return getConnection(session, id);
}

/** Agents on it keep existing without a connection (AGENT_INCOMPLETE until given one). */
export function deleteConnection(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM provider_connections WHERE id = ?').run(id).changes === 0) throw notFound('connection');
}

export function getConnection(session: Session, id: string): ProviderConnection {
  const row = vaultOf(session).prepare('SELECT * FROM provider_connections WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw notFound('connection');
  return toConnection(row);
}

export function listConnections(session: Session): ProviderConnection[] {
  return (vaultOf(session).prepare('SELECT * FROM provider_connections ORDER BY name, created_at').all() as Row[]).map(toConnection);
}

export function connectionMissing(): CubbyError {
  return new CubbyError('AGENT_INCOMPLETE', 'This agent has no provider connection. Choose one in the agent editor.');
}
