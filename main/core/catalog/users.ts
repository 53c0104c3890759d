import { KdfParams } from '../keys/kdf';
import type { WrappedKeys } from '../keys/keyService';
import type { Db } from '../db/sqlcipher';

export type Role = 'admin' | 'user';
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  keys: WrappedKeys | null;
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  status: UserStatus;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  kdf_params: string | null;
  kdf_salt: Buffer | null;
  dek_wrapped_password: Buffer | null;
  dek_wrapped_recovery: Buffer | null;
}

function fromRow(r: Row): UserRecord {
  const keys =
    r.kdf_params && r.kdf_salt && r.dek_wrapped_password && r.dek_wrapped_recovery
      ? {
          kdf: KdfParams.parse(JSON.parse(r.kdf_params)),
          salt: r.kdf_salt,
          dekByPassword: r.dek_wrapped_password,
          dekByRecovery: r.dek_wrapped_recovery,
        }
      : null;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
    keys,
  };
}

export class Users {
  constructor(private readonly db: Db) {}

  byId(id: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  byUsername(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ? COLLATE NOCASE').get(username) as Row | undefined;
    return row && fromRow(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username COLLATE NOCASE').all() as Row[]).map(fromRow);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  countActiveAdmins(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active'").get() as { n: number }).n;
  }

  insert(u: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'role' | 'status'>, now: number): void {
    this.db
      .prepare(
        'INSERT INTO users (id, username, display_name, role, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(u.id, u.username, u.displayName, u.role, u.status, now, now);
  }

  /** Replace the wrapped keys in one statement: a crash leaves either the old row or the new one. */
  setKeys(id: string, keys: WrappedKeys, now: number): void {
    this.db
      .prepare(
        'UPDATE users SET kdf_params = ?, kdf_salt = ?, dek_wrapped_password = ?, dek_wrapped_recovery = ?, updated_at = ? WHERE id = ?',
      )
      .run(JSON.stringify(keys.kdf), keys.salt, keys.dekByPassword, keys.dekByRecovery, now, id);
  }

  /** Password change: only the password wrap, so a concurrent recovery-key change is never undone. */
  setPasswordWrap(id: string, wrap: Pick<WrappedKeys, 'kdf' | 'salt' | 'dekByPassword'>, now: number): void {
    this.db
      .prepare('UPDATE users SET kdf_params = ?, kdf_salt = ?, dek_wrapped_password = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(wrap.kdf), wrap.salt, wrap.dekByPassword, now, id);
  }

  /** New recovery key: only the recovery wrap. */
  setRecoveryWrap(id: string, dekByRecovery: Buffer, now: number): void {
    this.db.prepare('UPDATE users SET dek_wrapped_recovery = ?, updated_at = ? WHERE id = ?').run(dekByRecovery, now, id);
  }

  setStatus(id: string, status: UserStatus, now: number): void {
    this.db.prepare('UPDATE users SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
  }

  setRole(id: string, role: Role, now: number): void {
    this.db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(role, now, id);
  }

  touchLogin(id: string, now: number): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(now, id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }
}
