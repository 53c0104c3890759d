import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { Catalog } from '../../main/core/catalog/catalog';
import { KeyService } from '../../main/core/keys/keyService';
import { dataPaths } from '../../main/core/paths';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { ADMIN, BOB, countingKeychain, editCatalog, openAccounts, removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

test('deleting a user crypto-shreds their keychain entry, keys and files; others are unaffected', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const w = await twoUsers(dir);
  const { accounts, admin } = w;
  const carolInvite = await accounts.createInvite(admin, { username: 'carol', displayName: 'Carol', role: 'user' });
  const { session: carol } = await accounts.redeemInvite({ username: 'carol', code: carolInvite.code, password: 'violet skies over hills' });
  setSetting(carol, 'note', 'carol data');
  setSetting(w.bob, 'note', 'bob data');
  const vault = dataPaths(dir).vault(w.bobId);
  expect(existsSync(vault) && existsSync(`${vault}-wal`)).toBe(true);
  expect(await testKeychain().get(w.bobId)).not.toBeNull();

  await accounts.deleteUser(admin, w.bobId);

  expect(w.bob.isOpen).toBe(false); // their open session was closed first
  for (const suffix of ['', '-wal', '-shm', '-journal']) expect(existsSync(vault + suffix), suffix).toBe(false);
  expect(await testKeychain().get(w.bobId)).toBeNull();
  expect(accounts.listUsers(admin).map((u) => u.username)).toEqual(['ada', 'carol']);
  await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  await expect(accounts.recover({ username: 'bob', recoveryKey: w.bobRecovery, newPassword: 'x long enough pw' })).rejects.toMatchObject({
    code: 'RECOVERY_KEY_INVALID',
  });
  // Deleting again, or an id that never existed, answers NOT_FOUND.
  await expect(accounts.deleteUser(admin, w.bobId)).rejects.toMatchObject({ code: 'NOT_FOUND' });

  // Others unaffected.
  expect(getSetting(carol, 'note')).toBe('carol data');
  accounts.lock(carol);
  expect(getSetting(await accounts.login('carol', 'violet skies over hills'), 'note')).toBe('carol data');
  expect(getSetting(await accounts.login(ADMIN.username, ADMIN.password), 'theme')).toBeUndefined();
  expect(accounts.auditLog(admin, { action: 'user_deleted', userId: w.bobId })).toHaveLength(1);
  accounts.close();
});

test('the last active admin cannot be demoted, disabled or deleted', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const w = await twoUsers(dir);
  const { accounts, admin } = w;
  const adminId = accounts.listUsers(admin).find((u) => u.username === 'ada')!.id;
  expect(() => accounts.setRole(admin, adminId, 'user')).toThrow(expect.objectContaining({ code: 'LAST_ADMIN' }));
  expect(() => accounts.setDisabled(admin, adminId, true)).toThrow(expect.objectContaining({ code: 'LAST_ADMIN' }));
  await expect(accounts.deleteUser(admin, adminId)).rejects.toMatchObject({ code: 'LAST_ADMIN' });

  // With a second admin it works, and a demotion takes effect on open sessions at once.
  accounts.setRole(admin, w.bobId, 'admin');
  expect(accounts.isAdmin(w.bob)).toBe(true);
  accounts.setRole(w.bob, adminId, 'user');
  expect(accounts.isAdmin(admin)).toBe(false);
  expect(() => accounts.listUsers(admin)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  expect(accounts.auditLog(w.bob, { action: 'role_changed' }).map((e) => e.detail)).toEqual(['user', 'admin']);
  accounts.close();
});

test('a deletion cut short by a crash is finished at the next start; vaults the catalog does not know are kept', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const paths = dataPaths(dir);
  const w = await twoUsers(dir);
  w.accounts.close();
  // The state a crash leaves right after the deletion committed, before the files went.
  const catalog = await Catalog.open(paths, new KeyService(testKeychain()));
  catalog.transaction(() => {
    catalog.users.delete(w.bobId);
    catalog.vaultDeletions.add(w.bobId, Date.now());
  });
  catalog.close();
  // A vault from a user an older catalog backup does not list: not ours to destroy.
  const stranger = paths.vault('11111111-2222-4333-8444-555555555555');
  writeFileSync(stranger, 'x');

  expect(await testKeychain().get(w.bobId)).not.toBeNull(); // destroyed only after the commit

  const reopened = await openAccounts(dir);
  expect(await testKeychain().get(w.bobId)).toBeNull();
  expect(existsSync(paths.vault(w.bobId))).toBe(false);
  expect(existsSync(`${paths.vault(w.bobId)}-wal`)).toBe(false);
  expect(existsSync(stranger)).toBe(true);
  const admin = await reopened.login(ADMIN.username, ADMIN.password); // the admin's vault stays
  expect(reopened.listUsers(admin).map((u) => u.username)).toEqual(['ada']);
  reopened.close();
});

test('a refused deletion destroys nothing; a keychain failure after the commit is finished at the next start', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const keychain = countingKeychain();
  const w = await twoUsers(dir, { keychain });
  const paths = dataPaths(dir);
  const adminId = w.accounts.listUsers(w.admin).find((u) => u.username === ADMIN.username)!.id;

  // The last admin: refused inside the transaction, before anything is destroyed.
  await expect(w.accounts.deleteUser(w.admin, adminId)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
  expect(await testKeychain().get(adminId)).not.toBeNull();
  expect(existsSync(paths.vault(adminId))).toBe(true);
  expect(w.admin.isOpen).toBe(true);

  // The keychain fails once the deletion has committed: the account is gone, the rest waits.
  keychain.failDeletes = true;
  await expect(w.accounts.deleteUser(w.admin, w.bobId)).rejects.toThrow();
  expect(w.accounts.listUsers(w.admin).map((u) => u.username)).toEqual([ADMIN.username]);
  expect(w.bob.isOpen).toBe(false);
  expect(existsSync(paths.vault(w.bobId))).toBe(false);
  expect(await testKeychain().get(w.bobId)).not.toBeNull();
  w.accounts.close();

  const reopened = await openAccounts(dir);
  expect(await testKeychain().get(w.bobId)).toBeNull();
  const pending = await editCatalog(dir, (catalog) => catalog.vaultDeletions.list());
  expect(pending).toEqual([]);
  reopened.close();
});

test('a missing account list with vaults still present is refused, not silently started over', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const paths = dataPaths(dir);
  const w = await twoUsers(dir);
  setSetting(w.bob, 'note', 'must survive');
  w.accounts.close();
  const vaultsBefore = readdirSync(paths.vaultsDir).sort();
  renameSync(paths.catalog, `${paths.catalog}.bak`);
  for (const suffix of ['-wal', '-shm']) rmSync(paths.catalog + suffix, { force: true });

  await expect(openAccounts(dir)).rejects.toMatchObject({ code: 'CATALOG_MISSING' });
  expect(existsSync(paths.catalog)).toBe(false);
  expect(readdirSync(paths.vaultsDir).sort()).toEqual(vaultsBefore);

  // Restoring the file brings everyone back.
  renameSync(`${paths.catalog}.bak`, paths.catalog);
  const restored = await openAccounts(dir);
  expect(getSetting(await restored.login(BOB.username, BOB.password), 'note')).toBe('must survive');
  restored.close();
});
