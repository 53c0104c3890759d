import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import type { Session } from '../../main/core/accounts/session';
import { Catalog } from '../../main/core/catalog/catalog';
import { KDF_FLOOR } from '../../main/core/keys/kdf';
import { KeyService } from '../../main/core/keys/keyService';
import { dataPaths } from '../../main/core/paths';
import { IDLE_SETTING_KEY } from '../../main/core/policy/idle';
import type { MachinePolicySource } from '../../main/core/policy/source';
import { setSetting } from '../../main/core/vault/settings';
import type { Connection } from '../../main/ipc/router';
import { ADMIN, BOB, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

/**
 * The machine policy enforced in main, over the router every transport feeds: a call the policy
 * forbids answers with its code whatever the UI shows.
 */
const STRICT = { minPasswordLength: 16, maxIdleMinutes: 10, argon2idMemoryMiB: 80, argon2idIterations: 4, allowSync: false };
const SHORT = 'fifteen chars!!'; // 15 characters: fine for Cubby's own floor (10), short for this machine
const LONG_ADMIN = 'correct horse battery staple';
const LONG_BOB = 'purple monkey dishwasher tune';

function sourceOf(values: Record<string, unknown>): MachinePolicySource {
  return { kind: 'file', location: '/etc/cubby/policy.json', read: () => ({ status: 'found', values, ignored: [] }) };
}

const dir = tempDataDir('cubby-policy-bridge-');
let cubby: Cubby;
let adminConn: Connection;
let bobConn: Connection;
let adminRecovery = '';
const call = (conn: Connection, channel: string, input: unknown) => cubby.router.call(conn, channel, input) as Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }>;

beforeAll(async () => {
  expect(SHORT).toHaveLength(15);
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: sourceOf(STRICT) });
  adminConn = cubby.router.connect(() => undefined);
  bobConn = cubby.router.connect(() => undefined);
});

afterAll(() => {
  cubby?.close();
  removeDir(dir);
});

describe('minimum password length: every place a password is set answers PASSWORD_POLICY', () => {
  test('policy.get tells the UI, before sign-in, what the organization set', async () => {
    const r = await call(adminConn, 'policy.get', {});
    expect(r.ok).toBe(true);
    expect(r.value.minPasswordLength).toEqual({ value: 16, setByOrganization: true });
    expect(r.value.maxIdleMinutes).toEqual({ value: 10, setByOrganization: true });
    expect(r.value.allowSync).toEqual({ value: false, setByOrganization: true });
    expect(r.value.allowOwnProviders).toEqual({ value: true, setByOrganization: false });
    expect(r.value).not.toHaveProperty('recoveryEscrowPublicKey');
  });

  test('setup', async () => {
    const short = await call(adminConn, 'auth.setup', { ...ADMIN, password: SHORT });
    expect(short).toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY', message: expect.stringContaining('16 characters') } });
    const ok = await call(adminConn, 'auth.setup', { ...ADMIN, password: LONG_ADMIN });
    expect(ok.ok).toBe(true);
    adminRecovery = ok.value.recoveryKey;
  });

  test('invite redemption', async () => {
    const invite = await call(adminConn, 'admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' });
    const short = await call(bobConn, 'auth.redeemInvite', { username: BOB.username, code: invite.value.code, password: SHORT });
    expect(short).toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    expect((await call(bobConn, 'auth.redeemInvite', { username: BOB.username, code: invite.value.code, password: LONG_BOB })).ok).toBe(true);
  });

  test('password change', async () => {
    const r = await call(bobConn, 'account.changePassword', { currentPassword: LONG_BOB, newPassword: SHORT });
    expect(r).toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
  });

  test('recovery', async () => {
    const other = cubby.router.connect(() => undefined);
    const r = await call(other, 'auth.recover', { username: ADMIN.username, recoveryKey: adminRecovery, newPassword: SHORT });
    expect(r).toMatchObject({ ok: false, error: { code: 'PASSWORD_POLICY' } });
    cubby.router.disconnect(other);
  });
});

describe('idle time: the machine ceiling over a person’s own choice', () => {
  test('a looser personal time answers POLICY_FORBIDS, through its channel and through settings.set', async () => {
    expect((await call(bobConn, 'settings.idleLock.get', {})).value).toEqual({ minutes: 10, chosen: null, maxMinutes: 10, setByOrganization: true });
    const looser = await call(bobConn, 'settings.idleLock.set', { minutes: 30 });
    expect(looser).toMatchObject({ ok: false, error: { code: 'POLICY_FORBIDS', message: expect.stringContaining('at most 10 minutes') } });
    const sneaky = await call(bobConn, 'settings.set', { key: IDLE_SETTING_KEY, value: '30' });
    expect(sneaky).toMatchObject({ ok: false, error: { code: 'POLICY_FORBIDS' } });
    expect((await call(bobConn, 'settings.get', { key: IDLE_SETTING_KEY })).value).toEqual({ value: null });
  });

  test('a stricter personal time is kept and locks that window sooner', async () => {
    expect((await call(bobConn, 'settings.idleLock.set', { minutes: 5 })).ok).toBe(true);
    expect((await call(bobConn, 'settings.idleLock.get', {})).value).toMatchObject({ minutes: 5, chosen: 5 });
    // Back to the machine's time, and to 5 again: null clears the choice.
    expect((await call(bobConn, 'settings.idleLock.set', { minutes: null })).ok).toBe(true);
    expect((await call(bobConn, 'settings.idleLock.get', {})).value).toMatchObject({ minutes: 10, chosen: null });
    expect((await call(bobConn, 'settings.idleLock.set', { minutes: 5 })).ok).toBe(true);
    await call(adminConn, 'session.activity', {});
    await call(bobConn, 'session.activity', {});
    const start = Date.now();
    cubby.router.lockIdle(cubby.idleLockSeconds * 1000, start + 4 * 60_000);
    expect(cubby.router.sessionOf(bobConn)).not.toBeNull();
    cubby.router.lockIdle(cubby.idleLockSeconds * 1000, start + 5 * 60_000 + 1000);
    expect(cubby.router.sessionOf(bobConn)).toBeNull();
    expect(cubby.router.sessionOf(adminConn)).not.toBeNull(); // Ada has no choice of her own: the machine's 10 minutes
    cubby.router.lockIdle(cubby.idleLockSeconds * 1000, start + 10 * 60_000 + 1000);
    expect(cubby.router.sessionOf(adminConn)).toBeNull();
  });

  test('a looser time stored before the ceiling came down is clamped where it is read', async () => {
    expect((await call(adminConn, 'auth.login', { username: ADMIN.username, password: LONG_ADMIN })).ok).toBe(true);
    const session = cubby.router.sessionOf(adminConn) as Session;
    setSetting(session, IDLE_SETTING_KEY, '60'); // chosen under an earlier, looser policy
    expect((await call(adminConn, 'settings.idleLock.get', {})).value).toMatchObject({ minutes: 10, chosen: 60 });
    await call(adminConn, 'session.activity', {});
    const start = Date.now();
    cubby.router.lockIdle(cubby.idleLockSeconds * 1000, start + 9 * 60_000);
    expect(cubby.router.sessionOf(adminConn)).not.toBeNull();
    cubby.router.lockIdle(cubby.idleLockSeconds * 1000, start + 10 * 60_000 + 1000);
    expect(cubby.router.sessionOf(adminConn)).toBeNull();
  });

  test('the machine idle time itself comes from the policy', () => {
    expect(cubby.idleLockSeconds).toBe(600);
  });
});

describe('Argon2id floor', () => {
  test('every password wrap made under the policy meets its floor', async () => {
    cubby.close();
    const keys = new KeyService(testKeychain());
    const catalog = await Catalog.open(dataPaths(dir), keys);
    try {
      for (const name of [ADMIN.username, BOB.username]) {
        const kdf = catalog.users.byUsername(name)!.keys!.kdf;
        expect(kdf.m, name).toBeGreaterThanOrEqual(80 * 1024);
        expect(kdf.t, name).toBeGreaterThanOrEqual(4);
        expect(kdf.p, name).toBeGreaterThanOrEqual(KDF_FLOOR.p);
      }
    } finally {
      catalog.close();
    }
  });
});

describe('Argon2id floor raised after setup', () => {
  test('existing passwords keep working; a password changed afterwards gets the new cost', async () => {
    const other = tempDataDir('cubby-policy-raised-');
    const storedKdf = async () => {
      const catalog = await Catalog.open(dataPaths(other), new KeyService(testKeychain()));
      try {
        return catalog.users.byUsername(ADMIN.username)!.keys!.kdf;
      } finally {
        catalog.close();
      }
    };
    try {
      const before = await startCubby({ dataDir: other, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: sourceOf({}) });
      expect((await before.router.call(before.router.connect(() => undefined), 'auth.setup', { ...ADMIN, password: LONG_ADMIN })).ok).toBe(true);
      before.close();
      expect((await storedKdf()).m).toBe(KDF_FLOOR.m);

      const after = await startCubby({ dataDir: other, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: sourceOf({ argon2idMemoryMiB: 96 }) });
      const conn = after.router.connect(() => undefined);
      expect((await after.router.call(conn, 'auth.login', { username: ADMIN.username, password: LONG_ADMIN })).ok).toBe(true);
      expect((await after.router.call(conn, 'account.changePassword', { currentPassword: LONG_ADMIN, newPassword: LONG_BOB })).ok).toBe(true);
      after.close();
      expect((await storedKdf()).m).toBe(96 * 1024);
    } finally {
      removeDir(other);
    }
  });
});

describe('an invalid policy stops startCubby; a refused one does not', () => {
  test('POLICY_INVALID, with nothing opened', async () => {
    const other = tempDataDir('cubby-policy-invalid-');
    try {
      await expect(startCubby({ dataDir: other, keychain: testKeychain(), machinePolicy: sourceOf({ minPasswordLength: 'long' }), log: { error: () => undefined } })).rejects.toMatchObject({
        code: 'POLICY_INVALID',
      });
      const refused: MachinePolicySource = { kind: 'file', location: '/etc/cubby/policy.json', read: () => ({ status: 'refused', reason: 'it is not owned by root' }) };
      const logged: string[] = [];
      const c = await startCubby({ dataDir: other, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: refused, log: { error: (m) => logged.push(m) } });
      expect(c.policy.values.minPasswordLength).toBe(10);
      expect(logged).toEqual(['machine policy ignored /etc/cubby/policy.json: it is not owned by root']);
      c.close();
    } finally {
      removeDir(other);
    }
  });
});
