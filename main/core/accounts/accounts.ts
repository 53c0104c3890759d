import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Catalog } from '../catalog/catalog';
import type { AuditEvent, AuditQuery } from '../catalog/audit';
import type { Role, UserRecord } from '../catalog/users';
import { CubbyError, isCubbyError, wrongCredentials } from '../errors';
import { calibrateKdf } from '../keys/kdf';
import type { Keychain } from '../keys/keychain';
import { KeyService } from '../keys/keyService';
import { dataPaths } from '../paths';
import { AdminUsers, type UserSummary } from './admin';
import { accountDisabled, AccountsCore } from './core';
import { OwnKeys, type NewVault } from './ownKeys';
import { checkDisplayName, checkPassword, checkUsername, DEFAULT_POLICY, type AccountPolicy } from './policy';
import type { Session } from './session';
import { SharedRunWatch } from '../sharing/run';
import { SharedAgentService } from '../sharing/sharedAgentService';

export type { NewVault, UserSummary };

export interface AccountsOptions {
  dataDir: string;
  keychain: Keychain;
  policy?: Partial<AccountPolicy>;
  /** Injected for tests of expiry and backoff. */
  now?: () => number;
}

/** What the login screen may show: active accounts only. */
export interface LoginUser {
  username: string;
  displayName: string;
}

const INVITE_INVALID_MESSAGE =
  'That invite code is not valid, has expired or was already used. Ask your administrator for a new one.';

/**
 * Accounts and sessions: first-run setup, invites, sign-in with backoff, and (through the parts
 * it delegates to) a person's own keys and the admin's user management. Every action writes an
 * audit event.
 */
export class Accounts {
  private readonly admin: AdminUsers;
  private readonly ownKeys: OwnKeys;
  private readonly accessListeners = new Set<() => void>();
  private shared?: { service: SharedAgentService; runs: SharedRunWatch };

  private constructor(private readonly core: AccountsCore) {
    this.admin = new AdminUsers(core);
    this.ownKeys = new OwnKeys(core);
  }

  /** Shared agents (sharing/), and the answers being written with them (stopped when access goes). */
  get sharing(): { service: SharedAgentService; runs: SharedRunWatch } {
    if (!this.shared) {
      const service = new SharedAgentService(this);
      this.shared = { service, runs: new SharedRunWatch(service) };
    }
    return this.shared;
  }

  get policy(): AccountPolicy {
    return this.core.policy;
  }

  private get catalog() {
    return this.core.catalog;
  }

  private get keys() {
    return this.core.keys;
  }

  static async open(opts: AccountsOptions): Promise<Accounts> {
    const paths = dataPaths(opts.dataDir);
    const policy = { ...DEFAULT_POLICY, ...opts.policy };
    const keys = new KeyService(opts.keychain, policy.kdfFloor);
    const catalog = await Catalog.open(paths, keys);
    const core = new AccountsCore(paths, catalog, keys, policy, opts.now ?? Date.now);
    const accounts = new Accounts(core);
    await accounts.admin.finishPendingDeletions();
    return accounts;
  }

  close(): void {
    for (const s of [...this.core.sessions.values()]) s.close();
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
    checkPassword(this.core.policy, input.password, input.username);

    const kdf = await calibrateKdf(this.core.policy.kdfTargetMs, this.core.policy.kdfFloor);
    const id = randomUUID();
    const created = await this.keys.createUserKeys(id, input.password, kdf);
    try {
      this.catalog.transaction(() => {
        if (this.isSetUp()) throw new CubbyError('ALREADY_SET_UP', 'Cubby is already set up on this computer. Sign in instead.');
        this.catalog.setMeta('kdf_default', JSON.stringify(kdf));
        const now = this.core.now();
        this.catalog.users.insert({ id, username: input.username, displayName: input.displayName.trim(), role: 'admin', status: 'active' }, now);
        this.catalog.users.setKeys(id, created.keys, now);
        this.catalog.users.touchLogin(id, now);
        this.core.audit(id, 'setup', id);
      });
    } catch (e) {
      created.dek.fill(0);
      await this.keys.forgetDevice(id).catch(() => undefined);
      throw e;
    }
    return { session: this.core.startSession(this.catalog.users.byId(id)!, created.dek), recoveryKey: created.recoveryKey };
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
    return this.core.oneAtATime(username, () => this.attemptLogin(username, password));
  }

  private async attemptLogin(username: string, password: string): Promise<Session> {
    const nameKey = this.core.throttle(username);
    const user = this.catalog.users.byUsername(username);
    if (!user?.keys || user.status === 'invited') {
      await this.keys.burnUnlockTime(password, this.core.kdfDefault());
      throw this.core.failLogin(nameKey, null, wrongCredentials());
    }
    this.core.requireNotHeld(user.id);
    if (user.status === 'disabled') {
      // The same work and the same answer whether the password is right or wrong: a disabled
      // account must not confirm a password (which may be in use elsewhere).
      await this.keys.unlockWithPassword(user.id, password, user.keys).then((dek) => dek.fill(0), () => undefined);
      throw accountDisabled();
    }
    let dek: Buffer;
    try {
      dek = await this.keys.unlockWithPassword(user.id, password, user.keys);
    } catch (e) {
      if (isCubbyError(e, 'WRONG_CREDENTIALS')) throw this.core.failLogin(nameKey, user.id, e);
      throw e;
    }
    try {
      this.catalog.transaction(() => {
        this.core.requireUnchanged(user, 'password');
        this.catalog.loginFailures.clear(nameKey);
        this.catalog.users.touchLogin(user.id, this.core.now());
        this.core.audit(user.id, 'login', user.id);
      });
    } catch (e) {
      dek.fill(0);
      throw e;
    }
    return this.core.startSession(user, dek);
  }

  /** Lock or sign out: the vault closes and the DEK is zeroed. */
  lock(session: Session): void {
    if (!session.isOpen) return;
    session.close();
    this.core.audit(session.user.id, 'logout', session.user.id);
  }

  /**
   * For workflows allowed to run while locked (scheduler/background.ts): a second session of the
   * same person from a copy of this session's DEK, owned (and zeroed on close) by the new
   * session. It is one of the open sessions, so sign-out paths, closeSessionsOf and close() end it.
   */
  openBackgroundSession(session: Session): Session {
    const user = this.core.sessionUser(session);
    return this.core.startSession(user, session.withDek((dek) => {
      const copy = Buffer.alloc(dek.length); // not from Buffer's shared pool
      dek.copy(copy);
      return copy;
    }));
  }

  openSessions(): Session[] {
    return [...this.core.sessions.values()];
  }

  // ---- invites ---------------------------------------------------------------------------

  async createInvite(
    admin: Session,
    input: { username: string; displayName: string; role: Role },
  ): Promise<{ userId: string; code: string; expiresAt: number }> {
    this.core.requireAdmin(admin);
    checkUsername(input.username);
    checkDisplayName(input.displayName);
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const inviteId = randomUUID();
    const now = this.core.now();
    const expiresAt = now + this.core.policy.inviteTtlMs;
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
      this.core.audit(admin.user.id, 'invite_created', userId);
    });
    return { userId, code, expiresAt };
  }

  /** One redemption per name at a time: a double submit must not enroll two device secrets. */
  redeemInvite(input: { username: string; code: string; password: string }): Promise<NewVault> {
    return this.core.oneAtATime(input.username, () => this.attemptRedeem(input));
  }

  private async attemptRedeem(input: { username: string; code: string; password: string }): Promise<NewVault> {
    // Before the code is looked at: a weak password must not tell a right code from a wrong one.
    checkPassword(this.core.policy, input.password, input.username);
    const user = this.catalog.users.byUsername(input.username);
    const invite = user?.status === 'invited' ? this.catalog.invites.latestFor(user.id) : undefined;
    const usable =
      invite && invite.usedAt === null && invite.expiresAt > this.core.now() && invite.attempts < this.core.policy.inviteMaxAttempts;
    if (!user || !invite || !usable || !this.codeMatches(invite.id, input.code, invite.codeHash)) {
      if (invite && usable) {
        this.catalog.transaction(() => {
          this.catalog.invites.countAttempt(invite.id);
          this.core.audit(null, 'invite_failed', invite.userId);
        });
      }
      throw new CubbyError('INVITE_INVALID', INVITE_INVALID_MESSAGE);
    }

    this.core.requireNotHeld(user.id);
    const created = await this.keys.createUserKeys(user.id, input.password, this.core.kdfDefault());
    try {
      this.catalog.transaction(() => {
        const now = this.core.now();
        const fresh = this.catalog.invites.latestFor(user.id);
        if (fresh?.id !== invite.id || fresh.usedAt !== null) throw new CubbyError('INVITE_INVALID', INVITE_INVALID_MESSAGE);
        this.catalog.invites.markUsed(invite.id, now);
        this.catalog.users.setKeys(user.id, created.keys, now);
        this.catalog.users.setStatus(user.id, 'active', now);
        this.catalog.users.touchLogin(user.id, now);
        this.core.audit(user.id, 'invite_redeemed', user.id);
      });
    } catch (e) {
      created.dek.fill(0);
      // The account is still without keys (or gone): the secret just enrolled serves nothing.
      if (!this.catalog.users.byId(user.id)?.keys) await this.keys.forgetDevice(user.id).catch(() => undefined);
      throw e;
    }
    return { session: this.core.startSession(this.catalog.users.byId(user.id)!, created.dek), recoveryKey: created.recoveryKey };
  }

  // ---- a person's own keys (ownKeys.ts) ----------------------------------------------------

  changePassword(session: Session, current: string, next: string): Promise<void> {
    return this.ownKeys.changePassword(session, current, next);
  }

  renewRecoveryKey(session: Session, password: string): Promise<string> {
    return this.ownKeys.renewRecoveryKey(session, password);
  }

  /** The typed recovery key opens this session's vault: its secret bytes (the caller zeroes them). */
  checkRecoveryKey(session: Session, text: string): Buffer {
    return this.ownKeys.checkRecoveryKey(session, text);
  }

  recover(input: { username: string; recoveryKey: string; newPassword: string }): Promise<NewVault> {
    return this.ownKeys.recover(input);
  }

  // ---- admin (admin.ts) --------------------------------------------------------------------

  listUsers(admin: Session): UserSummary[] {
    return this.admin.listUsers(admin);
  }

  setDisabled(admin: Session, userId: string, disabled: boolean): void {
    this.admin.setDisabled(admin, userId, disabled);
  }

  setRole(admin: Session, userId: string, role: Role): void {
    this.admin.setRole(admin, userId, role);
  }

  clearLockout(admin: Session, userId: string): void {
    this.admin.clearLockout(admin, userId);
  }

  deleteUser(admin: Session, userId: string): Promise<void> {
    return this.admin.deleteUser(admin, userId);
  }

  /** The command line is changing this account: no sign-in of it may start or open its vault until released. */
  holdUser(userId: string): () => void {
    return this.core.hold(userId);
  }

  checkRemovable(admin: Session, userId: string): void {
    this.admin.checkRemovable(admin, userId);
  }

  promoteWhenNoAdmin(session: Session): void {
    this.admin.promoteWhenNoAdmin(session);
  }

  auditLog(admin: Session, query: AuditQuery = {}): AuditEvent[] {
    return this.admin.auditLog(admin, query);
  }

  onAccountChanged(listener: (userId: string) => void): () => void {
    return this.admin.onAccountChanged(listener);
  }

  roleOf(session: Session): Role | null {
    return this.core.roleOf(session);
  }

  isAdmin(session: Session): boolean {
    return this.core.roleOf(session) === 'admin';
  }

  /** The catalog and the time, once `admin` is checked to be a signed-in administrator (for groups.ts). */
  adminCatalog(admin: Session): { catalog: Catalog; now: number } {
    this.core.requireAdmin(admin);
    return { catalog: this.catalog, now: this.core.now() };
  }

  /**
   * For shared agents (sharing/): the catalog, the caller's account as it is now (LOCKED once it
   * is disabled or deleted), the time, and the key service that seals shared credentials.
   */
  memberCatalog(session: Session): { catalog: Catalog; user: UserRecord; now: number; keys: KeyService } {
    return { catalog: this.catalog, user: this.core.sessionUser(session), now: this.core.now(), keys: this.keys };
  }

  /** Told when grants, group memberships or shared agents changed (a role change is onAccountChanged). */
  onAccessChanged(listener: () => void): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  accessChanged(): void {
    for (const listener of [...this.accessListeners]) listener();
  }

  // ---- internals ---------------------------------------------------------------------------

  private inviteHash(inviteId: string, code: string): Buffer {
    return createHmac('sha256', this.catalog.secret('invite')).update(`${inviteId}:${code}`).digest();
  }

  private codeMatches(inviteId: string, code: string, stored: Buffer): boolean {
    return timingSafeEqual(this.inviteHash(inviteId, code.replace(/\s/g, '')), stored);
  }
}
