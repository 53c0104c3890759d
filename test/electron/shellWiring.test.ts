import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, BOB } from '../helpers/env';
import * as fake from './fakeElectron';
import { HARDENED_WEB_PREFERENCES } from './hardenedPrefs';

/**
 * The Electron shell (main/electron/*.ts, unbundled) started against the recording fake in
 * fakeElectron.ts, with the real core: real SQLCipher files and the real keychain (run under
 * test/with-keyring.sh). Covers the wiring Playwright would cover where Electron can run.
 */
vi.mock('electron', async () => await import('./fakeElectron'));

const dataDir = mkdtempSync(join(tmpdir(), 'cubby-shell-'));
const IDLE_SECONDS = 3;
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const APP_BLOB = `blob:cubby://app/${UUID}`;
type Result = { ok: boolean; value?: unknown; error?: { code: string } };

function live() {
  return fake.FakeBrowserWindow.getAllWindows();
}

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function ipc(sender: fake.FakeWebContents, channel: unknown, input: unknown, frame: fake.FakeFrame | null = sender.mainFrame) {
  const handler = fake.ipcHandlers.get('cubby:call')!;
  return handler({ sender, senderFrame: frame }, channel, input) as Promise<Result>;
}

/** The only window there is, waiting after a replacement if one is under way. */
async function onlyWindow(): Promise<fake.FakeBrowserWindow> {
  await until(() => live().length === 1);
  return live()[0]!;
}

async function replaced(old: fake.FakeBrowserWindow, ms?: number): Promise<fake.FakeBrowserWindow> {
  await until(() => old.destroyed && live().length > 0, ms);
  return live().at(-1)!;
}

beforeAll(async () => {
  process.env.CUBBY_DATA_DIR = dataDir;
  process.env.CUBBY_KEYCHAIN_SERVICE = 'Cubby-test';
  // Long enough that no step of these tests pauses that long; the idle tests wait it out.
  process.env.CUBBY_IDLE_LOCK_SECONDS = String(IDLE_SECONDS);
  await import('../../main/electron/main');
  fake.app.fireReady();
  await until(() => live().length === 1 || fake.errorBoxes.length > 0, 30_000);
  // A start-up failure (no keychain: run under test/with-keyring.sh) shows here, not as a timeout.
  expect(fake.errorBoxes).toEqual([]);
}, 60_000);

afterAll(() => {
  fake.app.emit('will-quit');
  delete process.env.CUBBY_DATA_DIR;
  delete process.env.CUBBY_KEYCHAIN_SERVICE;
  delete process.env.CUBBY_IDLE_LOCK_SECONDS;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('before ready', () => {
  it('registers cubby: as standard + secure only, enables the sandbox everywhere, and keeps Chromium data under the data dir', () => {
    expect(fake.privilegedSchemes).toEqual([{ scheme: 'cubby', privileges: { standard: true, secure: true } }]);
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.app.getPath('userData')).toBe(join(dataDir, 'chromium'));
    expect(fake.errorBoxes).toEqual([]);
  });
});

describe('a window', () => {
  it('gets the hardened webPreferences and loads cubby://app/index.html', async () => {
    const w = await onlyWindow();
    expect(w.options.webPreferences).toMatchObject(HARDENED_WEB_PREFERENCES);
    expect(String(w.options.webPreferences.preload)).toMatch(/preload[\\/]preload\.cjs$/);
    expect(w.webContents.url).toBe('cubby://app/index.html');
  });

  it('has its own in-memory partition with the renderer protocol and deny-by-default handlers', async () => {
    const w = await onlyWindow();
    const ses = w.webContents.session;
    expect(ses.partition).toMatch(/^cubby-window-[0-9a-f-]{36}$/);
    expect(ses.isPersistent()).toBe(false);
    expect([...ses.handlers.keys()]).toEqual(['cubby']);
    const granted: boolean[] = [];
    for (const p of ['notifications', 'media', 'clipboard-read', 'openExternal', 'geolocation']) ses.permissionRequest!(w.webContents, p, (ok: boolean) => granted.push(ok), {});
    expect(granted).toEqual([false, false, false, false, false]);
    expect(ses.permissionCheck!(w.webContents, 'notifications', 'cubby://app', {})).toBe(false);
    expect(ses.devicePermission!({})).toBe(false);
    const verdicts: Record<string, boolean> = {};
    for (const url of ['https://example.com/', 'http://127.0.0.1:9/', 'file:///etc/passwd', 'cubby://app/assets/x.js', 'data:image/png;base64,AA', APP_BLOB, `blob:https://example.com/${UUID}`]) {
      ses.beforeRequest!({ url }, (r: { cancel: boolean }) => (verdicts[url] = r.cancel));
    }
    expect(verdicts).toEqual({
      'https://example.com/': true,
      'http://127.0.0.1:9/': true,
      'file:///etc/passwd': true,
      'cubby://app/assets/x.js': false,
      'data:image/png;base64,AA': false,
      [APP_BLOB]: false,
      [`blob:https://example.com/${UUID}`]: true,
    });
  });

  it('denies every permission, clipboard included, even to its own top frame', async () => {
    const w = await onlyWindow();
    const ses = w.webContents.session;
    const top = { requestingUrl: 'cubby://app/index.html', isMainFrame: true };
    for (const p of ['clipboard-sanitized-write', 'clipboard-read', 'notifications', 'media', 'fullscreen']) {
      let granted: boolean | null = null;
      ses.permissionRequest!(w.webContents, p, (ok: boolean) => (granted = ok), top);
      expect(granted, p).toBe(false);
      expect(ses.permissionCheck!(w.webContents, p, 'cubby://app', top), p).toBe(false);
    }
  });

  it('lets only a blob its own page made download, through the save dialog', async () => {
    const w = await onlyWindow();
    const ses = w.webContents.session;
    const key = new fake.FakeDownloadItem(APP_BLOB, 'cubby://app', 'cubby-recovery-key-ada.txt');
    expect(ses.tryDownload(key, w.webContents)).toBe(false);
    // No save path: Electron shows the dialog, starting from the page's name for the file.
    expect(key.savePath).toBeNull();
    expect(key.saveDialogOptions).toMatchObject({ defaultPath: 'cubby-recovery-key-ada.txt' });

    const refused = [
      new fake.FakeDownloadItem('https://example.com/key.txt', 'cubby://app', 'key.txt'),
      new fake.FakeDownloadItem(`blob:https://example.com/${UUID}`, 'https://example.com', 'key.txt'),
      new fake.FakeDownloadItem(`blob:cubby://app.evil/${UUID}`, 'cubby://app', 'key.txt'),
      new fake.FakeDownloadItem(APP_BLOB, '', 'key.txt'), // not started by web content
      new fake.FakeDownloadItem(APP_BLOB, 'null', 'key.txt'),
      new fake.FakeDownloadItem('data:text/plain,secret', 'cubby://app', 'key.txt'),
      new fake.FakeDownloadItem('file:///etc/passwd', 'cubby://app', 'passwd'),
    ];
    for (const item of refused) {
      expect(ses.tryDownload(item, w.webContents), `${item.url} from ${item.initiatorOrigin}`).toBe(true);
      expect(item.saveDialogOptions).toBeNull();
    }
  });

  it('serves the renderer with the CSP and nothing outside it', async () => {
    const w = await onlyWindow();
    const handle = w.webContents.session.handlers.get('cubby')!;
    const index = await handle(new Request('cubby://app/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const url of ['cubby://app/..%2f..%2fpackage.json', 'cubby://app/..%2fpackage.json', 'cubby://app/missing.js', 'cubby://other/index.html']) {
      const r = await handle(new Request(url));
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy'), url).toContain("default-src 'none'");
    }
    expect((await handle(new Request('cubby://app/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('cannot navigate away, open windows or attach webviews', async () => {
    const w = await onlyWindow();
    const c = w.webContents;
    expect(c.tryNavigate('https://example.com/')).toBe(true);
    expect(c.tryNavigate('file:///etc/passwd')).toBe(true);
    expect(c.tryNavigate('cubby://app.evil/index.html')).toBe(true);
    expect(c.tryNavigate('cubby://app/index.html')).toBe(false);
    let redirected = false;
    c.emit('will-redirect', { url: 'https://example.com/', preventDefault: () => (redirected = true) }, 'https://example.com/');
    expect(redirected).toBe(true);
    let framePrevented = false;
    c.emit('will-frame-navigate', { url: 'https://example.com/', preventDefault: () => (framePrevented = true) });
    expect(framePrevented).toBe(true);
    expect(c.windowOpenHandler!({ url: 'cubby://app/index.html' })).toEqual({ action: 'deny' });
    let webview = false;
    c.emit('will-attach-webview', { preventDefault: () => (webview = true) }, {}, {});
    expect(webview).toBe(true);
  });
});

describe('the IPC bridge', () => {
  it('answers the window’s own top frame', async () => {
    const w = await onlyWindow();
    const r = await ipc(w.webContents, 'app.status', {});
    expect(r).toMatchObject({ ok: true, value: { setUp: false, session: null } });
  });

  it('refuses a null sender frame, another origin, a subframe, another frame and an unknown sender', async () => {
    const w = await onlyWindow();
    const c = w.webContents;
    const top = c.mainFrame;
    const refused = [
      null,
      { ...top, url: 'https://evil.example/' },
      { ...top, url: 'cubby://app.evil/index.html' },
      { ...top, parent: top, frameTreeNodeId: top.frameTreeNodeId + 1, routingId: 2 },
      { ...top, frameTreeNodeId: top.frameTreeNodeId + 1 },
      { ...top, processId: top.processId + 1 },
    ];
    for (const frame of refused) {
      expect(() => ipc(c, 'app.status', {}, frame), JSON.stringify(frame?.url ?? null)).toThrow(/not a Cubby window/);
    }
    const stranger = new fake.FakeWebContents(c.session);
    stranger.mainFrame = { ...top, frameTreeNodeId: 999 };
    expect(() => ipc(stranger, 'app.status', {}, stranger.mainFrame)).toThrow(/not a Cubby window/);
  });

  it('reads senderFrame once, synchronously, before anything else', async () => {
    const w = await onlyWindow();
    const c = w.webContents;
    let reads = 0;
    const event = {
      sender: c,
      get senderFrame() {
        reads++;
        return reads === 1 ? c.mainFrame : null; // as if the frame navigated right after
      },
    };
    const r = await (fake.ipcHandlers.get('cubby:call')!(event, 'app.status', {}) as Promise<Result>);
    expect(r.ok).toBe(true);
    expect(reads).toBe(1);
  });

  it('leaves validation to the router: unknown channels and fields are refused', async () => {
    const w = await onlyWindow();
    expect(await ipc(w.webContents, 'no.such', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await ipc(w.webContents, 'app.status', { userId: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('locking', () => {
  it('a lock destroys the window and its partition data and opens a fresh login window', async () => {
    const w = await onlyWindow();
    const setup = await ipc(w.webContents, 'auth.setup', { ...ADMIN });
    expect(setup.ok).toBe(true);
    expect(await ipc(w.webContents, 'settings.list', {})).toMatchObject({ ok: true });
    const oldSession = w.webContents.session;
    await ipc(w.webContents, 'auth.lock', {});
    const next = await replaced(w);
    expect(live()).toEqual([next]);
    expect(next.webContents.session.partition).not.toBe(oldSession.partition);
    expect(next.options).toMatchObject({ x: 1, y: 2, width: 900, height: 700 });
    await until(() => oldSession.cleared === 1);
    expect(oldSession.handlers.size).toBe(0);
    // The old window's contents answer nothing any more; the new one is not signed in.
    expect(() => ipc(w.webContents, 'app.status', {})).toThrow(/not a Cubby window/);
    expect(await ipc(next.webContents, 'settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    // The fresh window opens on the lock screen of the person who locked; a sign-out would not.
    expect(await ipc(next.webContents, 'app.status', {})).toMatchObject({
      ok: true,
      value: { session: null, lockedUser: { username: ADMIN.username, displayName: ADMIN.displayName } },
    });
  });

  it('signing out opens a fresh window on the account picker, with nobody remembered', async () => {
    const w = await onlyWindow();
    expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    await ipc(w.webContents, 'auth.signOut', {});
    const next = await replaced(w);
    expect(await ipc(next.webContents, 'app.status', {})).toMatchObject({ ok: true, value: { session: null, lockedUser: null } });
  });

  it('copies secrets through main and takes the secret back when the window locks', async () => {
    const w = await onlyWindow();
    expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    expect(await ipc(w.webContents, 'clipboard.copySecret', { text: 'AAAA-BBBB-CCCC' })).toEqual({ ok: true, value: {} });
    expect(fake.clipboard.text).toBe('AAAA-BBBB-CCCC');
    await ipc(w.webContents, 'auth.lock', {});
    await replaced(w);
    await until(() => fake.clipboard.text === '');
  });
  it('OS screen lock and suspend replace every signed-in window', async () => {
    for (const signal of ['lock-screen', 'suspend'] as const) {
      const w = await onlyWindow();
      expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
      fake.powerMonitor.emit(signal);
      const next = await replaced(w);
      expect(await ipc(next.webContents, 'settings.list', {}), signal).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      expect(await ipc(next.webContents, 'app.status', {}), signal).toMatchObject({ value: { lockedUser: { username: ADMIN.username } } });
    }
  });

  it('machine idle time past the timeout locks, even in a window that is in use', async () => {
    const w = await onlyWindow();
    expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    fake.powerMonitor.idleSeconds = IDLE_SECONDS + 1;
    const next = await replaced(w, 2 * IDLE_SECONDS * 1000);
    fake.powerMonitor.idleSeconds = 0;
    expect(await ipc(next.webContents, 'settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  }, 30_000);

  it('a window nobody uses locks on its own while the machine is busy; activity keeps it open', async () => {
    const w = await onlyWindow();
    expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    // The person keeps using it (pings) for longer than the timeout: nothing happens.
    const until = Date.now() + (IDLE_SECONDS + 1) * 1000;
    while (Date.now() < until) {
      expect(await ipc(w.webContents, 'session.activity', {})).toEqual({ ok: true, value: {} });
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(w.destroyed).toBe(false);
    // Then they walk away while someone else works at the machine (OS idle time stays 0).
    const next = await replaced(w, 3 * IDLE_SECONDS * 1000);
    expect(await ipc(next.webContents, 'app.status', {})).toMatchObject({ value: { session: null, lockedUser: { username: ADMIN.username } } });
  }, 30_000);

  it("an OS screen lock seen only as the idle state 'locked' (Linux) locks every window", async () => {
    const w = await onlyWindow();
    expect((await ipc(w.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    fake.powerMonitor.idleState = 'locked';
    try {
      const next = await replaced(w, 8_000);
      expect(await ipc(next.webContents, 'settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    } finally {
      fake.powerMonitor.idleState = 'active';
    }
  }, 30_000);

  it('a lock in one window leaves another person’s window alone', async () => {
    const first = await onlyWindow();
    const admin = await ipc(first.webContents, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(admin.ok).toBe(true);
    const invite = await ipc(first.webContents, 'admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' });
    expect(invite.ok).toBe(true);
    // A second launch with nobody waiting at a login window opens one.
    fake.app.emit('second-instance');
    await until(() => live().length === 2);
    const second = live()[1]!;
    const code = (invite.value as { code: string }).code;
    expect((await ipc(second.webContents, 'auth.redeemInvite', { username: BOB.username, code, password: BOB.password })).ok).toBe(true);

    await ipc(second.webContents, 'auth.lock', {});
    const third = await replaced(second);
    expect(first.destroyed).toBe(false);
    expect(await ipc(first.webContents, 'settings.list', {})).toMatchObject({ ok: true });
    expect(first.webContents.sent).toEqual([]); // no event of Bob's reached Ada's window

    // A second launch now focuses the waiting login window instead of opening another.
    third.focused = false;
    fake.app.emit('second-instance');
    expect(live()).toHaveLength(2);
    expect(third.focused).toBe(true);
  }, 30_000);

  it('closing a signed-in window ends its session without opening another; quitting closes everything', async () => {
    const [ada, login] = live();
    ada!.destroy();
    await new Promise((r) => setImmediate(r));
    expect(live()).toEqual([login]);
    fake.app.emit('before-quit');
    await new Promise((r) => setImmediate(r));
    expect(live()).toEqual([]);
    fake.app.emit('will-quit');
    expect(fake.app.quitCalls).toBeGreaterThan(0);
  });
});
