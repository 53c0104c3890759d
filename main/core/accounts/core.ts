import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import type { AuditAction } from '../catalog/audit';
import type { Role, UserRecord } from '../catalog/users';
import { CubbyError, isCubbyError, notFound, wrongCredentials } from '../errors';
import { KDF_FLOOR, KdfParams } from '../keys/kdf';
import type { KeyService } from '../keys/keyService';
import { invalidRecoveryKey } from '../keys/recoveryKey';
import type { DataPaths } from '../paths';
import { lockDuration, type AccountPolicy } from './policy';
import { openSession, sessionLocked, type Session, type SessionUser } from './session';

/**
 * What the parts of Accounts share: the catalog, the key service, the open sessions, the
 * per-name queue, sign-in throttling and the audit log. Not exported from the package: callers
 * use Accounts.
 */
export class AccountsCore {
  readonly sessions = new Map<string, Session>();
  /** Accounts an administrator is changing from the command line right now (user id -> holds). */
  private readonly held = new Map<string, number>();
  /** The tail of the queue of sign-ins and key changes per (lower-cased) name. */
  private readonly attempts = new Map<string, Promise<unknown>>();

  constructor(
    readonly paths: DataPaths,
    readonly catalog: Catalog,
    readonly keys: KeyService,
    readonly policy: AccountPolicy,
    readonly now: () => number,
  ) {}

  // ---- sessions --------------------------------------------------------------------------

  /** Until the returned release is called, no sign-in of this account starts or opens its vault. */
  hold(userId: string): () => void {
    this.held.set(userId, (this.held.get(userId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(userId) ?? 1) - 1;
      if (left > 0) this.held.set(userId, left);
      else this.held.delete(userId);
    };
  }

  /** Before the Argon2 wait, and again before the vault opens. */
  requireNotHeld(userId: string): void {
    if (this.held.has(userId)) throw new CubbyError('LOCKED', 'An administrator is changing this account right now. Try again in a moment.');
  }

  startSession(user: UserRecord, dek: Buffer): Session {
    try {
      this.requireNotHeld(user.id);
    } catch (e) {
      dek.fill(0);
      throw e;
    }
    const sessionUser: SessionUser = { id: user.id, username: user.username, displayName: user.displayName };
    const session = openSession(this.paths, sessionUser, dek);
    this.sessions.set(session.id, session);
    session.onClose(() => this.sessions.delete(session.id));
    return session;
  }

  closeSessionsOf(userId: string): void {
    for (const s of [...this.sessions.values()]) if (s.user.id === userId) s.close();
  }

  /**
   * The role a session may act with now, read from the catalog on every call: a demotion takes
   * effect at once, and an account disabled or deleted (also by the command line, in another
   * process) answers null.
   */
  roleOf(session: Session): Role | null {
    if (!session.isOpen) return null;
    const u = this.catalog.users.byId(session.user.id);
    return u?.status === 'active' ? u.role : null;
  }

  requireAdmin(session: Session): void {
    if (!session.isOpen) throw sessionLocked();
    if (this.roleOf(session) !== 'admin') throw new CubbyError('FORBIDDEN', 'Only an administrator can do that.');
  }

  /** The session's account as it is now; a session whose account went away is closed. */
  sessionUser(session: Session): UserRecord {
    if (!session.isOpen) throw sessionLocked();
    const user = this.catalog.users.byId(session.user.id);
    if (!user?.keys || user.status !== 'active') {
      session.close();
      throw sessionLocked();
    }
    return user;
  }

  targetUser(userId: string): UserRecord {
    const user = this.catalog.users.byId(userId);
    if (!user) throw notFound('account');
    return user;
  }

  /**
   * Inside the transaction that commits a sign-in or a key change: the account must still be
   * active with the wrap that was used, since an admin (or the command line) may have disabled,
   * deleted or changed it during the Argon2 wait.
   */
  requireUnchanged(seen: UserRecord, wrap: 'password' | 'recovery'): void {
    const now = this.catalog.users.byId(seen.id);
    if (!now?.keys) throw wrap === 'password' ? wrongCredentials() : invalidRecoveryKey();
    if (now.status !== 'active') throw accountDisabled();
    const [a, b] = wrap === 'password' ? [now.keys.dekByPassword, seen.keys!.dekByPassword] : [now.keys.dekByRecovery, seen.keys!.dekByRecovery];
    if (!a.equals(b)) throw new CubbyError('LOCKED', 'Your account was changed while you were signing in. Try again.');
  }

  // ---- passwords and throttling ----------------------------------------------------------

  async verifyPassword(user: UserRecord, password: string): Promise<void> {
    const nameKey = this.throttle(user.username);
    try {
      (await this.keys.unlockWithPassword(user.id, password, user.keys!)).fill(0);
    } catch (e) {
      if (isCubbyError(e, 'WRONG_CREDENTIALS')) throw this.failLogin(nameKey, user.id, e);
      throw e;
    }
  }

  kdfDefault(): KdfParams {
    const stored = this.catalog.getMeta('kdf_default');
    return stored ? KdfParams.parse(JSON.parse(stored)) : KDF_FLOOR;
  }

  /** Failure counters are keyed by an HMAC of the name, so unknown names back off like real ones. */
  nameKey(username: string): string {
    return createHmac('sha256', this.catalog.secret('login')).update(username.toLowerCase()).digest('base64');
  }

  /** Refuse early while a name is in backoff; returns the name's counter key. */
  throttle(username: string): string {
    const nameKey = this.nameKey(username);
    const { lockedUntil } = this.catalog.loginFailures.get(nameKey);
    const wait = lockedUntil - this.now();
    if (wait > 0) throw lockedError(wait);
    return nameKey;
  }

  failLogin(nameKey: string, userId: string | null, error: CubbyError): CubbyError {
    const now = this.now();
    const failures = this.catalog.loginFailures.get(nameKey).failures + 1;
    const wait = lockDuration(this.policy, failures);
    this.catalog.transaction(() => {
      this.catalog.loginFailures.set(nameKey, { failures, lockedUntil: wait ? now + wait : 0 }, now);
      this.audit(null, 'login_failed', userId);
    });
    return wait ? lockedError(wait) : error;
  }

  /** Sign-ins and key changes for one name run one at a time. */
  oneAtATime<T>(username: string, attempt: () => Promise<T>): Promise<T> {
    const key = username.toLowerCase();
    const run = (this.attempts.get(key) ?? Promise.resolve()).then(attempt);
    const tail = run.catch(() => undefined);
    this.attempts.set(key, tail);
    void tail.then(() => this.attempts.get(key) === tail && this.attempts.delete(key));
    return run;
  }

  // ---- records ---------------------------------------------------------------------------

  audit(actorId: string | null, action: AuditAction, targetId: string | null, detail: string | null = null): void {
    this.catalog.audit.append({ at: this.now(), actorId, action, targetId, detail });
  }

  /** The vault, and the homes of the person's tool servers (which may hold what those servers wrote in plaintext). */
  removeVaultFiles(userId: string): void {
    const base = this.paths.vault(userId);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(base + suffix, { force: true });
    rmSync(this.paths.toolHomes(userId), { recursive: true, force: true });
  }
}

export function accountDisabled(): CubbyError {
  return new CubbyError('ACCOUNT_DISABLED', 'This account is disabled. Ask your administrator to enable it.');
}

export function lockedError(waitMs: number): CubbyError {
  const seconds = Math.ceil(waitMs / 1000);
  const when = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new CubbyError('ACCOUNT_LOCKED', `Too many failed attempts. Try again in ${when}, or ask your administrator.`, {
    retryAfterMs: waitMs,
  });
}
