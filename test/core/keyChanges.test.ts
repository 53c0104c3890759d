import { existsSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import type { Keychain } from '../../main/core/keys/keychain';
import { dataPaths } from '../../main/core/paths';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { BOB, removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';

/**
 * Key changes that overlap with a lock or with each other: whatever the interleaving, the
 * password last accepted and the recovery key last shown open the vault, and nothing revoked
 * comes back.
 */
let dir: string;
let accounts: Accounts | undefined;
afterEach(() => {
  accounts?.close();
  accounts = undefined;
  removeDir(dir);
});

const NEW_PASSWORD = 'a brand new passphrase';

/** The real keychain, counting reads and calling hooks before and after each. */
class CountingKeychain implements Keychain {
  reads = 0;
  beforeRead: (n: number) => void = () => undefined;
  afterRead: (n: number) => void = () => undefined;
  private readonly real = testKeychain();
  async get(account: string) {
    const n = ++this.reads;
    this.beforeRead(n);
    const secret = await this.real.get(account);
    this.afterRead(n);
    return secret;
  }
  set(account: string, secret: Buffer) {
    return this.real.set(account, secret);
  }
  delete(account: string) {
    return this.real.delete(account);
  }
}

test('locking in the middle of a password change cannot leave a wrap of a zeroed key', async () => {
  dir = tempDataDir();
  const keychain = new CountingKeychain();
  const w = await twoUsers(dir, { keychain });
  accounts = w.accounts;
  setSetting(w.bob, 'note', 'survives the race');

  // The change reads the keychain twice: to check the current password, then to wrap for the
  // new one. The person locks (or the machine suspends) just as the second begins.
  const start = keychain.reads;
  keychain.beforeRead = (n) => {
    if (n === start + 2) w.accounts.lock(w.bob);
  };
  await w.accounts.changePassword(w.bob, BOB.password, NEW_PASSWORD);
  expect(w.bob.isOpen).toBe(false);

  const again = await w.accounts.login(BOB.username, NEW_PASSWORD);
  expect(getSetting(again, 'note')).toBe('survives the race');
});

test('a new recovery key and a password change at once: both take effect, the old key stays revoked', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  setSetting(w.bob, 'note', 'both changes');

  const [newRecovery] = await Promise.all([
    w.accounts.renewRecoveryKey(w.bob, BOB.password),
    w.accounts.changePassword(w.bob, BOB.password, NEW_PASSWORD),
  ]);
  w.accounts.lock(w.bob);

  await expect(w.accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  await expect(
    w.accounts.recover({ username: BOB.username, recoveryKey: w.bobRecovery, newPassword: 'another new passphrase' }),
  ).rejects.toMatchObject({ code: 'RECOVERY_KEY_INVALID' });
  const byPassword = await w.accounts.login(BOB.username, NEW_PASSWORD);
  expect(getSetting(byPassword, 'note')).toBe('both changes');
  w.accounts.lock(byPassword);
  const byRecovery = await w.accounts.recover({ username: BOB.username, recoveryKey: newRecovery, newPassword: 'another new passphrase' });
  expect(getSetting(byRecovery.session, 'note')).toBe('both changes');
});

test('an invite submitted twice at once creates one working account', async () => {
  dir = tempDataDir();
  const keychain = new CountingKeychain();
  const w = await twoUsers(dir, { keychain });
  accounts = w.accounts;
  const invite = await w.accounts.createInvite(w.admin, { username: 'carol', displayName: 'Carol', role: 'user' });
  const submit = () => w.accounts.redeemInvite({ username: 'carol', code: invite.code, password: 'violet skies over hills' });

  // The second submit lands just as the first has read its new device secret back.
  const start = keychain.reads;
  let second: ReturnType<typeof submit> | undefined;
  keychain.afterRead = (n) => {
    if (n === start + 1) second = submit();
  };
  const results = await Promise.allSettled([submit()]);
  results.push(...(await Promise.allSettled([second!])));
  const won = results.filter((r) => r.status === 'fulfilled');
  expect(won).toHaveLength(1);
  expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'INVITE_INVALID' } });
  const first = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof submit>>>).value;
  setSetting(first.session, 'note', 'carol was here');
  w.accounts.lock(first.session);

  // The password opens what the winning redemption created: its device secret was not replaced.
  expect(getSetting(await w.accounts.login('carol', 'violet skies over hills'), 'note')).toBe('carol was here');
});

test('recovery keeps a device secret the keychain still holds, so the old password works until the new wraps commit', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  const before = await testKeychain().get(w.bobId);
  w.accounts.lock(w.bob);
  const { session } = await w.accounts.recover({ username: BOB.username, recoveryKey: w.bobRecovery, newPassword: NEW_PASSWORD });
  expect(await testKeychain().get(w.bobId)).toEqual(before);
  w.accounts.lock(session);
  expect((await w.accounts.login(BOB.username, NEW_PASSWORD)).isOpen).toBe(true);
});

test('an account disabled or deleted while its sign-in runs gets no session, and no vault comes back', async () => {
  dir = tempDataDir();
  const keychain = new CountingKeychain();
  const w = await twoUsers(dir, { keychain });
  accounts = w.accounts;
  w.accounts.lock(w.bob);
  const vault = dataPaths(dir).vault(w.bobId);

  // The admin disables Bob while his password is being stretched.
  let start = keychain.reads;
  keychain.afterRead = (n) => {
    if (n === start + 1) w.accounts.setDisabled(w.admin, w.bobId, true);
  };
  await expect(w.accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
  expect(w.accounts.openSessions().filter((s) => s.user.id === w.bobId)).toEqual([]);
  keychain.afterRead = () => undefined;
  w.accounts.setDisabled(w.admin, w.bobId, false);

  // The admin deletes Bob while he signs in.
  start = keychain.reads;
  let deletion: Promise<void> | undefined;
  keychain.afterRead = (n) => {
    if (n === start + 1) deletion = w.accounts.deleteUser(w.admin, w.bobId);
  };
  const login = w.accounts.login(BOB.username, BOB.password);
  await expect(login).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  await deletion;
  expect(w.accounts.openSessions().filter((s) => s.user.id === w.bobId)).toEqual([]);
  expect(existsSync(vault)).toBe(false);
  expect(await testKeychain().get(w.bobId)).toBeNull();
});
