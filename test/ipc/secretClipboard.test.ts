import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import { SecretClipboard, type Clipboard } from '../../main/core/clipboard/secretClipboard';
import { ADMIN, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

/** A clipboard that holds one string, like the OS's. */
class FakeClipboard implements Clipboard {
  text = '';
  async readText() {
    return this.text;
  }
  async writeText(text: string) {
    this.text = text;
  }
}

/** A session that the test closes. */
function fakeSession() {
  const listeners = new Set<() => void>();
  return {
    isOpen: true,
    onClose(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {
      this.isOpen = false;
      for (const l of [...listeners]) l();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test('a copied secret is taken back after the timeout, unless the person copied something else since', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const board = new FakeClipboard();
    const clip = new SecretClipboard(board, 60_000);
    const session = fakeSession();
    await clip.copy(session, 'KEY-ONE');
    expect(board.text).toBe('KEY-ONE');
    vi.advanceTimersByTime(59_000);
    await flush();
    expect(board.text).toBe('KEY-ONE');
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(board.text).toBe('');

    await clip.copy(session, 'KEY-TWO');
    board.text = 'something the person copied';
    vi.advanceTimersByTime(60_000);
    await flush();
    expect(board.text).toBe('something the person copied');
  } finally {
    vi.useRealTimers();
  }
});

test('locking the session takes the secret back at once, once', async () => {
  const board = new FakeClipboard();
  const clip = new SecretClipboard(board, 60_000);
  const session = fakeSession();
  await clip.copy(session, 'KEY-THREE');
  session.close();
  await flush();
  expect(board.text).toBe('');
  board.text = 'later text';
  session.close();
  await flush();
  expect(board.text).toBe('later text');
});

const dir = tempDataDir();
let cubby: Cubby;
const board = new FakeClipboard();
beforeAll(async () => {
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY, clipboard: board });
});
afterAll(() => {
  cubby.close();
  removeDir(dir);
});

test('through the bridge: copySecret needs a session, and signing out clears what it copied', async () => {
  const conn = cubby.router.connect(() => undefined);
  expect(await cubby.router.call(conn, 'clipboard.copySecret', { text: 'x' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  const setup = (await cubby.router.call(conn, 'auth.setup', ADMIN)) as { ok: boolean; value: { recoveryKey: string } };
  expect(setup.ok).toBe(true);
  expect(await cubby.router.call(conn, 'clipboard.copySecret', { text: setup.value.recoveryKey })).toEqual({ ok: true, value: {} });
  expect(board.text).toBe(setup.value.recoveryKey);
  await cubby.router.call(conn, 'auth.signOut', {});
  await flush();
  expect(board.text).toBe('');
  cubby.router.disconnect(conn);
});

test('without an OS clipboard (the browser host) the channel answers NOT_SUPPORTED', async () => {
  const otherDir = tempDataDir();
  const other = await startCubby({ dataDir: otherDir, keychain: testKeychain(), policy: TEST_POLICY });
  try {
    const conn = other.router.connect(() => undefined);
    expect((await other.router.call(conn, 'auth.setup', ADMIN)).ok).toBe(true);
    expect(await other.router.call(conn, 'clipboard.copySecret', { text: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  } finally {
    other.close();
    removeDir(otherDir);
  }
});
