import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { newId, parseInput } from './common';

/**
 * API keys and other credentials, in the caller's vault. Write-only: nothing here returns a
 * value except `readSecretValue`, which main calls at request time and which no bridge
 * channel may expose. Nothing is cached: every call reads the vault of the session it is given.
 */
export interface SecretSummary {
  id: string;
  name: string;
  /** The last 4 characters, so a person can tell keys apart. */
  last4: string;
  usedBy: { kind: 'provider-connection'; id: string; name: string }[];
  createdAt: number;
  updatedAt: number;
}

const SecretName = z.string().trim().min(1, 'Give the secret a name.').max(100, 'A secret name has at most 100 characters.');
const SecretValue = z
  .string()
  .min(1, 'The secret is empty.')
  .max(16_384, 'A secret has at most 16,384 characters.')
  .refine((v) => v.trim().length > 0, 'The secret is empty.');

const last4 = (value: string) => (value.length <= 8 ? '' : value.slice(-4));

export function createSecret(session: Session, input: { name: string; value: string }): SecretSummary {
  const name = parseInput(SecretName, input.name);
  const value = parseInput(SecretValue, input.value);
  const id = newId();
  const now = Date.now();
  const bytes = Buffer.from(value, 'utf8');
  try {
    vaultOf(session)
      .prepare('INSERT INTO secrets (id, name, value, last4, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, name, bytes, last4(value), now, now);
  } finally {
    bytes.fill(0);
  }
  return getSecret(session, id);
}

/** Replace the value (and optionally the name); the old value is overwritten in place. */
export function replaceSecret(session: Session, id: string, input: { name?: string; value: string }): SecretSummary {
  const value = parseInput(SecretValue, input.value);
  const name = input.name === undefined ? undefined : parseInput(SecretName, input.name);
  const bytes = Buffer.from(value, 'utf8');
  try {
    const changes = vaultOf(session)
      .prepare('UPDATE secrets SET value = ?, last4 = ?, name = coalesce(?, name), updated_at = ? WHERE id = ?')
      .run(bytes, last4(value), name ?? null, Date.now(), id).changes;
    if (changes === 0) throw notFound('secret');
  } finally {
    bytes.fill(0);
  }
  return getSecret(session, id);
}

export function renameSecret(session: Session, id: string, name: string): SecretSummary {
  const changes = vaultOf(session)
    .prepare('UPDATE secrets SET name = ?, updated_at = ? WHERE id = ?')
    .run(parseInput(SecretName, name), Date.now(), id).changes;
  if (changes === 0) throw notFound('secret');
  return getSecret(session, id);
}

/** Connections that used it keep existing and answer SECRET_MISSING until given another. */
export function deleteSecret(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM secrets WHERE id = ?').run(id).changes === 0) throw notFound('secret');
}

interface SecretRow {
  id: string;
  name: string;
  last4: string;
  created_at: number;
  updated_at: number;
}

function usedBy(session: Session, ids: string[]): Map<string, SecretSummary['usedBy']> {
  const out = new Map<string, SecretSummary['usedBy']>(ids.map((id) => [id, []]));
  const rows = vaultOf(session)
    .prepare('SELECT id, name, secret_id FROM provider_connections WHERE secret_id IS NOT NULL ORDER BY name')
    .all() as { id: string; name: string; secret_id: string }[];
  for (const r of rows) out.get(r.secret_id)?.push({ kind: 'provider-connection', id: r.id, name: r.name });
  return out;
}

const toSummary = (r: SecretRow, used: SecretSummary['usedBy']): SecretSummary => ({
  id: r.id,
  name: r.name,
  last4: r.last4,
  usedBy: used,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function getSecret(session: Session, id: string): SecretSummary {
  const row = vaultOf(session).prepare('SELECT id, name, last4, created_at, updated_at FROM secrets WHERE id = ?').get(id) as
    | SecretRow
    | undefined;
  if (!row) throw notFound('secret');
  return toSummary(row, usedBy(session, [id]).get(id) ?? []);
}

export function listSecrets(session: Session): SecretSummary[] {
  const rows = vaultOf(session).prepare('SELECT id, name, last4, created_at, updated_at FROM secrets ORDER BY name, created_at').all() as SecretRow[];
  const used = usedBy(session, rows.map((r) => r.id));
  return rows.map((r) => toSummary(r, used.get(r.id) ?? []));
}

/**
 * Main only, at call time: the value of one secret in this session's vault. Never send it
 * over the bridge, never log it, never keep it beyond the request that needs it.
 */
export function readSecretValue(session: Session, id: string): string {
  const row = vaultOf(session).prepare('SELECT value FROM secrets WHERE id = ?').get(id) as { value: Buffer } | undefined;
  if (!row) throw new CubbyError('SECRET_MISSING', 'The API key for this connection is missing. Add one in Settings, under Secrets.');
  const value = row.value.toString('utf8');
  row.value.fill(0);
  return value;
}
