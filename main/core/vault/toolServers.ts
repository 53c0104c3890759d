import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { BaseUrl } from './providerConnections';
import { newId, parseInput } from './common';

/**
 * A person's MCP tool servers and the tools they approved "always". Env values and headers
 * name secrets by id; their values are read from this vault only when the server starts.
 */
export const TOOL_SERVER_KINDS = ['stdio', 'http'] as const;
export type ToolServerKind = (typeof TOOL_SERVER_KINDS)[number];

export type EnvEntry = { name: string; secretId: string } | { name: string; value: string };
export interface HeaderEntry {
  name: string;
  secretId: string;
}

export interface ToolServer {
  id: string;
  kind: ToolServerKind;
  name: string;
  command: string | null;
  args: string[];
  env: EnvEntry[];
  url: string | null;
  headers: HeaderEntry[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Cubby sets these itself, to the person's own directories; a server may not move them. */
export const RESERVED_ENV = ['HOME', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR'];

const SecretRef = z.string().min(1).max(100);
const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'An environment variable name has letters, digits and underscores, and does not start with a digit.')
  .refine((n) => !RESERVED_ENV.includes(n.toUpperCase()), 'Cubby sets HOME, TMPDIR and the XDG directories itself.');
const EnvEntryInput = z.union([
  z.object({ name: EnvName, secretId: SecretRef }).strict(),
  z.object({ name: EnvName, value: z.string().max(4096, 'A value has at most 4,096 characters.').refine((v) => !v.includes('\0'), 'A value cannot contain a NUL character.') }).strict(),
]);
const HeaderInput = z.object({
  name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'A header name has letters, digits and dashes only.'),
  secretId: SecretRef,
});
const NoNul = (s: string) => !s.includes('\0');

/** Keys in headers go over https, or over plain http only to this computer. */
function keysMayTravel(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.hostname.startsWith('127.');
}

const ServerInput = z
  .object({
    kind: z.enum(TOOL_SERVER_KINDS, 'Choose a command (stdio) or an HTTP address.'),
    name: z.string().trim().min(1, 'Give the tool server a name.').max(100, 'A tool server name has at most 100 characters.'),
    command: z.string().trim().max(4096).refine(NoNul, 'The command cannot contain a NUL character.').nullish(),
    args: z.array(z.string().max(4096).refine(NoNul, 'An argument cannot contain a NUL character.')).max(64, 'At most 64 arguments.').default([]),
    env: z.array(EnvEntryInput).max(64, 'At most 64 environment values.').default([]),
    url: BaseUrl.nullish(),
    headers: z.array(HeaderInput).max(32, 'At most 32 headers.').default([]),
    enabled: z.boolean().default(true),
  })
  .refine((s) => s.kind !== 'stdio' || !!s.command, 'A stdio tool server needs the command that starts it.')
  .refine((s) => s.kind !== 'http' || !!s.url, 'An HTTP tool server needs its address.')
  .refine(
    (s) => s.kind !== 'http' || !s.url || s.headers.length === 0 || keysMayTravel(s.url),
    'Its headers carry your keys: use an https:// address (plain http only to this computer, such as 127.0.0.1).',
  )
  .refine((s) => new Set(s.env.map((e) => e.name)).size === s.env.length, 'Each environment variable can be set once.');

export type ToolServerInput = z.input<typeof ServerInput>;

interface Row {
  id: string;
  kind: ToolServerKind;
  name: string;
  command: string | null;
  args_json: string;
  env_json: string;
  url: string | null;
  headers_json: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

const toServer = (r: Row): ToolServer => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  command: r.command,
  args: JSON.parse(r.args_json) as string[],
  env: JSON.parse(r.env_json) as EnvEntry[],
  url: r.url,
  headers: JSON.parse(r.headers_json) as HeaderEntry[],
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function assertSecretsExist(session: Session, ids: string[]): void {
  const db = vaultOf(session);
  for (const id of ids) if (!db.prepare('SELECT 1 FROM secrets WHERE id = ?').get(id)) throw notFound('secret');
}

function parse(session: Session, input: ToolServerInput) {
  const s = parseInput(ServerInput, input);
  assertSecretsExist(session, [...s.env.flatMap((e) => ('secretId' in e ? [e.secretId] : [])), ...s.headers.map((h) => h.secretId)]);
  // Only what the kind uses is kept: a stdio server has no URL, an HTTP server no command.
  return s.kind === 'stdio' ? { ...s, url: null, headers: [] } : { ...s, command: null, args: [], env: [] };
}

export function createToolServer(session: Session, input: ToolServerInput): ToolServer {
  const s = parse(session, input);
  const id = newId();
  const now = Date.now();
  vaultOf(session)
    .prepare(
      `INSERT INTO tool_servers (id, kind, name, command, args_json, env_json, url, headers_json, enabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, s.kind, s.name, s.command ?? null, JSON.stringify(s.args), JSON.stringify(s.env), s.url ?? null, JSON.stringify(s.headers), s.enabled ? 1 : 0, now, now);
  return getToolServer(session, id);
}

/** A changed server keeps no "always" approvals: what it offers may have changed with it. */
export function updateToolServer(session: Session, id: string, input: ToolServerInput): ToolServer {
  const s = parse(session, input);
  const db = vaultOf(session);
  db.transaction(() => {
    const changes = db
      .prepare(
        `UPDATE tool_servers SET kind = ?, name = ?, command = ?, args_json = ?, env_json = ?, url = ?, headers_json = ?, enabled = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(s.kind, s.name, s.command ?? null, JSON.stringify(s.args), JSON.stringify(s.env), s.url ?? null, JSON.stringify(s.headers), s.enabled ? 1 : 0, Date.now(), id).changes;
    if (changes === 0) throw notFound('tool server');
    db.prepare('DELETE FROM tool_approvals WHERE server_id = ?').run(id);
  })();
  return getToolServer(session, id);
}

export function deleteToolServer(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM tool_servers WHERE id = ?').run(id).changes === 0) throw notFound('tool server');
}

export function getToolServer(session: Session, id: string): ToolServer {
  const row = vaultOf(session).prepare('SELECT * FROM tool_servers WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw notFound('tool server');
  return toServer(row);
}

export function listToolServers(session: Session): ToolServer[] {
  return (vaultOf(session).prepare('SELECT * FROM tool_servers ORDER BY name, created_at').all() as Row[]).map(toServer);
}

export interface StoredApproval {
  serverId: string;
  toolName: string;
  definitionHash: string;
  createdAt: number;
}

export function listApprovals(session: Session, serverId?: string): StoredApproval[] {
  const rows = vaultOf(session)
    .prepare('SELECT server_id, tool_name, definition_hash, created_at FROM tool_approvals WHERE ? IS NULL OR server_id = ? ORDER BY tool_name')
    .all(serverId ?? null, serverId ?? null) as { server_id: string; tool_name: string; definition_hash: string; created_at: number }[];
  return rows.map((r) => ({ serverId: r.server_id, toolName: r.tool_name, definitionHash: r.definition_hash, createdAt: r.created_at }));
}

export function storeApproval(session: Session, serverId: string, toolName: string, definitionHash: string): void {
  vaultOf(session)
    .prepare(
      `INSERT INTO tool_approvals (server_id, tool_name, definition_hash, scope, created_at) VALUES (?, ?, ?, 'always', ?)
       ON CONFLICT (server_id, tool_name) DO UPDATE SET definition_hash = excluded.definition_hash, created_at = excluded.created_at`,
    )
    .run(serverId, toolName, definitionHash, Date.now());
}

export function revokeApproval(session: Session, serverId: string, toolName: string): void {
  if (vaultOf(session).prepare('DELETE FROM tool_approvals WHERE server_id = ? AND tool_name = ?').run(serverId, toolName).changes === 0) throw notFound('approval');
}

/** The value of a secret a server names, or TOOL_SERVER_FAILED that says which setting to fix. */
export function secretForServer(read: (id: string) => string, secretId: string, what: string): string {
  try {
    return read(secretId);
  } catch (e) {
    if (e instanceof CubbyError && e.code === 'SECRET_MISSING')
      throw new CubbyError('SECRET_MISSING', `The secret for ${what} of this tool server is missing. Choose another in Settings, under Tools.`);
    throw e;
  }
}
