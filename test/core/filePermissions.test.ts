import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import { BOB, openAccounts, removeDir, tempDataDir, twoUsers } from '../helpers/env';

/** Every file under the data directory is owner-only (0600), every directory 0700. */
function modesUnder(root: string): Map<string, number> {
  const modes = new Map<string, number>([['.', statSync(root).mode & 0o777]]);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      modes.set(join(rel, name), stat.mode & 0o777);
      if (stat.isDirectory()) walk(path, join(rel, name));
    }
  };
  walk(root, '');
  return modes;
}

function expectPrivate(root: string): void {
  const modes = modesUnder(root);
  const wrong = [...modes].filter(([rel, mode]) => mode !== (statSync(join(root, rel)).isDirectory() ? 0o700 : 0o600));
  expect(wrong.map(([rel, mode]) => `${rel} ${mode.toString(8)}`)).toEqual([]);
}

let dir = '';
let accounts: Accounts | undefined;
afterEach(() => {
  accounts?.close();
  removeDir(dir);
});

test.skipIf(process.platform === 'win32')('catalog, vaults, their WAL and SHM files and install.json are created 0600 in 0700 directories', async () => {
  dir = tempDataDir();
  const w = await twoUsers(dir);
  accounts = w.accounts;
  await accounts.changePassword(w.bob, BOB.password, 'a brand new passphrase');
  const names = [...modesUnder(dir).keys()];
  // The files that matter were really there to check: both vaults with their WAL and SHM.
  expect(names.filter((n) => n.startsWith('vaults/') && n.endsWith('.db-wal'))).toHaveLength(2);
  expect(names).toEqual(expect.arrayContaining(['install.json', 'catalog.db', 'catalog.db-wal', 'catalog.db-shm', 'vaults']));
  expectPrivate(dir);
});

test.skipIf(process.platform === 'win32')('a data directory left readable by an older version is narrowed when Cubby opens it', async () => {
  dir = tempDataDir();
  const first = await twoUsers(dir);
  first.accounts.close();
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'vaults'), 0o755);
  for (const name of ['catalog.db', 'install.json']) chmodSync(join(dir, name), 0o644);
  for (const name of readdirSync(join(dir, 'vaults'))) chmodSync(join(dir, 'vaults', name), 0o644);

  accounts = await openAccounts(dir);
  await accounts.login(BOB.username, BOB.password);
  expectPrivate(dir);
});
