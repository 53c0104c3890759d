import { afterEach, describe, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import type { CubbyError } from '../../main/core/errors';
import { ADMIN, BOB, countingKeychain, openAccounts, removeDir, tempDataDir, twoUsers } from '../helpers/env';

/** A clock the tests move by hand, so backoff and expiry need no sleeping. */
function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const POLICY = { kdfTargetMs: 0, freeFailures: 2, baseLockMs: 10_000, maxLockMs: 60_000 };

describe('login', () => {
  let dir: string;
  let accounts: Accounts | undefined;
  afterEach(() => {
    accounts?.close();
    removeDir(dir);
  });

  test('unknown user and wrong password give the same answer', async () => {
    dir = tempDataDir();
    ({ accounts } = await twoUsers(dir));
    const wrong = await accounts.login(BOB.username, 'definitely wrong pw').catch((e) => e);
    const unknown = await accounts.login('nobody-here', 'definitely wrong pw').catch((e) => e);
    const invited = await accounts
      .createInvite(accounts.openSessions()[0]!, { username: 'carol', displayName: 'Carol', role: 'user' })
      .then(() => accounts!.login('carol', 'definitely wrong pw'))
      .catch((e) => e);
    for (const e of [wrong, unknown, invited]) {
      expect({ code: e.code, message: e.message }).toEqual({ code: wrong.code, message: wrong.message });
    }
    expect(wrong.code).toBe('WRONG_CREDENTIALS');
  });

  test('usernames are case-insensitive and a correct login records the time', async () => {
    dir = tempDataDir();
    const clock = fakeClock();
    ({ accounts } = await twoUsers(dir, { now: clock.now }));
    clock.advance(5000);
    const s = await accounts.login('BoB', BOB.password);
    expect(s.user.username).toBe('bob');
    const admin = accounts.openSessions().find((x) => x.user.username === ADMIN.username)!;
    expect(accounts.listUsers(admin).find((u) => u.username === 'bob')!.lastLoginAt).toBe(clock.now());
  });

  test('a disabled account answers the same to a right and a wrong password, after the same work', async () => {
    dir = tempDataDir();
    const keychain = countingKeychain();
    const w = await twoUsers(dir, { keychain });
    accounts = w.accounts;
    accounts.setDisabled(w.admin, w.bobId, true);
    expect(w.bob.isOpen).toBe(false); // disabling closes their open sessions
    const answer = async (password: string) => {
      const before = keychain.reads();
      const error = await accounts!.login(BOB.username, password).catch((e: CubbyError) => ({ code: e.code, message: e.message }));
      return { error, deviceSecretReads: keychain.reads() - before };
    };
    const wrong = await answer('definitely wrong pw');
    const right = await answer(BOB.password);
    expect(right).toEqual(wrong);
    expect(right.error).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    // Both ran the real unlock (device secret read, Argon2id), so neither is faster.
    expect(right.deviceSecretReads).toBe(1);
    accounts.setDisabled(w.admin, w.bobId, false);
    await expect(accounts.login(BOB.username, BOB.password)).resolves.toMatchObject({ user: { username: 'bob' } });
  });

  test('failures back off exponentially, persist across a restart, and an admin can clear them', async () => {
    dir = tempDataDir();
    const clock = fakeClock();
    const w = await twoUsers(dir, { now: clock.now, policy: POLICY });
    accounts = w.accounts;
    const attempt = () => accounts!.login(BOB.username, 'definitely wrong pw').catch((e) => e);

    expect((await attempt()).code).toBe('WRONG_CREDENTIALS'); // 1
    expect((await attempt()).code).toBe('WRONG_CREDENTIALS'); // 2 (free)
    const third = await attempt(); // 3: first wait
    expect(third).toMatchObject({ code: 'ACCOUNT_LOCKED', retryAfterMs: 10_000 });
    // While locked, even the right password is refused without being checked.
    await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });

    clock.advance(10_001);
    expect(await attempt()).toMatchObject({ code: 'ACCOUNT_LOCKED', retryAfterMs: 20_000 }); // 4: doubled

    // Restart: the lock is in the catalog, not in memory.
    accounts.close();
    accounts = await openAccounts(dir, { now: clock.now, policy: POLICY });
    const afterRestart = await accounts.login(BOB.username, BOB.password).catch((e) => e);
    expect(afterRestart.code).toBe('ACCOUNT_LOCKED');
    expect(afterRestart.retryAfterMs).toBe(20_000);

    clock.advance(20_001);
    for (let i = 0; i < 4; i++) await attempt(); // 5..8 doubles up to the cap
    clock.advance(60_001);
    expect(await attempt()).toMatchObject({ code: 'ACCOUNT_LOCKED', retryAfterMs: 60_000 }); // capped

    const admin = await accounts.login(ADMIN.username, ADMIN.password);
    expect(accounts.listUsers(admin).find((u) => u.username === 'bob')!.lockedUntil).toBe(clock.now() + 60_000);
    accounts.clearLockout(admin, w.bobId);
    const bob = await accounts.login(BOB.username, BOB.password);
    expect(bob.isOpen).toBe(true);
    // Success resets the counter: the next failure is free again.
    expect((await attempt()).code).toBe('WRONG_CREDENTIALS');
    expect(accounts.auditLog(admin, { action: 'lockout_cleared' })).toHaveLength(1);
  });

  test('parallel guesses are taken one at a time, so they cannot all slip past the backoff', async () => {
    dir = tempDataDir();
    const clock = fakeClock();
    const w = await twoUsers(dir, { now: clock.now, policy: POLICY });
    accounts = w.accounts;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => accounts!.login(i % 2 ? 'BOB' : 'bob', `guess number ${i}`).catch((e) => e.code)),
    );
    expect(results).toEqual(['WRONG_CREDENTIALS', 'WRONG_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    // Only three passwords were ever checked: the rest were refused by the backoff.
    expect(accounts.auditLog(w.admin, { action: 'login_failed' })).toHaveLength(3);
  });

  test('unknown names back off exactly like real ones', async () => {
    dir = tempDataDir();
    const clock = fakeClock();
    ({ accounts } = await twoUsers(dir, { now: clock.now, policy: POLICY }));
    const results = [];
    for (let i = 0; i < 4; i++) {
      const e = await accounts.login('ghost', 'whatever pw 123').catch((x) => x);
      results.push([e.code, e.retryAfterMs]);
    }
    expect(results).toEqual([
      ['WRONG_CREDENTIALS', undefined],
      ['WRONG_CREDENTIALS', undefined],
      ['ACCOUNT_LOCKED', 10_000],
      ['ACCOUNT_LOCKED', 10_000],
    ]);
  });

  test('setup runs once; policy rejects short and common passwords', async () => {
    dir = tempDataDir();
    accounts = await openAccounts(dir);
    expect(accounts.isSetUp()).toBe(false);
    await expect(accounts.setup({ ...ADMIN, password: 'short' })).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(accounts.setup({ ...ADMIN, password: 'password123' })).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(accounts.setup({ ...ADMIN, password: 'ada-is-my-name-ok' })).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(accounts.setup({ ...ADMIN, username: 'a b' })).rejects.toMatchObject({ code: 'USERNAME_INVALID' });
    const { session, recoveryKey } = await accounts.setup(ADMIN);
    expect(session.isOpen).toBe(true);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$/);
    expect(accounts.isSetUp()).toBe(true);
    await expect(accounts.setup({ ...BOB })).rejects.toMatchObject({ code: 'ALREADY_SET_UP' });
    expect(accounts.loginUsers()).toEqual([{ username: ADMIN.username, displayName: ADMIN.displayName }]);
  });

  test('while the command line holds an account, its sign-ins start no unlock and open no vault', async () => {
    dir = tempDataDir();
    const keychain = countingKeychain();
    const w = await twoUsers(dir, { keychain });
    accounts = w.accounts;
    accounts.lock(w.bob);
    const release = accounts.holdUser(w.bobId);
    const reads = keychain.reads();
    await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(accounts.recover({ username: BOB.username, recoveryKey: w.bobRecovery, newPassword: 'another long passphrase' })).rejects.toMatchObject({
      code: 'LOCKED',
    });
    expect(keychain.reads()).toBe(reads); // no device secret read: no Argon2 ran
    expect(accounts.openSessions().filter((s) => s.user.id === w.bobId)).toEqual([]);
    release();
    release(); // releasing twice is harmless
    await expect(accounts.login(BOB.username, BOB.password)).resolves.toMatchObject({ user: { username: 'bob' } });
  });
});
