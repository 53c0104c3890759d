import { randomUUID } from 'node:crypto';
import { CubbyError } from '../errors';
import { migrate } from '../db/migrations';
import { openEncrypted, type Db } from '../db/sqlcipher';
import type { DataPaths } from '../paths';
import { VAULT_MIGRATIONS } from '../vault/schema';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
}

/** The vault connection of each open session. Only this module opens vaults. */
const vaults = new WeakMap<Session, Db>();
/** The data directory each session's vault lives in (per-person tool homes go under it). */
const roots = new WeakMap<Session, string>();

export function sessionLocked(): CubbyError {
  return new CubbyError('LOCKED', 'This session is locked. Sign in again.');
}

/**
 * One unlocked user: their open vault and DEK. Everything that reads or writes a vault takes
 * a Session, never a user id, so code outside this module cannot reach a vault it was not given.
 */
export class Session {
  readonly id = randomUUID();
  readonly openedAt = Date.now();
  private dek: Buffer | null;
  private readonly closeListeners = new Set<() => void>();

  constructor(readonly user: SessionUser, dek: Buffer, db: Db) {
    this.dek = dek;
    vaults.set(this, db);
  }

  get isOpen(): boolean {
    return this.dek !== null;
  }

  /** Lock / sign out: close the vault and zero the DEK. Idempotent. */
  close(): void {
    if (!this.dek) return;
    this.dek.fill(0);
    this.dek = null;
    const db = vaults.get(this);
    vaults.delete(this);
    if (db?.open) db.close();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * The live DEK, for synchronous use only (re-wrapping); it never leaves main. Async work must
   * take a copy (`withDek(Buffer.from)`) and zero it: a lock during an await zeroes this buffer.
   */
  withDek<T>(fn: (dek: Buffer) => Exclude<T, PromiseLike<unknown>>): T {
    if (!this.dek) throw sessionLocked();
    return fn(this.dek);
  }
}

/** The vault of an open session; throws LOCKED after lock or sign-out. */
export function vaultOf(session: Session): Db {
  const db = vaults.get(session);
  if (!db || !session.isOpen) throw sessionLocked();
  return db;
}

/** Open (or create) a user's vault with their DEK. The session takes ownership of the DEK. */
export function openSession(paths: DataPaths, user: SessionUser, dek: Buffer): Session {
  let db: Db;
  try {
    db = openEncrypted(paths.vault(user.id), dek, () => new CubbyError('INTERNAL', 'Your vault could not be opened with its key.'), {
      cacheKiB: 65536,
    });
  } catch (e) {
    dek.fill(0);
    throw e;
  }
  try {
    migrate(db, VAULT_MIGRATIONS, 'vault');
    const owner = db.prepare("SELECT value FROM vault_meta WHERE key = 'user_id'").get() as { value: string } | undefined;
    if (!owner) db.prepare("INSERT INTO vault_meta (key, value) VALUES ('user_id', ?)").run(user.id);
    else if (owner.value !== user.id) throw new CubbyError('INTERNAL', 'This vault belongs to another account.');
  } catch (e) {
    db.close();
    dek.fill(0);
    throw e;
  }
  const session = new Session(user, dek, db);
  roots.set(session, paths.root);
  return session;
}

/** The data directory of an open session's install. */
export function dataRootOf(session: Session): string {
  const root = roots.get(session);
  if (!root || !session.isOpen) throw sessionLocked();
  return root;
}
