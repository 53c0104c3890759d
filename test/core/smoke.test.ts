import { afterAll, expect, test } from 'vitest';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { ADMIN, BOB, removeDir, tempDataDir, twoUsers } from '../helpers/env';

const dir = tempDataDir();
afterAll(() => removeDir(dir));

test('setup, invite, redeem, login, settings round trip', async () => {
  const { accounts, admin, bob } = await twoUsers(dir);
  setSetting(bob, 'theme', 'dark');
  expect(getSetting(bob, 'theme')).toBe('dark');
  expect(getSetting(admin, 'theme')).toBeUndefined();
  accounts.lock(bob);
  const again = await accounts.login(BOB.username, BOB.password);
  expect(getSetting(again, 'theme')).toBe('dark');
  await expect(accounts.login(ADMIN.username, 'not the password')).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  accounts.close();
});
