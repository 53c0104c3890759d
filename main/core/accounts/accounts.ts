import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Catalog } from '../catalog/catalog';
import type { AuditAction, AuditEvent, AuditQuery } from '../catalog/audit';
import type { Role, UserRecord } from '../catalog/users';
import { CubbyError, isCubbyError, notFound, wrongCredentials } from '../errors';
import { calibrateKdf, KDF_FLOOR, KdfParams } from '../keys/kdf';
import type { Keychain } from '../keys/keychain';
import { KeyService, type WrappedKeys } from '../keys/keyService';
import { invalidRecoveryKey } from '../keys/recoveryKey';
import { dataPaths, type DataPaths } from '../paths';
import { checkDisplayName, checkPassword, checkUsername, DEFAULT_POLICY, lockDuration, type AccountPolicy } from './policy';
import { openSession, sessionLocked, Session, type SessionUser } from './session';

export interface AccountsOptions {
  dataDir: string;
  keychain: Keychain;
  policy?: Partial<AccountPolicy>;
  /** Injected for tests of expiry and backoff. */
  now?: () => number;
}

/** What an admin sees of an account: never key material. */
export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  status: UserRecord['status'];
  createdAt: number;
  lastLoginAt: number | null;
  lockedUntil: number | null;
  invite: { expiresAt: number; expired: boolean } | null;
}

/** What the login screen may show: active accounts only. */
export interface LoginUser {
  username: string;
  displayName: string;
}

export interface NewVault {
  session: Session;
  /** Shown once, never stored in the clear. */
  recoveryKey: string;
}

const INVITE_INVALID_MESSAGE =
  'That invite code is not valid, has expired or was already used. Ask your administrator for a new one.';

/**
 * Accounts and sessions: first-run setup, invites, login with backoff, password change,
 * recovery, and the admin's user management. Every action writes an audit event.
 */
export class Accounts {
  private readonly sessions = new Map<string, Session>();
  /** The tail of the queue of sign-in attempts per (lower-cased) name. */
  private readonly attempts = new Map<string, Promise<unknown>>();
  private readonly changeListeners = new Set<(userId: string) => void>();

  private constructor(
    private readonly paths: DataPaths,
    private readonly catalog: Catalog,
    private readonly keys: KeyService,
    readonly policy: AccountPolicy,
    private readonly now: () => number,
  ) {}

  static async open(opts: AccountsOptions): Promise<Accounts> {
    const paths = dataPaths(opts.dataDir);
    const keys = new KeyService(opts.keychain);
    const catalog = await Catalog.open(paths, keys);
    const accounts = new Accounts(paths, catalog, keys, { ...DEFAULT_POLICY, ...opts.policy }, opts.now ?? Date.now);
    accounts.finishPendingDeletions();
    return accounts;
  }

  close(): void {
    for (const s of [...this.sessions.values()]) s.close();
    this.catalog.close();
  }

  // ---- first run -------------------------------------------------------------------------

  isSetUp(): boolean {
    return this.catalog.users.count() > 0;
  }

  async setup(input: { username: string; displayName: string; password: string }): Promise<NewVault> {
    if (this.isSetUp()) throw new CubbyError('ALREADY_SET_UP', 'Cubby is already set up on this computer. Sign in instead.');
    checkUsername(input.username);
    checkDisplayName(input.displayName);
    checkPassword(this.policy, input.password, input.username);

    const kdf = await calibrateKdf(this.policy.kdfTargetMs);
    const id = randomUUID();
    const created = await this.keys.createUserKeys(id, input.password, kdf);
    try {
      this.catalog.transaction(() => {
        if (this.isSetUp()) throw new CubbyError('ALREADY_SET_UP', 'Cubby is already set up on this computer. Sign in instead.');
        this.catalog.setMeta('kdf_default', JSON.stringify(kdf));
        const now = this.now();
        this.catalog.users.insert({ id, username: input.username, displayName: input.displayName.trim(), role: 'admin', status: 'active' }, now);
        this.catalog.users.setKeys(id, created.keys, now);
        this.catalog.users.touchLogin(id, now);
        this.audit(id, 'setup', id);
      });
    } catch (e) {
      created.dek.fill(0);
      await this.keys.forgetDevice(id).catch(() => undefined);
      throw e;
    }
    return { session: this.startSession(this.catalog.users.byId(id)!, created.dek), recoveryKey: created.recoveryKey };
  }

  // ---- signing in ------------------------------------------------------------------------

  loginUsers(): LoginUser[] {
    return this.catalog.users
      .list()
      .filter((u) => u.status === 'active')
      .map((u) => ({ username: u.username, displayName: u.displayName }));
  }

  /** Attempts for one name run one at a time, so parallel guesses cannot all slip past the backoff. */
  login(username: string, password: string): Promise<Session> {
    return this.oneAtATime(username, () => this.attemptLogin(username, password));
  }

  private async attemptLogin(username: string, password: string): Promise<Session> {
    const nameKey = this.throttle(username);
    const user = this.catalog.users.byUsername(username);
    if (!user?.keys || user.status === 'invited') {
      await this.keys.burnUnlockTime(password, this.kdfDefault());
      throw this.failLogin(nameKey, null, wrongCredentials());
    }
    let dek: Buffer;
    try {
      dek = await this.keys.unlockWithPassword(user.id, password, user.keys);
    } catch (e) {
      if (isCubbyError(e, 'WRONG_CREDENTIALS')) throw this.failLogin(nameKey, user.id, e);
      throw e;
    }
    try {
      this.catalog.transaction(() => {
        this.requireUnchanged(user, 'password');
        this.catalog.loginFailures.clear(nameKey);
        this.catalog.users.touchLogin(user.id, this.now());
        this.audit(user.id, 'login', user.id);
      });
    } catch (e) {
      dek.fill(0);
      throw e;
    }
    return this.startSession(user, dek);
  }

  /** Lock or sign out: the vault closes and the DEK is zeroed. */
  lock(session: Session): void {
    if (!session.isOpen) return;
    session.close();
    this.audit(session.user.id, 'logout', session.user.id);
  }

  openSessions(): Session[] {
    return [...this.sessions.values()];
  }

  // ---- invites ---------------------------------------------------------------------------

  async createInvite(
    admin: Session,
    input: { username: string; displayName: string; role: Role },
  ): Promise<{ userId: string; code: string; expiresAt: number }> {
    this.requireAdmin(admin);
    checkUsername(input.username);
    checkDisplayName(input.displayName);
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const inviteId = randomUUID();
    const now = this.now();
    const expiresAt = now + this.policy.inviteTtlMs;
    let userId = '';
    this.catalog.transaction(() => {
      const existing = this.catalog.users.byUsername(input.username);
      if (existing && existing.status !== 'invited') {
        throw new CubbyError('USERNAME_TAKEN', 'That username is already in use. Choose another.');
      }
      userId = existing?.id ?? randomUUID();
      if (!existing) {
        this.catalog.users.insert(
          { id: userId, username: input.username, displayName: input.displayName.trim(), role: input.role, status: 'invited' },
          now,
        );
      }
      this.catalog.invites.insert({ id: inviteId, userId, codeHash: this.inviteHash(inviteId, code), createdBy: admin.user.id, createdAt: now, expiresAt });
      this.audit(admin.user.id, 'invite_created', userId);
    });
    return { userId, code, expiresAt };
  }

  /** One redemption per name at a time: a double submit must not enroll two device secrets. */
  redeemInvite(input: { username: string; code: string; password: string }): Promise<NewVault> {
    return this.oneAtATime(input.username, () => this.attemptRedeem(input));
  }

  private async attemptRedeem(input: { username: string; code: string; password: string }): Promise<NewVault> {
    const user = this.catalog.users.byUsername(input.username);
    const invite = user?.status === 'invited' ? this.catalog.invites.latestFor(user.id) : undefined;
    const usable =
      invite && invite.usedAt === null && invite.expiresAt > this.now() && invite.attempts < this.policy.inviteMaxAttempts;
    if (!user || !invite || !usable || !this.codeMatches(invite.id, input.code, invite.codeHash)) {
      if (invite && usable) {
        this.catalog.transaction(() => {
          this.catalog.invites.countAttempt(invite.id);
          this.audit(null, 'invite_failed', invite.userId);
        });
      }
      throw new CubbyError('INVITE_INVALID', INVITE_INVALID_MESSAGE);
    }
    checkPassword(this.policy, input.password, user.username);

    const created = await this.keys.createUserKeys(user.id, input.password, this.kdfDefault());
    try {
      this.catalog.transaction(() => {
        const now = this.now();
        const fresh = this.catalog.invites.latestFor(user.id);
        if (fresh?.id !== invite.id || fresh.usedAt !== null) throw new CubbyError('INVITE_INVALID', INVITE_INVALID_MESSAGE);
        this.catalog.invites.markUsed(invite.id, now);
        this.catalog.users.setKeys(user.id, created.keys, now);
        this.catalog.users.setStatus(user.id, 'active', now);
        this.catalog.users.touchLogin(user.id, now);
        this.audit(user.id, 'invite_redeemed', user.id);
      });
    } catch (e) {
      created.dek.fill(0);
      // The account is still without keys (or gone): the secret just enrolled serves nothing.
      if (!this.catalog.users.byId(user.id)?.keys) await this.keys.forgetDevice(user.id).catch(() => undefined);
      throw e;
    }
    return { session: this.startSession(this.catalog.users.byId(user.id)!, created.dek), recoveryKey: created.recoveryKey };
  }

  // ---- the user's own keys ---------------------------------------------------------------

  /*
   * Key changes for one person run one at a time (in the same queue as their sign-ins), and each
   * writes only its own wrap, so two at once can neither revert a password nor revive a revoked
   * recovery key.
   */

  changePassword(session: Session, current: string, next: string): Promise<void> {
    return this.oneAtATime(session.user.username, async () => {
      const user = this.sessionUser(session);
      checkPassword(this.policy, next, user.username);
      await this.verifyPassword(user, current);
      // A copy: locking during the Argon2 wait zeroes the session's own buffer.
      const dek = session.withDek((live) => Buffer.from(live));
      try {
        const rewrapped = await this.keys.rewrapForPassword(user.id, dek, next, this.kdfDefault());
        this.catalog.transaction(() => {
          this.requireUnchanged(user, 'password');
          this.catalog.users.setPasswordWrap(user.id, rewrapped, this.now());
          this.audit(user.id, 'password_changed', user.id);
        });
        this.catalog.checkpoint();
      } finally {
        dek.fill(0);
      }
    });
  }

  /** A new recovery key; the old one stops working. Needs the password, as a second look. */
  renewRecoveryKey(session: Session, password: string): Promise<string> {
    return this.oneAtATime(session.user.username, async () => {
      const user = this.sessionUser(session);
      await this.verifyPassword(user, password);
      const wrap = session.withDek((dek) => this.keys.newRecoveryWrap(user.id, dek));
      this.catalog.transaction(() => {
        this.requireUnchanged(user, 'recovery');
        this.catalog.users.setRecoveryWrap(user.id, wrap.dekByRecovery, this.now());
        this.audit(user.id, 'recovery_key_renewed', user.id);
      });
      this.catalog.checkpoint();
      return wrap.recoveryKey;
    });
  }

  /** Forgotten password or lost keychain entry: the recovery key sets a new password and issues a new recovery key. */
  recover(input: { username: string; recoveryKey: string; newPassword: string }): Promise<NewVault> {
    return this.oneAtATime(input.username, () => this.attemptRecovery(input));
  }

  private async attemptRecovery(input: { username: string; recoveryKey: string; newPassword: string }): Promise<NewVault> {
    const nameKey = this.throttle(input.username);
    const user = this.catalog.users.byUsername(input.username);
    checkPassword(this.policy, input.newPassword, input.username);
    let dek: Buffer;
    try {
      if (!user?.keys || user.status === 'invited') throw invalidRecoveryKey();
      dek = this.keys.openWithRecoveryKey(user.id, input.recoveryKey, user.keys);
    } catch (e) {
      if (isCubbyError(e, 'RECOVERY_KEY_INVALID')) throw this.failLogin(nameKey, user?.id ?? null, e);
      throw e;
    }
    try {
      if (user.status === 'disabled') throw accountDisabled();
      const next = await this.keys.reenroll(user.id, dek, input.newPassword, this.kdfDefault());
      this.catalog.transaction(() => {
        this.requireUnchanged(user, 'recovery');
        const now = this.now();
        this.catalog.users.setKeys(user.id, next.keys, now);
        this.catalog.loginFailures.clear(nameKey);
        this.catalog.users.touchLogin(user.id, now);
        this.audit(user.id, 'recovery_used', user.id);
      });
      this.catalog.checkpoint();
      return { session: this.startSession(user, dek), recoveryKey: next.recoveryKey };
    } catch (e) {
      dek.fill(0);
      // Deleted meanwhile: a device secret this recovery enrolled must not outlive the account.
      if (!this.catalog.users.byId(user.id)) await this.keys.forgetDevice(user.id).catch(() => undefined);
      throw e;
    }
  }

  // ---- admin -----------------------------------------------------------------------------

  listUsers(admin: Session): UserSummary[] {
    this.requireAdmin(admin);
    const now = this.now();
    return this.catalog.users.list().map((u) => {
      const lock = this.catalog.loginFailures.get(this.nameKey(u.username));
      const invite = u.status === 'invited' ? this.catalog.invites.latestFor(u.id) : undefined;
      return {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        status: u.status,
        createdAt: u.createdAt,
        lastLoginAt: u.lastLoginAt,
        lockedUntil: lock.lockedUntil > now ? lock.lockedUntil : null,
        invite: invite ? { expiresAt: invite.expiresAt, expired: invite.expiresAt <= now } : null,
      };
    });
  }

  setDisabled(admin: Session, userId: string, disabled: boolean): void {
    this.requireAdmin(admin);
    this.catalog.transaction(() => {
      const target = this.targetUser(userId);
      if (target.status === 'invited') throw new CubbyError('VALIDATION', 'This account has not been set up yet; delete the invite instead.');
      if (disabled) this.guardLastAdmin(target);
      this.catalog.users.setStatus(target.id, disabled ? 'disabled' : 'active', this.now());
      this.audit(admin.user.id, disabled ? 'user_disabled' : 'user_enabled', target.id);
    });
    if (disabled) this.closeSessionsOf(userId);
  }

  setRole(admin: Session, userId: string, role: Role): void {
    this.requireAdmin(admin);
    const changed = this.catalog.transaction(() => {
      const target = this.targetUser(userId);
      if (target.role === role) return false;
      if (role !== 'admin') this.guardLastAdmin(target);
      this.catalog.users.setRole(target.id, role, this.now());
      this.audit(admin.user.id, 'role_changed', target.id, role);
      return true;
    });
    if (!changed) return;
    for (const listener of this.changeListeners) {
      try {
        listener(userId);
      } catch {
        // The change is committed; a window that missed the news learns it on its next call.
      }
    }
  }

  /** Told the id of an account an admin changed while it may be signed in (its role). */
  onAccountChanged(listener: (userId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  clearLockout(admin: Session, userId: string): void {
    this.requireAdmin(admin);
    const target = this.targetUser(userId);
    this.catalog.transaction(() => {
      this.catalog.loginFailures.clear(this.nameKey(target.username));
      this.audit(admin.user.id, 'lockout_cleared', target.id);
    });
  }

  /** Crypto-shred: keychain entry, wrapped keys, then the vault and its WAL/SHM. */
  async deleteUser(admin: Session, userId: string): Promise<void> {
    this.requireAdmin(admin);
    const target = this.targetUser(userId);
    this.guardLastAdmin(target);
    this.closeSessionsOf(target.id);
    await this.keys.forgetDevice(target.id);
    this.catalog.transaction(() => {
      this.catalog.users.delete(target.id);
      this.catalog.loginFailures.clear(this.nameKey(target.username));
      this.catalog.vaultDeletions.add(target.id, this.now());
      this.audit(admin.user.id, 'user_deleted', target.id);
    });
    // A sign-in that finished during the keychain call opened a session; none can open from here on.
    this.closeSessionsOf(target.id);
    this.removeVaultFiles(target.id);
    this.catalog.vaultDeletions.remove(target.id);
    this.catalog.checkpoint();
  }

  auditLog(admin: Session, query: AuditQuery = {}): AuditEvent[] {
    this.requireAdmin(admin);
    return this.catalog.audit.query(query);
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

  isAdmin(session: Session): boolean {
    return this.roleOf(session) === 'admin';
  }

  // ---- BEGIN cli branch: catalog access for admin services beside this class (groups.ts) ---
  /** The catalog and the time, once `admin` is checked to be a signed-in administrator. */
  adminCatalog(admin: Session): { catalog: Catalog; now: number } {
    this.requireAdmin(admin);
    return { catalog: this.catalog, now: this.now() };
  }
  // ---- END cli branch ----------------------------------------------------------------------

  // ---- internals -------------------------------------------------------------------------

  private startSession(user: UserRecord, dek: Buffer): Session {
    const sessionUser: SessionUser = { id: user.id, username: user.username, displayName: user.displayName };
    const session = openSession(this.paths, sessionUser, dek);
    this.sessions.set(session.id, session);
    session.onClose(() => this.sessions.delete(session.id));
    return session;
  }

  private closeSessionsOf(userId: string): void {
    for (const s of [...this.sessions.values()]) if (s.user.id === userId) s.close();
  }

  private sessionUser(session: Session): UserRecord {
    if (!session.isOpen) throw sessionLocked();
    const user = this.catalog.users.byId(session.user.id);
    if (!user?.keys || user.status !== 'active') {
      session.close();
      throw sessionLocked();
    }
    return user;
  }

  /**
   * Inside the transaction that commits a sign-in or a key change: the account must still be
   * active with the wrap that was used, since an admin (or the command line) may have disabled,
   * deleted or changed it during the Argon2 wait.
   */
  private requireUnchanged(seen: UserRecord, wrap: 'password' | 'recovery'): void {
    const now = this.catalog.users.byId(seen.id);
    if (!now?.keys) throw wrap === 'password' ? wrongCredentials() : invalidRecoveryKey();
    if (now.status !== 'active') throw accountDisabled();
    const [a, b] = wrap === 'password' ? [now.keys.dekByPassword, seen.keys!.dekByPassword] : [now.keys.dekByRecovery, seen.keys!.dekByRecovery];
    if (!a.equals(b)) throw new CubbyError('LOCKED', 'Your account was changed while you were signing in. Try again.');
  }

  private requireAdmin(session: Session): void {
    if (!session.isOpen) throw sessionLocked();
    if (!this.isAdmin(session)) throw new CubbyError('FORBIDDEN', 'Only an administrator can do that.');
  }

  private targetUser(userId: string): UserRecord {
    const user = this.catalog.users.byId(userId);
    if (!user) throw notFound('account');
    return user;
  }

  private guardLastAdmin(target: UserRecord): void {
    if (target.role === 'admin' && target.status === 'active' && this.catalog.users.countActiveAdmins() <= 1) {
      throw new CubbyError('LAST_ADMIN', 'This is the last active administrator. Make someone else an administrator first.');
    }
  }

  private async verifyPassword(user: UserRecord, password: string): Promise<void> {
    const nameKey = this.throttle(user.username);
    try {
      (await this.keys.unlockWithPassword(user.id, password, user.keys!)).fill(0);
    } catch (e) {
      if (isCubbyError(e, 'WRONG_CREDENTIALS')) throw this.failLogin(nameKey, user.id, e);
      throw e;
    }
  }

  private kdfDefault(): KdfParams {
    const stored = this.catalog.getMeta('kdf_default');
    return stored ? KdfParams.parse(JSON.parse(stored)) : KDF_FLOOR;
  }

  /** Failure counters are keyed by an HMAC of the name, so unknown names back off like real ones. */
  private nameKey(username: string): string {
    return createHmac('sha256', this.catalog.secret('login')).update(username.toLowerCase()).digest('base64');
  }

  /** Refuse early while a name is in backoff; returns the name's counter key. */
  private throttle(username: string): string {
    const nameKey = this.nameKey(username);
    const { lockedUntil } = this.catalog.loginFailures.get(nameKey);
    const wait = lockedUntil - this.now();
    if (wait > 0) throw lockedError(wait);
    return nameKey;
  }

  private failLogin(nameKey: string, userId: string | null, error: CubbyError): CubbyError {
    const now = this.now();
    const failures = this.catalog.loginFailures.get(nameKey).failures + 1;
    const wait = lockDuration(this.policy, failures);
    this.catalog.transaction(() => {
      this.catalog.loginFailures.set(nameKey, { failures, lockedUntil: wait ? now + wait : 0 }, now);
      this.audit(null, 'login_failed', userId);
    });
    return wait ? lockedError(wait) : error;
  }

  private oneAtATime<T>(username: string, attempt: () => Promise<T>): Promise<T> {
    const key = username.toLowerCase();
    const run = (this.attempts.get(key) ?? Promise.resolve()).then(attempt);
    const tail = run.catch(() => undefined);
    this.attempts.set(key, tail);
    void tail.then(() => this.attempts.get(key) === tail && this.attempts.delete(key));
    return run;
  }

  private inviteHash(inviteId: string, code: string): Buffer {
    return createHmac('sha256', this.catalog.secret('invite')).update(`${inviteId}:${code}`).digest();
  }

  private codeMatches(inviteId: string, code: string, stored: Buffer): boolean {
    return timingSafeEqual(this.inviteHash(inviteId, code.replace(/\s/g, '')), stored);
  }

  private audit(actorId: string | null, action: AuditAction, targetId: string | null, detail: string | null = null): void {
    this.catalog.audit.append({ at: this.now(), actorId, action, targetId, detail });
  }

  private removeVaultFiles(userId: string): void {
    const base = this.paths.vault(userId);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(base + suffix, { force: true });
  }

  /**
   * A crash between deleting a user and deleting their files leaves a vault nobody can open:
   * finish the job. Only vaults recorded as deleted are touched; a vault the catalog merely does
   * not know (an older catalog restored from a backup) is kept.
   */
  private finishPendingDeletions(): void {
    for (const userId of this.catalog.vaultDeletions.list()) {
      if (this.catalog.users.byId(userId)) continue;
      this.removeVaultFiles(userId);
      this.catalog.vaultDeletions.remove(userId);
    }
  }
}

function accountDisabled(): CubbyError {
  return new CubbyError('ACCOUNT_DISABLED', 'This account is disabled. Ask your administrator to enable it.');
}

function lockedError(waitMs: number): CubbyError {
  const seconds = Math.ceil(waitMs / 1000);
  const when = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new CubbyError('ACCOUNT_LOCKED', `Too many failed attempts. Try again in ${when}, or ask your administrator.`, {
    retryAfterMs: waitMs,
  });
}
