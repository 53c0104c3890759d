import { vaultOf, type Session } from '../accounts/session';

/** A user's own settings, in their vault. */
export function getSetting(session: Session, key: string): string | undefined {
  const row = vaultOf(session).prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setSetting(session: Session, key: string, value: string): void {
  vaultOf(session)
    .prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    .run(key, value, Date.now());
}

export function listSettings(session: Session): Record<string, string> {
  const rows = vaultOf(session).prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function deleteSetting(session: Session, key: string): boolean {
  return vaultOf(session).prepare('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
}
