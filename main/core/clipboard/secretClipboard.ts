import type { Session } from '../accounts/session';

/** The OS clipboard, reduced to plain text: the shape of Electron's clipboard (a fake in tests). */
export interface Clipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

/** How long a copied secret (recovery key, invite code) may stay on the clipboard. */
export const SECRET_CLIPBOARD_MS = 60_000;

/**
 * Copies secrets for a session and takes them back: after a minute, or as soon as that session
 * locks or signs out, whichever is first. On a shared computer the next person must not paste
 * someone's recovery key. Only text still equal to what was copied is cleared, so whatever the
 * person copied since is left alone.
 */
export class SecretClipboard {
  constructor(
    private readonly clipboard: Clipboard,
    private readonly clearAfterMs = SECRET_CLIPBOARD_MS,
  ) {}

  /**
   * `until: 'lock'` (a person's own content, such as an answer they copy): no timer, but it is
   * still taken back when they lock or sign out, so the next person at the computer cannot paste it.
   */
  async copy(session: Pick<Session, 'isOpen' | 'onClose'>, text: string, until: 'timeout' | 'lock' = 'timeout'): Promise<void> {
    await this.clipboard.writeText(text);
    let done = false;
    const clear = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopWatching();
      void this.takeBack(text);
    };
    const timer = until === 'timeout' ? setTimeout(clear, this.clearAfterMs) : undefined;
    (timer as { unref?: () => void } | undefined)?.unref?.();
    const stopWatching = session.onClose(clear);
    // Locked while the write was under way: take it back at once.
    if (!session.isOpen) clear();
  }

  private async takeBack(text: string): Promise<void> {
    try {
      if ((await this.clipboard.readText()) === text) await this.clipboard.writeText('');
    } catch {
      // The clipboard is gone (quitting); there is nothing left to clear.
    }
  }
}
