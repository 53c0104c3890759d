import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import { handlers, type Handlers } from '../../main/ipc/handlers';
import { Router } from '../../main/ipc/router';
import { channels } from '../../preload/contract';
import { ADMIN, openAccounts, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

const dir = tempDataDir();
let cubby: Cubby;
beforeAll(async () => {
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY });
});
afterAll(() => {
  cubby.close();
  removeDir(dir);
});

test('every contract channel has exactly one handler, and no channel input names the caller', () => {
  expect(Object.keys(handlers).sort()).toEqual(Object.keys(channels).sort());
  for (const [name, def] of Object.entries(channels)) {
    const keys = Object.keys((def.input as unknown as { shape: object }).shape);
    // Only admin channels take a user id, and that id names the *target*, never the caller.
    if (def.access !== 'admin') expect(keys.filter((k) => /user.?id|session/i.test(k)), name).toEqual([]);
  }
});

test('outputs are parsed against the contract: undeclared fields never cross', async () => {
  const leaky: Handlers = { ...handlers, 'settings.get': () => ({ value: 'v', dek: 'secret-key-material' }) as never };
  const router = new Router(cubby.accounts, leaky);
  const conn = router.connect(() => undefined);
  expect((await router.call(conn, 'auth.setup', ADMIN)).ok).toBe(true);
  expect(await router.call(conn, 'settings.get', { key: 'a' })).toEqual({ ok: true, value: { value: 'v' } });
  router.disconnect(conn);
});

test('an unexpected failure is INTERNAL with a generic message, logged without its text', async () => {
  const logged: string[] = [];
  const failing: Handlers = {
    ...handlers,
    'app.status': () => {
      throw new Error('/home/ada/.config/Cubby/vaults/x.db: disk I/O error for ada');
    },
  };
  const router = new Router(cubby.accounts, failing, { log: { error: (m) => logged.push(m) } });
  const conn = router.connect(() => undefined);
  const r = await router.call(conn, 'app.status', {});
  expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^Something went wrong/) } });
  expect(logged).toEqual(['channel app.status failed: Error']);
});

test('events are validated before they are sent, and go only to the session they belong to', async () => {
  const seenA: unknown[] = [];
  const seenB: unknown[] = [];
  const router = cubby.router;
  const a = router.connect((e, p) => seenA.push([e, p]));
  const b = router.connect((e, p) => seenB.push([e, p]));
  expect((await router.call(a, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
  const session = router.sessionOf(a)!;
  expect(() => router.emit(session, 'session.locked', { reason: 'nonsense' } as never)).toThrow();
  expect(seenA).toEqual([]);
  router.emit(session, 'session.locked', { reason: 'idle' });
  expect(seenA).toEqual([['session.locked', { reason: 'idle' }]]);
  expect(seenB).toEqual([]);

  // Locking answers LOCKED afterwards; the reason given reaches the window.
  router.lock(a, 'idle');
  expect(seenA.at(-1)).toEqual(['session.locked', { reason: 'idle' }]);
  expect(await router.call(a, 'settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  expect(session.isOpen).toBe(false);
  router.emit(session, 'session.locked', { reason: 'idle' }); // a closed session's events go nowhere
  expect(seenA).toHaveLength(2);
  router.disconnect(a);
  router.disconnect(b);
});

test('signing in on a window that already has a session replaces it; lockAll locks every window', async () => {
  const router = cubby.router;
  const events: unknown[] = [];
  const a = router.connect((e, p) => events.push(p));
  await router.call(a, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  const first = router.sessionOf(a)!;
  await router.call(a, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  expect(first.isOpen).toBe(false);
  expect(events).toEqual([{ reason: 'replaced' }]);
  const c = router.connect(() => undefined);
  await router.call(c, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  router.lockAll('system');
  expect(router.sessionOf(a)).toBeNull();
  expect(router.sessionOf(c)).toBeNull();
  expect(events.at(-1)).toEqual({ reason: 'system' });
  // Sign-out forgets who was here; lock remembers for the lock screen.
  await router.call(a, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  await router.call(a, 'auth.lock', {});
  expect((await router.call(a, 'app.status', {})) as unknown).toMatchObject({ value: { lockedUser: { username: 'ada' } } });
  await router.call(a, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  await router.call(a, 'auth.signOut', {});
  expect((await router.call(a, 'app.status', {})) as unknown).toMatchObject({ value: { lockedUser: null, session: null } });
});

test('a window that closes while its sign-in runs leaves no vault open behind it', async () => {
  const router = cubby.router;
  const before = cubby.accounts.openSessions().length;
  const conn = router.connect(() => undefined);
  const pending = router.call(conn, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  router.disconnect(conn); // Argon2id is still running
  expect(await pending).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  expect(cubby.accounts.openSessions()).toHaveLength(before);
});

test("a role change reaches only that person's windows, as their new session info", async () => {
  const router = cubby.router;
  const seenAda: unknown[] = [];
  const seenBob: unknown[] = [];
  const ada = router.connect((e, p) => seenAda.push([e, p]));
  expect((await router.call(ada, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
  const invite = (await router.call(ada, 'admin.invites.create', { username: 'bob', displayName: 'Bob B', role: 'user' })) as {
    value: { userId: string; code: string };
  };
  const bob = router.connect((e, p) => seenBob.push([e, p]));
  const redeemed = await router.call(bob, 'auth.redeemInvite', { username: 'bob', code: invite.value.code, password: 'purple monkey dishwasher' });
  expect(redeemed.ok).toBe(true);

  await router.call(ada, 'admin.users.setRole', { userId: invite.value.userId, role: 'admin' });
  expect(seenBob).toEqual([['session.changed', { session: { username: 'bob', displayName: 'Bob B', isAdmin: true } }]]);
  await router.call(ada, 'admin.users.setRole', { userId: invite.value.userId, role: 'user' });
  expect(seenBob.at(-1)).toEqual(['session.changed', { session: { username: 'bob', displayName: 'Bob B', isAdmin: false } }]);
  expect(seenAda).toEqual([]);
  expect(await router.call(bob, 'admin.users.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

  // The lock screen can be carried to a replacement window; a sign-out forgets who it was.
  await router.call(bob, 'auth.lock', {});
  expect(router.lockedUserOf(bob)).toEqual({ username: 'bob', displayName: 'Bob B' });
  const successor = router.connect(() => undefined, router.lockedUserOf(bob));
  expect((await router.call(successor, 'app.status', {})) as unknown).toMatchObject({ value: { lockedUser: { username: 'bob' }, session: null } });
  await router.call(ada, 'auth.signOut', {});
  expect(router.lockedUserOf(ada)).toBeNull();
  for (const c of [ada, bob, successor]) router.disconnect(c);
});

test('a sign-in still running when the machine locks does not bind after it', async () => {
  const router = cubby.router;
  const before = cubby.accounts.openSessions().length;
  const conn = router.connect(() => undefined);
  const pending = router.call(conn, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
  router.lockAll('system'); // suspend while Argon2id runs
  expect(await pending).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  expect(router.sessionOf(conn)).toBeNull();
  expect(cubby.accounts.openSessions()).toHaveLength(before);
  router.disconnect(conn);
});

test('an account disabled from another process (the command line) is locked out on its next call', async () => {
  const router = cubby.router;
  const seen: unknown[] = [];
  const ada = router.connect(() => undefined);
  expect((await router.call(ada, 'auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
  const invite = (await router.call(ada, 'admin.invites.create', { username: 'cli-victim', displayName: 'Vic', role: 'user' })) as {
    value: { userId: string; code: string };
  };
  const vic = router.connect((e, p) => seen.push([e, p]));
  expect((await router.call(vic, 'auth.redeemInvite', { username: 'cli-victim', code: invite.value.code, password: 'purple monkey dishwasher' })).ok).toBe(true);

  // What `cubby disable` does: its own Accounts on the same data directory.
  const cli = await openAccounts(dir);
  const admin = await cli.login(ADMIN.username, ADMIN.password);
  cli.setDisabled(admin, invite.value.userId, true);
  cli.close();

  expect(await router.call(vic, 'settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  expect(seen).toEqual([['session.locked', { reason: 'account-changed' }]]);
  expect(router.sessionOf(vic)).toBeNull();
  for (const c of [ada, vic]) router.disconnect(c);
});
