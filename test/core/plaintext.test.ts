import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { setSetting } from '../../main/core/vault/settings';
import { ADMIN, BOB, filesContaining, filesUnder, openAccounts, removeDir, tempDataDir, twoUsers } from '../helpers/env';

const dir = tempDataDir();
const sqliteTmp = join(dir, 'sqlite-tmp');
afterAll(() => removeDir(dir));

test('user content, passwords and recovery keys appear in plaintext in no file under the data directory', async () => {
  // Any temp file SQLite might write would land here (temp_store=MEMORY should mean none).
  mkdirSync(sqliteTmp);
  process.env.SQLITE_TMPDIR = sqliteTmp;
  const marker = `cubby-marker-${Math.random().toString(36).slice(2)}`;
  const { accounts, admin, bob, bobRecovery, adminRecovery } = await twoUsers(dir);

  // Enough content to fill pages, the WAL and a sort that would spill to a temp file on disk.
  for (let i = 0; i < 300; i++) setSetting(bob, `k${i}`, `${marker} ${i} ${'x'.repeat(500)}`);
  setSetting(admin, 'note', marker);
  const { vaultOf } = await import('../../main/core/accounts/session');
  vaultOf(bob).prepare('SELECT value FROM settings ORDER BY value DESC').all();

  const secrets = [marker, ADMIN.password, BOB.password, bobRecovery, adminRecovery, bobRecovery.replace(/-/g, '')];
  const check = () => {
    for (const s of secrets) expect(filesContaining(dir, s), s).toEqual([]);
  };
  expect(filesUnder(dir).filter((f) => f.endsWith('-wal')).length).toBeGreaterThan(0); // the WALs are there to scan
  check(); // while sessions are open (content in the WAL)
  for (const s of [admin, bob]) {
    const dek = s.withDek((d) => Buffer.from(d));
    expect(filesContaining(dir, dek.toString('hex')), 'DEK as hex').toEqual([]);
    expect(filesUnder(dir).filter((f) => readFileSync(f).includes(dek)), 'raw DEK').toEqual([]);
    dek.fill(0);
  }
  accounts.close();
  check(); // after checkpoint and close
  expect(readdirSync(sqliteTmp)).toEqual([]);
  // The scan itself can find plaintext: a file we write on purpose is found.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'canary.txt'), `before ${marker} after`);
  expect(filesContaining(dir, marker)).toEqual([join(dir, 'canary.txt')]);
});

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Reopen the install the first test made; a later test in this file reuses it. */
function reopen() {
  return openAccounts(dir);
}

test('the catalog connection and open vault connections keep SQLite temp files in memory (temp_store=2)', async () => {
  const accounts = await reopen();
  try {
    const { vaultOf } = await import('../../main/core/accounts/session');
    // The Accounts instance's own catalog connection (a private field: TypeScript allows the bracket form).
    expect(accounts['catalog'].db.pragma('temp_store', { simple: true })).toBe(2);
    for (const who of [ADMIN, BOB]) {
      const session = await accounts.login(who.username, who.password);
      expect(vaultOf(session).pragma('temp_store', { simple: true }), who.username).toBe(2);
    }
  } finally {
    accounts.close();
  }
});

test('display names and usernames appear in plaintext in no file under the data directory', async () => {
  const accounts = await reopen();
  // 'ada' and 'bob' are too short to search ciphertext for (3 bytes turn up by chance), so add
  // someone whose names are long and unique to this run.
  const tag = Math.random().toString(36).slice(2, 10);
  const carol = { username: `carol.${tag}`, displayName: `Carol Caraway ${tag}`, password: `lemon zest ${tag} kite` };
  try {
    const admin = await accounts.login(ADMIN.username, ADMIN.password);
    const invite = await accounts.createInvite(admin, { username: carol.username, displayName: carol.displayName, role: 'user' });
    const { session } = await accounts.redeemInvite({ username: carol.username, code: invite.code, password: carol.password });
    setSetting(session, 'greeting', `hello ${carol.displayName}`);
    expect(accounts.loginUsers()).toContainEqual({ username: carol.username, displayName: carol.displayName });

    const names = [carol.username, carol.displayName, ADMIN.displayName, BOB.displayName, `Caraway ${tag}`];
    const check = () => {
      for (const n of names) expect(filesContaining(dir, n), n).toEqual([]);
    };
    check(); // while open, with the catalog and vault WALs
    accounts.close();
    check(); // after checkpoint and close
  } finally {
    accounts.close();
  }
});

test('no database file under the data directory starts with, or contains, the plain SQLite header', async () => {
  const accounts = await reopen();
  const check = () => {
    const files = filesUnder(dir);
    const dbs = files.filter((f) => f.endsWith('.db'));
    expect(dbs).toContain(join(dir, 'catalog.db'));
    expect(dbs.filter((f) => f.startsWith(join(dir, 'vaults'))).length).toBeGreaterThanOrEqual(2);
    for (const f of dbs) {
      const head = readFileSync(f).subarray(0, 16);
      expect(head.length, f).toBe(16);
      expect(head.equals(SQLITE_HEADER), f).toBe(false);
    }
    expect(files.filter((f) => readFileSync(f).includes(SQLITE_HEADER))).toEqual([]);
  };
  try {
    const bob = await accounts.login(BOB.username, BOB.password);
    setSetting(bob, 'after-reopen', 'x'.repeat(5000));
    check();
    accounts.close();
    check();
  } finally {
    accounts.close();
  }
  // The check can see a plain database: one written without a key is found.
  const Database = (await import('better-sqlite3-multiple-ciphers')).default;
  const plain = new Database(join(sqliteTmp, 'plain.db'));
  plain.exec('CREATE TABLE t (x)');
  plain.close();
  expect(readFileSync(join(sqliteTmp, 'plain.db')).subarray(0, 16).equals(SQLITE_HEADER)).toBe(true);
});
