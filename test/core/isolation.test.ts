import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import type { Session } from '../../main/core/accounts/session';
import { vaultOf } from '../../main/core/accounts/session';
import { openEncrypted } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { dataPaths } from '../../main/core/paths';
import { getSetting, listSettings, setSetting } from '../../main/core/vault/settings';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

describe('two users on one install', () => {
  const dir = tempDataDir();
  let accounts: Accounts;
  let admin: Session;
  let bob: Session;
  let bobId: string;

  beforeAll(async () => {
    ({ accounts, admin, bob, bobId } = await twoUsers(dir));
    setSetting(admin, 'note', 'admin-only value');
    setSetting(bob, 'note', 'bob-only value');
    setSetting(bob, 'bob.private', 'x');
  });
  afterAll(() => {
    accounts.close();
    removeDir(dir);
  });

  test("each session reads, lists and counts only its own vault", () => {
    expect(getSetting(admin, 'note')).toBe('admin-only value');
    expect(getSetting(bob, 'note')).toBe('bob-only value');
    expect(getSetting(admin, 'bob.private')).toBeUndefined();
    expect(Object.keys(listSettings(admin))).toEqual(['note']);
    expect(Object.keys(listSettings(bob)).sort()).toEqual(['bob.private', 'note']);
    const count = (s: Session) => (vaultOf(s).prepare('SELECT count(*) AS n FROM settings').get() as { n: number }).n;
    expect(count(admin)).toBe(1);
    expect(count(bob)).toBe(2);
  });

  test("each vault is its own file and names its owner", () => {
    const ownerOf = (s: Session) => (vaultOf(s).prepare("SELECT value FROM vault_meta WHERE key='user_id'").get() as { value: string }).value;
    expect(ownerOf(bob)).toBe(bobId);
    expect(ownerOf(admin)).not.toBe(bobId);
    expect(vaultOf(admin).name).not.toBe(vaultOf(bob).name);
  });

  test("B's vault opened with A's key fails", () => {
    const adminDek = admin.withDek((dek) => Buffer.from(dek));
    try {
      expect(() => openEncrypted(dataPaths(dir).vault(bobId), adminDek, () => new CubbyError('WRONG_CREDENTIALS', 'no'))).toThrow(
        expect.objectContaining({ code: 'WRONG_CREDENTIALS' }),
      );
    } finally {
      adminDek.fill(0);
    }
  });

  test('a non-admin session cannot call any admin operation, whatever the id', async () => {
    const ids = [bobId, accounts.listUsers(admin).find((u) => u.username === 'ada')!.id, '00000000-0000-4000-8000-000000000000'];
    for (const id of ids) {
      for (const call of [
        () => accounts.setDisabled(bob, id, true),
        () => accounts.setRole(bob, id, 'admin'),
        () => accounts.clearLockout(bob, id),
        () => accounts.deleteUser(bob, id),
      ]) {
        await expect(Promise.resolve().then(call)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    expect(() => accounts.listUsers(bob)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => accounts.auditLog(bob)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    await expect(accounts.createInvite(bob, { username: 'eve', displayName: 'Eve', role: 'admin' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  test('a locked session can no longer reach its vault', async () => {
    const again = await accounts.login('bob', 'purple monkey dishwasher');
    accounts.lock(again);
    expect(() => getSetting(again, 'note')).toThrow(expect.objectContaining({ code: 'LOCKED' }));
    expect(() => again.withDek(() => 1)).toThrow(expect.objectContaining({ code: 'LOCKED' }));
    // Bob's other session is unaffected.
    expect(getSetting(bob, 'note')).toBe('bob-only value');
  });
});
