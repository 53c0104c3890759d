import { app, BrowserWindow, type Rectangle, type WebContents, type WebFrameMain } from 'electron';
import type { EventName, EventPayload, LoginUser } from '../../preload/contract';
import type { Connection, Router } from '../ipc/router';
import { APP_ENTRY_URL } from './appOrigin';
import { IPC_EVENT } from './ipcNames';
import { createWindowSession, disposeWindowSession } from './partition';
import { isTrustedTopFrame } from './senderCheck';

export interface ShellPaths {
  preload: string;
  rendererDir: string;
}

interface CubbyWindow {
  readonly window: BrowserWindow;
  readonly contents: WebContents;
  readonly conn: Connection;
  /** Set once the window is on its way out: it no longer answers or receives anything. */
  retired: boolean;
}

/**
 * Every Cubby window, each bound by the router to at most one session during its life. When
 * that session ends (lock, sign-out, auto-lock, account change) the window is destroyed with
 * its renderer and partition, and a fresh login window takes its place, so nothing of the
 * person stays in renderer memory.
 */
export class WindowManager {
  private readonly byContentsId = new Map<number, CubbyWindow>();
  private quitting = false;

  constructor(
    private readonly router: Router,
    private readonly paths: ShellPaths,
  ) {}

  /** A window with no session; `lockedUser` makes it open on that person's lock screen. */
  openLoginWindow(bounds?: Rectangle, lockedUser: LoginUser | null = null): BrowserWindow {
    const ses = createWindowSession(this.paths.rendererDir);
    const window = new BrowserWindow({
      ...(bounds ?? { width: 1100, height: 760 }),
      minWidth: 640,
      minHeight: 480,
      show: false,
      title: 'Cubby',
      autoHideMenuBar: true,
      webPreferences: {
        session: ses,
        preload: this.paths.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        webviewTag: false,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
        // Middle-click would otherwise try to open links in a new window.
        disableBlinkFeatures: 'Auxclick',
        devTools: !app.isPackaged,
      },
    });
    const contents = window.webContents;
    const entry: CubbyWindow = {
      window,
      contents,
      conn: this.router.connect((event, payload) => this.deliver(entry, event, payload), lockedUser),
      retired: false,
    };
    const conn = entry.conn;
    this.byContentsId.set(contents.id, entry);

    contents.once('destroyed', () => {
      // Retire first: disconnecting closes the session, and that "locked" must not spawn a window.
      entry.retired = true;
      this.byContentsId.delete(contents.id);
      this.router.disconnect(conn);
      void disposeWindowSession(ses);
    });
    // A crashed or killed renderer may have been tampered with: treat it like a lock.
    contents.on('render-process-gone', () => this.replace(entry));
    window.once('ready-to-show', () => window.show());
    // A failed load leaves a blank window the person can close; nothing to report to them.
    window.loadURL(APP_ENTRY_URL).catch(() => undefined);
    return window;
  }

  /**
   * The router connection of a window's top frame, when the sender is one of Cubby's own pages.
   * `frame` is event.senderFrame, read synchronously by the caller.
   */
  connectionFor(sender: WebContents, frame: WebFrameMain | null): Connection | null {
    const entry = this.byContentsId.get(sender.id);
    if (!entry || entry.retired) return null;
    return isTrustedTopFrame(frame, sender.mainFrame) ? entry.conn : null;
  }

  /** A second launch: bring up the waiting login window if there is one, else open one. */
  focusOrOpen(): void {
    const idle = [...this.byContentsId.values()].find((e) => !e.retired && this.router.sessionOf(e.conn) === null);
    const window = idle?.window ?? this.openLoginWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  /** On quit: no replacement windows, and every session closes with its window. */
  closeAll(): void {
    this.quitting = true;
    for (const entry of [...this.byContentsId.values()]) {
      entry.retired = true;
      if (!entry.window.isDestroyed()) entry.window.destroy();
    }
  }

  private deliver<E extends EventName>(entry: CubbyWindow, event: E, payload: EventPayload<E>): void {
    if (entry.retired) return;
    if (event === 'session.locked') {
      this.replace(entry);
      return;
    }
    if (!entry.contents.isDestroyed()) entry.contents.send(IPC_EVENT, event, payload);
  }

  private replace(entry: CubbyWindow): void {
    if (entry.retired) return;
    entry.retired = true;
    // Not inside the router's own loop (lockAll): open the successor first, so the app never
    // has zero windows and quits, then destroy the old window and its renderer.
    setImmediate(() => {
      try {
        if (!this.quitting) {
          const bounds = entry.window.isDestroyed() ? undefined : entry.window.getBounds();
          // Read now, after the lock or sign-out finished: a sign-out has forgotten who it was.
          this.openLoginWindow(bounds, this.router.lockedUserOf(entry.conn));
        }
      } finally {
        // Even if no successor could open, the locked person's renderer must not stay on screen.
        if (!entry.window.isDestroyed()) entry.window.destroy();
      }
    });
  }
}
