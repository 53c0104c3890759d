import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { dataPaths } from '../../main/core/paths';
import { ADMIN, filesContaining, openAccounts, removeDir, tempDataDir, TEST_KEYCHAIN_SERVICE } from '../helpers/env';

const CHILD = fileURLToPath(new URL('./fixtures/openAccountsChild.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Run the child with no reachable Secret Service (a D-Bus address where nothing listens). */
function withoutKeychain(dataDir: string, action: 'open' | 'setup', env: NodeJS.ProcessEnv = {}) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, dataDir, TEST_KEYCHAIN_SERVICE, action], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/cubby-test-bus', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { ok: boolean; code?: string; message?: string };
}

test('with no keychain, first-run setup fails clearly and writes no catalog', () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const r = withoutKeychain(dir, 'setup');
  expect(r).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
  expect(r.message).toMatch(/keychain is not available/);
  expect(existsSync(dataPaths(dir).catalog)).toBe(false);
});

test('with the keychain gone later, opening an existing install fails clearly and changes nothing', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const accounts = await openAccounts(dir);
  const { recoveryKey } = await accounts.setup(ADMIN);
  accounts.close();
  expect(withoutKeychain(dir, 'open')).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
  // No plaintext fallback was written anywhere.
  expect(filesContaining(dir, ADMIN.password)).toEqual([]);
  expect(filesContaining(dir, recoveryKey)).toEqual([]);
  // And once the keychain is back, everything opens.
  const again = await openAccounts(dir);
  await expect(again.login(ADMIN.username, ADMIN.password)).resolves.toBeTruthy();
  again.close();
});

test('a keychain that stops answering at login gives KEYCHAIN_UNAVAILABLE and never counts as a failed attempt', async () => {
  const { keychainUnavailable } = await import('../../main/core/keys/keychain');
  const { testKeychain } = await import('../helpers/env');
  const real = testKeychain();
  let down = false;
  const guard = <T>(fn: () => Promise<T>) => (down ? Promise.reject(keychainUnavailable()) : fn());
  const flaky = {
    get: (a: string) => guard(() => real.get(a)),
    set: (a: string, s: Buffer) => guard(() => real.set(a, s)),
    delete: (a: string) => guard(() => real.delete(a)),
  };
  const dir = tempDataDir();
  dirs.push(dir);
  const accounts = await openAccounts(dir, { keychain: flaky, policy: { kdfTargetMs: 0, freeFailures: 1 } });
  await accounts.setup(ADMIN);
  down = true;
  for (let i = 0; i < 3; i++) {
    await expect(accounts.login(ADMIN.username, ADMIN.password)).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  }
  down = false;
  await expect(accounts.login(ADMIN.username, ADMIN.password)).resolves.toBeTruthy(); // not locked out
  accounts.close();
});
