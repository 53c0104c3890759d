import type { AuditEvent, AuditQuery } from '../catalog/audit';
import type { Role, UserRecord } from '../catalog/users';
import { CubbyError } from '../errors';
import type { AccountsCore } from './core';
import type { Session } from './session';

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

function lastAdmin(): CubbyError {
  return new CubbyError('LAST_ADMIN', 'This is the last active administrator. Make someone else an administrator first.');
}

/**
 * The admin's user management. "At least one active administrator" is checked inside the
 * transaction that removes one (catalog transactions are BEGIN IMMEDIATE, so they hold the
 * write lock across processes too): two removals at once, from two windows or from the app
 * and the command line, cannot both pass. The acting admin is checked again under that lock,
 * after the guard: a removal that lost the race answers LAST_ADMIN while its admin may still
 * act; one whose own admin the winner removed is refused as that admin is (FORBIDDEN, or
 * LOCKED by the router).
 */
export class AdminUsers {
  private readonly changeListeners = new Set<(userId: string) => void>();

  constructor(private readonly core: AccountsCore) {}

  listUsers(admin: Session): UserSummary[] {
    const { catalog } = this.core;
    this.core.requireAdmin(admin);
    const now = this.core.now();
    return catalog.users.list().map((u) => {
      const lock = catalog.loginFailures.get(this.core.nameKey(u.username));
      const invite = u.status === 'invited' ? catalog.invites.latestFor(u.id) : undefined;
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
    this.core.requireAdmin(admin);
    this.core.catalog.transaction(() => {
      const target = this.core.targetUser(userId);
      if (target.status === 'invited') throw new CubbyError('VALIDATION', 'This account has not been set up yet; delete the invite instead.');
      if (disabled) this.guardLastAdmin(target);
      this.core.requireAdmin(admin);
      this.core.catalog.users.setStatus(target.id, disabled ? 'disabled' : 'active', this.core.now());
      this.core.audit(admin.user.id, disabled ? 'user_disabled' : 'user_enabled', target.id);
    });
    if (disabled) this.core.closeSessionsOf(userId);
  }

  setRole(admin: Session, userId: string, role: Role): void {
    this.core.requireAdmin(admin);
    const changed = this.core.catalog.transaction(() => {
      const target = this.core.targetUser(userId);
      if (target.role === role) return false;
      if (role !== 'admin') this.guardLastAdmin(target);
      this.core.requireAdmin(admin);
      this.core.catalog.users.setRole(target.id, role, this.core.now());
      this.core.audit(admin.user.id, 'role_changed', target.id, role);
      return true;
    });
    if (changed) this.tellChanged(userId);
  }

  /** Told the id of an account an admin changed while it may be signed in (its role). */
  onAccountChanged(listener: (userId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  clearLockout(admin: Session, userId: string): void {
    this.core.requireAdmin(admin);
    const target = this.core.targetUser(userId);
    this.core.catalog.transaction(() => {
      this.core.catalog.loginFailures.clear(this.core.nameKey(target.username));
      this.core.audit(admin.user.id, 'lockout_cleared', target.id);
    });
  }

  /**
   * Crypto-shred. The deletion commits first (with the last-admin check inside it) and is
   * recorded as pending; only then are the account's sessions closed and its vault files and
   * keychain entry destroyed. A crash or a keychain failure after the commit leaves the pending
   * record, and the start-up sweep finishes the job; a refused deletion destroys nothing.
   */
  async deleteUser(admin: Session, userId: string): Promise<void> {
    this.core.requireAdmin(admin);
    const { catalog } = this.core;
    catalog.transaction(() => {
      const target = this.core.targetUser(userId);
      this.guardLastAdmin(target);
      this.core.requireAdmin(admin);
      catalog.users.delete(target.id);
      catalog.loginFailures.clear(this.core.nameKey(target.username));
      catalog.vaultDeletions.add(target.id, this.core.now());
      this.core.audit(admin.user.id, 'user_deleted', target.id);
    });
    // No sign-in can commit from here on (it re-checks the account); close what is open.
    this.core.closeSessionsOf(userId);
    await this.shred(userId);
  }

  /**
   * Would removing `userId` leave no active administrator? An early answer for callers that do
   * something visible first (the command line asks a running app to close the sessions); the
   * removal's own transaction stays the one that decides.
   */
  checkRemovable(admin: Session, userId: string): void {
    this.core.requireAdmin(admin);
    this.guardLastAdmin(this.core.targetUser(userId));
  }

  /**
   * Break-glass for an install left with no active administrator (a restore, a lost admin):
   * the person signed in to this session becomes an administrator, only in that state.
   */
  promoteWhenNoAdmin(session: Session): void {
    const user = this.core.sessionUser(session);
    this.core.catalog.transaction(() => {
      if (this.core.catalog.users.countActiveAdmins() > 0) {
        throw new CubbyError('ADMIN_EXISTS', 'This computer still has an active administrator. Ask them to change your role.');
      }
      this.core.catalog.users.setRole(user.id, 'admin', this.core.now());
      this.core.audit(user.id, 'admin_break_glass', user.id);
    });
    this.tellChanged(user.id);
  }

  auditLog(admin: Session, query: AuditQuery = {}): AuditEvent[] {
    this.core.requireAdmin(admin);
    return this.core.catalog.audit.query(query);
  }

  /**
   * Finish deletions that committed but did not complete (a crash, a keychain that was not
   * reachable). Only accounts recorded as deleted are touched; a vault the catalog merely does
   * not know (an older catalog restored from a backup) is kept.
   */
  async finishPendingDeletions(): Promise<void> {
    for (const userId of this.core.catalog.vaultDeletions.list()) {
      if (this.core.catalog.users.byId(userId)) continue;
      await this.shred(userId).catch(() => undefined);
    }
  }

  private async shred(userId: string): Promise<void> {
    this.core.removeVaultFiles(userId);
    await this.core.keys.forgetDevice(userId);
    this.core.catalog.vaultDeletions.remove(userId);
    this.core.catalog.checkpoint();
  }

  /** Call inside the transaction that removes or demotes `target`. */
  private guardLastAdmin(target: UserRecord): void {
    if (target.role === 'admin' && target.status === 'active' && this.core.catalog.users.countActiveAdmins() <= 1) throw lastAdmin();
  }

  private tellChanged(userId: string): void {
    for (const listener of this.changeListeners) {
      try {
        listener(userId);
      } catch {
        // The change is committed; a window that missed the news learns it on its next call.
      }
    }
  }
}
