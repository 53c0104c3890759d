import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronBinary, NO_ELECTRON_BINARY } from './electronBinary';
import { HARDENED_WEB_PREFERENCES } from './hardenedPrefs';

/**
 * The real Electron shell, driven by Playwright. Where no Electron binary exists (these
 * machines cannot download it) every test reports SKIPPED with NO_ELECTRON_BINARY; none passes.
 * Signing in touches the OS keychain: run under test/with-keyring.sh (npm test does).
 */
const EXE = electronBinary();
const root = fileURLToPath(new URL('../../', import.meta.url));

interface WindowFacts {
  id: number;
  url: string;
  persistent: boolean;
  storagePath: string | null;
  prefs: Record<string, unknown>;
}

test.describe.configure({ mode: 'serial' });

let app: ElectronApplication | undefined;
let page: Page;
let dataDir: string | undefined;

test.beforeAll(async () => {
  if (!EXE) return;
  execFileSync(process.execPath, [join(root, 'main/electron/bundle.mjs')], { cwd: root, stdio: 'pipe' });
  if (!existsSync(join(root, 'dist/renderer/index.html'))) throw new Error('The renderer is not built: run npm run build:renderer first.');
  dataDir = mkdtempSync(join(tmpdir(), 'cubby-electron-'));
  app = await electron.launch({
    executablePath: EXE,
    args: [root],
    env: { ...process.env, CUBBY_DATA_DIR: dataDir, CUBBY_KEYCHAIN_SERVICE: 'Cubby-test', CUBBY_IDLE_LOCK_SECONDS: '0' },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function windows(a: ElectronApplication): Promise<WindowFacts[]> {
  return a.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => {
      const contents = w.webContents;
      // getLastWebPreferences is not in Electron's typings but is how main reads back what a window got.
      const prefs = (contents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      return {
        id: w.id,
        url: contents.getURL(),
        persistent: contents.session.isPersistent(),
        storagePath: contents.session.storagePath,
        prefs: { ...prefs, session: undefined },
      };
    }),
  );
}

const origin = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

test('every window is sandboxed, isolated, without Node, in its own in-memory partition, on cubby://app', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const all = await windows(app!);
  expect(all.length).toBeGreaterThan(0);
  for (const w of all) {
    expect(w.prefs).toMatchObject(HARDENED_WEB_PREFERENCES);
    expect(String(w.prefs.preload)).toMatch(/preload\.cjs$/);
    expect(w.persistent).toBe(false);
    expect(w.storagePath).toBeNull();
    expect(origin(w.url)).toBe('cubby://app');
  }
});

test('the renderer’s own script and styles load from cubby://app under the CSP', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  // Module scripts are CORS-mode requests: this fails if the scheme's privileges are wrong.
  await expect(page.locator('#root > *').first()).toBeVisible();
  const styled = await page.evaluate(() => document.styleSheets.length);
  expect(styled).toBeGreaterThan(0);
});

test('window.cubby exposes only call and on; require and process do not exist in the renderer', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const seen = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const cubby = w.cubby as Record<string, unknown>;
    return {
      keys: Object.getOwnPropertyNames(cubby).sort(),
      call: typeof cubby.call,
      on: typeof cubby.on,
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      Buffer: typeof w.Buffer,
      ipcRenderer: typeof w.ipcRenderer,
      electron: typeof w.electron,
    };
  });
  expect(seen).toEqual({
    keys: ['call', 'on'],
    call: 'function',
    on: 'function',
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    ipcRenderer: 'undefined',
    electron: 'undefined',
  });
  // The bridge works, and answers names outside the contract with a validation error.
  const status = await page.evaluate(() => (window as unknown as { cubby: { call(c: string, i: unknown): Promise<{ ok: boolean }> } }).cubby.call('app.status', {}));
  expect(status.ok).toBe(true);
  const bogus = await page.evaluate(() =>
    (window as unknown as { cubby: { call(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).cubby.call('no.such.channel', {}),
  );
  expect(bogus).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
});

test('navigation to another origin is blocked', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const before = page.url();
  for (const target of ['https://example.com/', 'file:///etc/passwd', 'http://127.0.0.1:1/']) {
    await page.evaluate((url) => {
      window.location.href = url;
    }, target);
    await page.waitForTimeout(500);
    expect(origin(page.url())).toBe('cubby://app');
  }
  expect(page.url()).toBe(before);
});

test('window.open opens nothing', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const before = (await windows(app!)).length;
  const opened = await page.evaluate(() => [window.open('https://example.com/'), window.open('cubby://app/index.html'), window.open('about:blank')].map((w) => w === null));
  expect(opened).toEqual([true, true, true]);
  await page.waitForTimeout(500);
  expect((await windows(app!)).length).toBe(before);
});

test('responses carry the strict CSP; nothing outside the renderer is served or fetched', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const served = await app!.evaluate(async ({ BrowserWindow }) => {
    const ses = BrowserWindow.getAllWindows()[0]!.webContents.session;
    const index = await ses.fetch('cubby://app/index.html');
    const escape = await ses.fetch('cubby://app/..%2f..%2fpackage.json');
    return { status: index.status, csp: index.headers.get('content-security-policy'), escape: escape.status };
  });
  expect(served.status).toBe(200);
  expect(served.csp).toContain("default-src 'none'");
  expect(served.csp).toContain("script-src 'self'");
  expect(served.csp).toContain("connect-src 'none'");
  expect(served.escape).toBe(404);
  const fetched = await page.evaluate(() => fetch('https://example.com/').then(() => 'loaded', () => 'blocked'));
  expect(fetched).toBe('blocked');
});

test('permission requests are denied', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const answer = await page.evaluate(() => Notification.requestPermission());
  expect(answer).toBe('denied');
});

test('the page has no clipboard of its own; Copy goes through main', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  const states = await page.evaluate(async () => {
    const state = (name: string) => navigator.permissions.query({ name: name as PermissionName }).then((s) => s.state, () => 'error');
    return { write: await state('clipboard-write'), read: await state('clipboard-read') };
  });
  expect(states).toEqual({ write: 'denied', read: 'denied' });
  expect(await page.evaluate(() => navigator.clipboard.writeText('x').then(() => 'ok', (e: Error) => e.name))).not.toBe('ok');
});

test('locking destroys the window and opens a fresh login window in a new partition', async () => {
  test.skip(!EXE, NO_ELECTRON_BINARY);
  type Bridge = { cubby: { call(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } };
  const setup = await page.evaluate(() =>
    (window as unknown as Bridge).cubby.call('auth.setup', { username: 'ada', displayName: 'Ada', password: 'correct horse battery staple' }),
  );
  expect(setup.ok).toBe(true);
  const [before] = await windows(app!);
  const next = app!.waitForEvent('window');
  const closed = page.waitForEvent('close');
  await page.evaluate(() => (window as unknown as Bridge).cubby.call('auth.lock', {}).catch(() => null));
  const fresh = await next;
  await closed;
  await fresh.waitForLoadState('domcontentloaded');
  const after = await windows(app!);
  expect(after.map((w) => w.id)).not.toContain(before!.id);
  expect(after).toHaveLength(1);
  expect(after[0]!.prefs).toMatchObject(HARDENED_WEB_PREFERENCES);
  // The new window is not signed in: session channels answer LOCKED.
  const settings = await fresh.evaluate(() => (window as unknown as Bridge).cubby.call('settings.list', {}));
  expect(settings).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  page = fresh;
});
