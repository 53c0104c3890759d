import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import type { Session } from '../../main/core/accounts/session';
import { Catalog } from '../../main/core/catalog/catalog';
import { KeyService, unwrapKey, wrapKey } from '../../main/core/keys/keyService';
import { dataPaths } from '../../main/core/paths';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { ADMIN, BOB, removeDir, tempDataDir, testKeychain, TEST_POLICY, twoUsers } from '../helpers/env';

/**
 * What binds a DEK wrap to its owner: the device secret in the keychain and the user id.
 * One install for the whole file (Argon2 is the slow part); each test puts back what it changes.
 */

const dir = tempDataDir();
let accounts: Accounts;
let admin: Session;
let adminId: string;
let bobId: string;
let adminRecovery: string;
let bobRecovery: string;

// No lockout noise: these tests count on the failure code, not on backoff.
const POLICY = { ...TEST_POLICY, freeFailures: 50 };

beforeAll(async () => {
  const w = await twoUsers(dir, { policy: POLICY });
  ({ accounts, admin, bobId, adminRecovery, bobRecovery } = w);
  adminId = admin.user.id;
  setSetting(w.bob, 'note', 'bob was here');
  accounts.lock(w.bob);
});
afterAll(() => {
  accounts?.close();
  removeDir(dir);
});

function sessionsOf(userId: string): Session[] {
  return accounts.openSessions().filter((s) => s.user.id === userId);
}

/** The four key columns of the catalog's users table, read and written on a second connection. */
const KEY_COLUMNS = ['kdf_params', 'kdf_salt', 'dek_wrapped_password', 'dek_wrapped_recovery'] as const;
type KeyRow = Record<(typeof KEY_COLUMNS)[number], unknown>;

async function withCatalog<T>(fn: (catalog: Catalog) => T): Promise<T> {
  const catalog = await Catalog.open(dataPaths(dir), new KeyService(testKeychain()));
  try {
    return fn(catalog);
  } finally {
    catalog.close();
  }
}

async function swapKeyColumns(a: string, b: string): Promise<void> {
  await withCatalog((catalog) => {
    const read = catalog.db.prepare(`SELECT ${KEY_COLUMNS.join(', ')} FROM users WHERE id = ?`);
    const write = catalog.db.prepare(`UPDATE users SET ${KEY_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
    catalog.transaction(() => {
      const rowA = read.get(a) as KeyRow;
      const rowB = read.get(b) as KeyRow;
      write.run(...KEY_COLUMNS.map((c) => rowB[c]), a);
      write.run(...KEY_COLUMNS.map((c) => rowA[c]), b);
    });
  });
}

async function swapDeviceSecrets(a: string, b: string): Promise<void> {
  const kc = testKeychain();
  const [secretA, secretB] = [await kc.get(a), await kc.get(b)];
  expect(secretA).toHaveLength(32);
  expect(secretB).toHaveLength(32);
  await kc.set(a, secretB!);
  await kc.set(b, secretA!);
}

describe('the device secret', () => {
  test('is mixed into the unlock key: another 32-byte secret in the keychain makes the right password fail', async () => {
    const kc = testKeychain();
    const original = await kc.get(bobId);
    expect(original).toHaveLength(32);
    let other = randomBytes(32);
    while (other.equals(original!)) other = randomBytes(32);
    await kc.set(bobId, other);
    try {
      const err = await accounts.login(BOB.username, BOB.password).catch((e) => e);
      expect(err).toMatchObject({ code: 'WRONG_CREDENTIALS' });
      expect(sessionsOf(bobId)).toEqual([]);
    } finally {
      await kc.set(bobId, original!);
    }
    // The same password opens the vault again once the real secret is back, so the failure above was the secret.
    const s = await accounts.login(BOB.username, BOB.password);
    expect(getSetting(s, 'note')).toBe('bob was here');
    accounts.lock(s);
  });
});

describe('the user id', () => {
  test('a GCM wrap made with one associated data does not open with another', () => {
    const kek = randomBytes(32);
    const dek = randomBytes(32);
    const wrapped = wrapKey(kek, dek, Buffer.from(`for ${adminId}`));
    expect(unwrapKey(kek, wrapped, Buffer.from(`for ${adminId}`))?.equals(dek)).toBe(true);
    expect(unwrapKey(kek, wrapped, Buffer.from(`for ${bobId}`))).toBeNull();
  });

  test("swapping two users' wrapped keys in the catalog locks each out of their own vault", async () => {
    await swapKeyColumns(adminId, bobId);
    try {
      for (const [who, id] of [[ADMIN, adminId], [BOB, bobId]] as const) {
        await expect(accounts.login(who.username, who.password), who.username).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
        expect(sessionsOf(id).filter((s) => s !== admin)).toEqual([]);
      }
    } finally {
      await swapKeyColumns(adminId, bobId);
    }
    const s = await accounts.login(BOB.username, BOB.password);
    expect(getSetting(s, 'note')).toBe('bob was here');
    accounts.lock(s);
  });

  test("a wrap moved to another user's row does not open even with its own password, salt and device secret", async () => {
    // Everything the unwrap takes as input moves with it except the row's user id. If the id were
    // not bound in, Ada's row would now unwrap Bob's DEK with Bob's password (and recovery key).
    await swapKeyColumns(adminId, bobId);
    await swapDeviceSecrets(adminId, bobId);
    try {
      const cases = [
        [ADMIN.username, BOB.password, adminId],
        [BOB.username, ADMIN.password, bobId],
        [ADMIN.username, ADMIN.password, adminId],
        [BOB.username, BOB.password, bobId],
      ] as const;
      for (const [username, password, id] of cases) {
        await expect(accounts.login(username, password), `${username} / ${password}`).rejects.toMatchObject({
          code: 'WRONG_CREDENTIALS',
        });
        expect(sessionsOf(id).filter((s) => s !== admin)).toEqual([]);
      }
      const recoveryCases = [
        [ADMIN.username, bobRecovery],
        [BOB.username, adminRecovery],
      ] as const;
      for (const [username, recoveryKey] of recoveryCases) {
        await expect(
          accounts.recover({ username, recoveryKey, newPassword: 'never stored passphrase' }),
          `recover ${username}`,
        ).rejects.toMatchObject({ code: 'RECOVERY_KEY_INVALID' });
      }
    } finally {
      await swapDeviceSecrets(adminId, bobId);
      await swapKeyColumns(adminId, bobId);
    }
    // Put back, both sign in again with their own passwords.
    for (const who of [ADMIN, BOB]) {
      const s = await accounts.login(who.username, who.password);
      expect(s.isOpen).toBe(true);
      accounts.lock(s);
    }
  });
});

describe('locking', () => {
  test('zeroes the DEK buffer the session held', async () => {
    const s = await accounts.login(BOB.username, BOB.password);
    const dek = s.withDek((d) => d);
    expect(dek).toHaveLength(32);
    expect(dek.some((b) => b !== 0)).toBe(true);
    accounts.lock(s);
    expect(s.isOpen).toBe(false);
    expect([...dek]).toEqual(new Array(32).fill(0));
    expect(() => s.withDek((d) => d)).toThrow(expect.objectContaining({ code: 'LOCKED' }));
  });

  test('by an admin disabling the account also zeroes the DEK', async () => {
    const s = await accounts.login(BOB.username, BOB.password);
    const dek = s.withDek((d) => d);
    expect(dek.some((b) => b !== 0)).toBe(true);
    accounts.setDisabled(admin, bobId, true);
    try {
      expect(s.isOpen).toBe(false);
      expect([...dek]).toEqual(new Array(32).fill(0));
    } finally {
      accounts.setDisabled(admin, bobId, false);
    }
  });
});
