import { afterEach, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import { newRecoveryKey } from '../../main/core/keys/recoveryKey';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { BOB, removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';

let dir: string;
let accounts: Accounts | undefined;
afterEach(() => {
  accounts?.close();
  removeDir(dir);
});

const NEW_PASSWORD = 'a brand new passphrase';

test('a missing keychain entry leads to the recovery path, which enrolls a new device secret', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  setSetting(w.bob, 'note', 'still here after recovery');
  accounts.lock(w.bob);

  // The OS was reinstalled: the device secret is gone.
  expect(await testKeychain().delete(w.bobId)).toBe(true);
  await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'KEYCHAIN_ENTRY_MISSING' });

  // A typo in the recovery key is caught by its checksum, not treated as a key.
  const typo = w.bobRecovery.slice(0, 5) + (w.bobRecovery[5] === 'A' ? 'B' : 'A') + w.bobRecovery.slice(6);
  await expect(accounts.recover({ username: 'bob', recoveryKey: typo, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
    code: 'RECOVERY_KEY_INVALID',
  });
  // Someone else's well-formed recovery key does not open Bob's vault.
  await expect(accounts.recover({ username: 'bob', recoveryKey: w.adminRecovery, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
    code: 'RECOVERY_KEY_INVALID',
  });

  // Lower case and without dashes is fine: people type it.
  const typed = w.bobRecovery.replace(/-/g, ' ').toLowerCase();
  const { session, recoveryKey } = await accounts.recover({ username: 'bob', recoveryKey: typed, newPassword: NEW_PASSWORD });
  expect(getSetting(session, 'note')).toBe('still here after recovery');
  expect(recoveryKey).not.toBe(w.bobRecovery);
  expect(await testKeychain().get(w.bobId)).toHaveLength(32);
  accounts.lock(session);

  // The new password works, the old one and the old recovery key do not.
  await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  const again = await accounts.login(BOB.username, NEW_PASSWORD);
  expect(getSetting(again, 'note')).toBe('still here after recovery');
  await expect(accounts.recover({ username: 'bob', recoveryKey: w.bobRecovery, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
    code: 'RECOVERY_KEY_INVALID',
  });
  expect(accounts.auditLog(w.admin, { action: 'recovery_used' })).toHaveLength(1);
});

test('password change rewraps the DEK without touching the vault, and needs the current password', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  setSetting(w.bob, 'note', 'kept');
  const { statSync, readFileSync } = await import('node:fs');
  const { dataPaths } = await import('../../main/core/paths');
  const { vaultOf } = await import('../../main/core/accounts/session');
  vaultOf(w.bob).pragma('wal_checkpoint(TRUNCATE)');
  const vaultFile = dataPaths(dir).vault(w.bobId);
  const before = readFileSync(vaultFile);

  await expect(accounts.changePassword(w.bob, 'not my password', NEW_PASSWORD)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  await expect(accounts.changePassword(w.bob, BOB.password, 'short')).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
  await accounts.changePassword(w.bob, BOB.password, NEW_PASSWORD);

  expect(readFileSync(vaultFile).equals(before)).toBe(true); // not re-encrypted
  expect(statSync(vaultFile).size).toBe(before.length);
  await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  expect(getSetting(await accounts.login(BOB.username, NEW_PASSWORD), 'note')).toBe('kept');
  // The recovery key is unchanged by a password change.
  const { session } = await accounts.recover({ username: 'bob', recoveryKey: w.bobRecovery, newPassword: 'third passphrase here' });
  expect(getSetting(session, 'note')).toBe('kept');
});

test('a new recovery key replaces the old one', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  await expect(accounts.renewRecoveryKey(w.bob, 'wrong password!!')).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  const fresh = await accounts.renewRecoveryKey(w.bob, BOB.password);
  await expect(accounts.recover({ username: 'bob', recoveryKey: w.bobRecovery, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
    code: 'RECOVERY_KEY_INVALID',
  });
  const { session } = await accounts.recover({ username: 'bob', recoveryKey: fresh, newPassword: NEW_PASSWORD });
  expect(session.isOpen).toBe(true);
  // The password still works alongside (renewal does not touch the password wrap).
  await expect(accounts.login(BOB.username, NEW_PASSWORD)).resolves.toBeTruthy();
});

test('a disabled account answers recovery the same with its right key and a wrong one', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  accounts.setDisabled(w.admin, w.bobId, true);
  const otherKey = newRecoveryKey().text; // well formed, so only the vault could tell it apart
  const answer = (recoveryKey: string) =>
    accounts!.recover({ username: 'bob', recoveryKey, newPassword: NEW_PASSWORD }).catch((e) => ({ code: e.code, message: e.message }));
  const right = await answer(w.bobRecovery);
  expect(right).toEqual(await answer(otherKey));
  expect(right).toMatchObject({ code: 'ACCOUNT_DISABLED' });
  // Nothing changed: once enabled, the old password still opens the vault.
  accounts.setDisabled(w.admin, w.bobId, false);
  await expect(accounts.login(BOB.username, BOB.password)).resolves.toMatchObject({ user: { username: 'bob' } });
});

