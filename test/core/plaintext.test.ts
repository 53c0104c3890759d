import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { setSetting } from '../../main/core/vault/settings';
import { ADMIN, BOB, filesContaining, filesUnder, removeDir, tempDataDir, twoUsers } from '../helpers/env';

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
