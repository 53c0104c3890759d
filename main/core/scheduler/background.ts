/**
 * Background sessions: when a person's window locks and one of their enabled, scheduled
 * workflows allows it (and the machine policy does), main keeps their vault open in a second
 * Session made from a copy of the DEK before the window's session closes. That session is given
 * to the scheduler only: no window or bridge channel is ever bound to it (the router binds only
 * sessions a sign-in opened), so nothing can call into it and its events reach nobody.
 *
 * It ends with sign-out, quit (Accounts.close), an administrator disabling or deleting the
 * account (AccountsCore.closeSessionsOf: it is one of the open sessions), the computer
 * suspending, and when its person is back at a window and its runs are done.
 */
import type { Accounts } from '../accounts/accounts';
import type { Session } from '../accounts/session';
import { hasBackgroundWorkflow } from '../workflows/store';
import type { Scheduler } from './scheduler';

export class BackgroundSessions {
  /** While the computer suspends, a window's lock must not open a background session. */
  private suspending = false;
  /** Told of each background session it opens (the app starts the person's sync on it). */
  onOpened: ((session: Session) => void) | null = null;

  constructor(
    private readonly accounts: Accounts,
    private readonly scheduler: Scheduler,
    /** The machine policy's allowWorkflowsWhileLocked, read at each lock. */
    private readonly allowed: () => boolean,
  ) {}

  /**
   * A window's session is about to close for a lock (the person's, idle, or the screen's; not
   * sign-out). Returns whether a background session now holds the vault open.
   */
  windowLocking(session: Session): boolean {
    if (!session.isOpen || this.suspending || !this.allowed()) return false;
    if (this.scheduler.hasBackground(session.user.id)) return true;
    if (this.scheduler.hasOtherWindow(session)) return false; // runs go on through that window
    let wanted = false;
    try {
      wanted = hasBackgroundWorkflow(session) && this.accounts.roleOf(session) !== null;
    } catch {
      wanted = false;
    }
    if (!wanted) return false;
    const background = this.accounts.openBackgroundSession(session);
    this.scheduler.attachBackground(background);
    this.onOpened?.(background);
    return true;
  }

  /** Sign-out ends the person's background runs at once. */
  signedOut(userId: string): void {
    this.scheduler.closeBackground(userId);
  }

  /** The computer suspends: `lockWindows` locks every window (opening no background session), then every background session ends. */
  suspend(lockWindows: () => void = () => undefined): void {
    this.suspending = true;
    try {
      lockWindows();
    } finally {
      this.suspending = false;
      this.scheduler.closeAllBackground();
    }
  }
}
