import { readFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { migrate } from '../../main/core/db/migrations';
import { openEncrypted } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { KeyService } from '../../main/core/keys/keyService';
import { dataPaths } from '../../main/core/paths';
import { ADMIN, openAccounts, removeDir, tempDataDir, testKeychain } from '../helpers/env';

const dir = tempDataDir();
afterAll(() => removeDir(dir));

test('a catalog from a newer Cubby is refused with a clear error and left untouched', async () => {
  const accounts = await openAccounts(dir);
  await accounts.setup(ADMIN);
  accounts.close();

  // Pretend a newer version migrated it.
  const installId = JSON.parse(readFileSync(dataPaths(dir).installFile, 'utf8')).installId;
  const key = await new KeyService(testKeychain()).catalogKey(`catalog:${installId}`, false);
  const db = openEncrypted(dataPaths(dir).catalog, key, () => new CubbyError('INTERNAL', 'x'));
  db.pragma('user_version=99');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const before = readFileSync(dataPaths(dir).catalog);

  const err = await openAccounts(dir).catch((e) => e);
  expect(err).toBeInstanceOf(CubbyError);
  expect(err.code).toBe('SCHEMA_TOO_NEW');
  expect(err.message).toMatch(/newer version of Cubby/);
  expect(readFileSync(dataPaths(dir).catalog).equals(before)).toBe(true);
  key.fill(0);
});

test('migrations run in order, one transaction each, and a failing step leaves the previous version', () => {
  const file = `${dir}/m.db`;
  const db = openEncrypted(file, Buffer.alloc(32, 3), () => new CubbyError('INTERNAL', 'x'));
  const steps = [
    (d: typeof db) => d.exec('CREATE TABLE a (x)'),
    (d: typeof db) => {
      d.exec('CREATE TABLE b (x)');
      throw new Error('step 2 fails halfway');
    },
  ];
  expect(() => migrate(db, steps, 'test db')).toThrow('step 2 fails halfway');
  expect(db.pragma('user_version', { simple: true })).toBe(1);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name);
  expect(tables).toEqual(['a']);
  db.close();
});

test('audit events are append-only', async () => {
  const d = tempDataDir();
  try {
    const accounts = await openAccounts(d);
    const { session } = await accounts.setup(ADMIN);
    const { Catalog } = await import('../../main/core/catalog/catalog');
    const catalog = await Catalog.open(dataPaths(d), new KeyService(testKeychain()));
    expect(() => catalog.db.exec("UPDATE audit_events SET action = 'login'")).toThrow(/append-only/);
    expect(() => catalog.db.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    catalog.close();
    expect(accounts.auditLog(session).map((e) => e.action)).toEqual(['setup']);
    accounts.close();
  } finally {
    removeDir(d);
  }
});

test('a catalog whose keychain key is gone gives a clear error', async () => {
  const d2 = tempDataDir();
  try {
    const accounts = await openAccounts(d2);
    accounts.close();
    const installId = JSON.parse(readFileSync(dataPaths(d2).installFile, 'utf8')).installId;
    await testKeychain().delete(`catalog:${installId}`);
    await expect(openAccounts(d2)).rejects.toMatchObject({ code: 'CATALOG_KEY_MISSING' });
  } finally {
    removeDir(d2);
  }
});
