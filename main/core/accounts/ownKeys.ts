import { isCubbyError } from '../errors';
import { invalidRecoveryKey, parseRecoveryKey } from '../keys/recoveryKey';
import { accountDisabled, type AccountsCore } from './core';
import { checkPassword } from './policy';
import type { Session } from './session';

export interface NewVault {
  session: Session;
  /** Shown once, never stored in the clear. */
  recoveryKey: string;
}

/**
 * A person's own keys: password change, a new recovery key, and recovery. Key changes for one
 * person run one at a time (in the same queue as their sign-ins), and each writes only its own
 * wrap, so two at once can neither revert a password nor revive a revoked recovery key.
 */
export class OwnKeys {
  constructor(private readonly core: AccountsCore) {}

  changePassword(session: Session, current: string, next: string): Promise<void> {
    const { core } = this;
    return core.oneAtATime(session.user.username, async () => {
      const user = core.sessionUser(session);
      checkPassword(core.policy, next, user.username);
      await core.verifyPassword(user, current);
      // A copy: locking during the Argon2 wait zeroes the session's own buffer.
      const dek = session.withDek((live) => Buffer.from(live));
      try {
        const rewrapped = await core.keys.rewrapForPassword(user.id, dek, next, core.kdfDefault());
        core.catalog.transaction(() => {
          core.requireUnchanged(user, 'password');
          core.catalog.users.setPasswordWrap(user.id, rewrapped, core.now());
          core.audit(user.id, 'password_changed', user.id);
        });
        core.catalog.checkpoint();
      } finally {
        dek.fill(0);
      }
    });
  }

  /** A new recovery key; the old one stops working. Needs the password, as a second look. */
  renewRecoveryKey(session: Session, password: string): Promise<string> {
    const { core } = this;
    return core.oneAtATime(session.user.username, async () => {
      const user = core.sessionUser(session);
      await core.verifyPassword(user, password);
      const wrap = session.withDek((dek) => core.keys.newRecoveryWrap(user.id, dek));
      core.catalog.transaction(() => {
        core.requireUnchanged(user, 'recovery');
        core.catalog.users.setRecoveryWrap(user.id, wrap.dekByRecovery, core.now());
        core.audit(user.id, 'recovery_key_renewed', user.id);
      });
      core.catalog.checkpoint();
      return wrap.recoveryKey;
    });
  }

  /**
   * Sync setup asks for the recovery key (it is what restores sync when every device is lost):
   * it must open this very vault. Returns its secret bytes; the caller zeroes them.
   */
  checkRecoveryKey(session: Session, text: string): Buffer {
    const { core } = this;
    const user = core.sessionUser(session);
    const secret = parseRecoveryKey(text);
    let same = false;
    try {
      if (!user.keys) throw invalidRecoveryKey();
      const dek = core.keys.openWithRecoveryKey(user.id, text, user.keys);
      same = session.withDek((live) => live.equals(dek));
      dek.fill(0);
    } finally {
      if (!same) secret.fill(0);
    }
    if (!same) throw invalidRecoveryKey();
    return secret;
  }

  /** Forgotten password or lost keychain entry: the recovery key sets a new password and issues a new recovery key. */
  recover(input: { username: string; recoveryKey: string; newPassword: string }): Promise<NewVault> {
    return this.core.oneAtATime(input.username, () => this.attemptRecovery(input));
  }

  private async attemptRecovery(input: { username: string; recoveryKey: string; newPassword: string }): Promise<NewVault> {
    const { core } = this;
    const nameKey = core.throttle(input.username);
    const user = core.catalog.users.byUsername(input.username);
    checkPassword(core.policy, input.newPassword, input.username);
    // Before the key is looked at: a disabled account must not confirm a recovery key.
    if (user?.keys && user.status === 'disabled') throw accountDisabled();
    if (user) core.requireNotHeld(user.id);
    let dek: Buffer;
    try {
      if (!user?.keys || user.status === 'invited') throw invalidRecoveryKey();
      dek = core.keys.openWithRecoveryKey(user.id, input.recoveryKey, user.keys);
    } catch (e) {
      if (isCubbyError(e, 'RECOVERY_KEY_INVALID')) throw core.failLogin(nameKey, user?.id ?? null, e);
      throw e;
    }
    try {
      const next = await core.keys.reenroll(user.id, dek, input.newPassword, core.kdfDefault());
      core.catalog.transaction(() => {
        core.requireUnchanged(user, 'recovery');
        const now = core.now();
        core.catalog.users.setKeys(user.id, next.keys, now);
        core.catalog.loginFailures.clear(nameKey);
        core.catalog.users.touchLogin(user.id, now);
        core.audit(user.id, 'recovery_used', user.id);
      });
      core.catalog.checkpoint();
      return { session: core.startSession(user, dek), recoveryKey: next.recoveryKey };
    } catch (e) {
      dek.fill(0);
      // Deleted meanwhile: a device secret this recovery enrolled must not outlive the account.
      if (!core.catalog.users.byId(user.id)) await core.keys.forgetDevice(user.id).catch(() => undefined);
      throw e;
    }
  }
}
