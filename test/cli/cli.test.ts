import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserSummary } from '../../main/core/accounts/accounts';
import { dataPaths } from '../../main/core/paths';
import { ADMIN, BOB, filesContaining, openAccounts, removeDir, tempDataDir, testKeychain } from '../helpers/env';
import { buildBundle, line, removeBundle, runCli, type CliResult } from './run';

/**
 * Every command through the entry the packaged app uses: the bundled main with --cli, as a
 * plain Node process (runCli's default). The bin launcher and `npm run cubby` (tsx) are
 * checked at the end.
 */
beforeAll(() => void buildBundle(), 60_000);
afterAll(removeBundle);

const dirs: string[] = [];
const fresh = () => {
  const d = tempDataDir('cubby-cli-');
  dirs.push(d);
  return d;
};
/** Keychain accounts this file created under the test service, removed at the end. */
const keychainAccounts = new Set<string>();
afterAll(async () => {
  const keychain = testKeychain();
  for (const account of keychainAccounts) await keychain.delete(account).catch(() => false);
  dirs.forEach(removeDir);
});

function expectError(r: CliResult, exitCode: number, code: string) {
  expect(r.code, r.stderr).toBe(exitCode);
  expect(r.stderr).toMatch(new RegExp(`^error ${code}: \\S.*\\n$`));
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

function catalogKeyAccount(dir: string): string {
  return `catalog:${(JSON.parse(readFileSync(dataPaths(dir).installFile, 'utf8')) as { installId: string }).installId}`;
}

describe('an install provisioned from the command line', () => {
  const dir = fresh();
  let recoveryKey = '';
  let bobId = '';
  const asAda = (args: string[], password = ADMIN.password) => runCli([...args, '--admin', ADMIN.username], { dataDir: dir, stdin: line(password) });
  const usersJson = async () => {
    const r = await asAda(['users', '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as UserSummary[];
  };

  beforeAll(async () => {
    const r = await runCli(['setup', '--username', ADMIN.username, '--display-name', ADMIN.displayName], {
      dataDir: dir,
      stdin: line(ADMIN.password),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/write this down/i);
    recoveryKey = /^ {4}([0-9A-Z]{4}(?:-[0-9A-Z]{4})+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(recoveryKey).not.toBe('');
    keychainAccounts.add(catalogKeyAccount(dir));
  });

  test('setup created a working admin, and neither the password nor the recovery key is stored in the clear', async () => {
    const accounts = await openAccounts(dir);
    try {
      const admin = await accounts.login(ADMIN.username, ADMIN.password);
      expect(accounts.isAdmin(admin)).toBe(true);
      keychainAccounts.add(admin.user.id);
      accounts.lock(admin);
    } finally {
      accounts.close();
    }
    expect(filesContaining(dir, ADMIN.password)).toEqual([]);
    expect(filesContaining(dir, recoveryKey)).toEqual([]);
  });

  test('a second setup is refused', async () => {
    const r = await runCli(['setup', '--username', 'eve', '--display-name', 'Eve'], { dataDir: dir, stdin: line('another long password') });
    expectError(r, 1, 'ALREADY_SET_UP');
  });

  test('invite prints a code that redeems once, with its expiry', async () => {
    const r = await asAda(['invite', '--username', BOB.username, '--display-name', BOB.displayName]);
    expect(r.code, r.stderr).toBe(0);
    const code = /^ {4}(\d{4}-\d{4})$/m.exec(r.stdout)?.[1];
    expect(code).toBeDefined();
    expect(r.stdout).toMatch(/Valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(3 days\)/);
    const accounts = await openAccounts(dir);
    try {
      const { session } = await accounts.redeemInvite({ username: BOB.username, code: code!.replace('-', ''), password: BOB.password });
      bobId = session.user.id;
      keychainAccounts.add(bobId);
      accounts.lock(session);
    } finally {
      accounts.close();
    }
  });

  test('users lists the accounts as a table and as JSON', async () => {
    const list = await usersJson();
    expect(list.map((u) => [u.username, u.displayName, u.role, u.status])).toEqual([
      [ADMIN.username, ADMIN.displayName, 'admin', 'active'],
      [BOB.username, BOB.displayName, 'user', 'active'],
    ]);
    expect(list.find((u) => u.username === BOB.username)!.id).toBe(bobId);
    expect(JSON.stringify(list)).not.toMatch(/salt|dek|wrapped|kdf/i);

    const table = await asAda(['users']);
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^USERNAME\s+DISPLAY NAME\s+ROLE\s+STATUS\s+LAST LOGIN\s+LOCKED$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^bob\s+Bob Builder\s+user\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+no$/);
  });

  test('disable stops the user signing in; enable lets them back', async () => {
    let r = await asAda(['disable', '--username', BOB.username]);
    expect(r.code, r.stderr).toBe(0);
    expect((await usersJson()).find((u) => u.id === bobId)?.status).toBe('disabled');
    const accounts = await openAccounts(dir);
    await expect(accounts.login(BOB.username, BOB.password)).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
    accounts.close();

    r = await asAda(['enable', '--username', 'BOB']); // usernames are case-insensitive
    expect(r.code, r.stderr).toBe(0);
    expect((await usersJson()).find((u) => u.id === bobId)?.status).toBe('active');
  });

  test('a password on the command line is refused before anything runs', async () => {
    for (const args of [['--password', ADMIN.password], [`--password=${ADMIN.password}`], ['-p', ADMIN.password]]) {
      const r = await runCli(['users', '--admin', ADMIN.username, ...args], { dataDir: dir });
      expectError(r, 2, 'USAGE');
      expect(r.stderr).toMatch(/Unknown option/);
    }
  });

  test('a wrong admin password, or a user who is not an admin, is refused', async () => {
    expectError(await asAda(['users'], 'not the password at all'), 1, 'WRONG_CREDENTIALS');
    const r = await runCli(['users', '--admin', BOB.username], { dataDir: dir, stdin: line(BOB.password) });
    expectError(r, 1, 'FORBIDDEN');
  });

  test('delete needs confirmation, then destroys the vault files and the keychain entry', async () => {
    expectError(await asAda(['delete', '--username', BOB.username]), 2, 'USAGE'); // no --yes, no terminal to confirm on
    const vaultFiles = () => readdirSync(dataPaths(dir).vaultsDir).filter((f) => f.startsWith(bobId));
    expect(vaultFiles().length).toBeGreaterThan(0);
    expect(await testKeychain().get(bobId)).not.toBeNull();

    const r = await asAda(['delete', '--username', BOB.username, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(vaultFiles()).toEqual([]);
    expect(await testKeychain().get(bobId)).toBeNull();
    expect((await usersJson()).map((u) => u.username)).toEqual([ADMIN.username]);
    expectError(await asAda(['disable', '--username', BOB.username]), 1, 'NOT_FOUND');
  });

  test('audit shows what was done, filtered by action, user and limit', async () => {
    const all = await asAda(['audit', '--json']);
    expect(all.code, all.stderr).toBe(0);
    type Entry = { action: string; actor: { username: string | null } | null; target: { id: string; username: string | null } | null };
    const events = JSON.parse(all.stdout) as Entry[];
    const actions = events.map((e) => e.action);
    for (const a of ['setup', 'invite_created', 'invite_redeemed', 'user_disabled', 'user_enabled', 'user_deleted', 'login_failed']) {
      expect(actions).toContain(a);
    }
    const deleted = events.find((e) => e.action === 'user_deleted')!;
    expect(deleted.actor?.username).toBe(ADMIN.username);
    expect(deleted.target).toEqual({ id: bobId, username: null }); // deleted accounts show as their id

    const onlyDisabled = JSON.parse((await asAda(['audit', '--json', '--action', 'user_disabled'])).stdout) as Entry[];
    expect(onlyDisabled.map((e) => [e.action, e.target?.id])).toEqual([['user_disabled', bobId]]);
    const aboutBob = JSON.parse((await asAda(['audit', '--json', '--user', bobId])).stdout) as Entry[];
    expect(aboutBob.length).toBeGreaterThan(0);
    expect(aboutBob.every((e) => e.target?.id === bobId || (e as { actor: { id: string } | null }).actor?.id === bobId)).toBe(true);
    expect(JSON.parse((await asAda(['audit', '--json', '--limit', '2'])).stdout)).toHaveLength(2);

    const table = await asAda(['audit', '--action', 'user_deleted']);
    expect(table.stdout).toMatch(/^TIME\s+ACTOR\s+ACTION\s+TARGET\s+DETAIL\n\S+ \S+\s+ada\s+user_deleted\s+[0-9a-f-]{36}\s*\n$/);
    expectError(await asAda(['audit', '--action', 'made_up']), 2, 'USAGE');
  });
});

describe('usage and environment errors', () => {
  test('no data directory is a usage error', async () => {
    expectError(await runCli(['users', '--admin', ADMIN.username], { stdin: line(ADMIN.password) }), 2, 'USAGE');
  });

  test('admin commands never create an install in an empty directory', async () => {
    const dir = fresh();
    expectError(await runCli(['users', '--admin', ADMIN.username], { dataDir: dir, stdin: line(ADMIN.password) }), 1, 'NOT_SET_UP');
    expect(existsSync(dataPaths(dir).catalog)).toBe(false);
  });

  test('setup with no keychain fails with KEYCHAIN_UNAVAILABLE and leaves no catalog and no secret', async () => {
    const dir = fresh();
    const r = await runCli(['setup', '--username', ADMIN.username, '--display-name', ADMIN.displayName], {
      dataDir: dir,
      stdin: line(ADMIN.password),
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/cubby-cli-test-bus' },
    });
    expectError(r, 1, 'KEYCHAIN_UNAVAILABLE');
    expect(existsSync(dataPaths(dir).catalog)).toBe(false);
    expect(filesContaining(dir, ADMIN.password)).toEqual([]);
  });

  test('setup refuses a weak password and missing options', async () => {
    const dir = fresh();
    const weak = await runCli(['setup', '--username', 'carol', '--display-name', 'Carol'], { dataDir: dir, stdin: line('password') });
    expectError(weak, 1, 'PASSWORD_POLICY');
    keychainAccounts.add(catalogKeyAccount(dir));
    expectError(await runCli(['setup', '--username', 'carol'], { dataDir: dir, stdin: line(ADMIN.password) }), 2, 'USAGE');
    expectError(await runCli(['setup', '--username', 'carol', '--display-name', 'C'], { dataDir: dir }), 2, 'USAGE'); // no stdin line
    expectError(await runCli(['frobnicate'], { dataDir: dir }), 2, 'USAGE');
  });

  test('--help works for every command, and through the bin launcher', async () => {
    const names = ['setup', 'invite', 'users', 'disable', 'enable', 'unlock', 'delete', 'audit'];
    const results = await Promise.all(names.map((n) => runCli([n, '--help'])));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: cubby ${names[i]} `));
    });
    for (const via of ['bin', 'tsx'] as const) {
      const global = await runCli(['--help'], { via });
      expect(global.code, global.stderr).toBe(0);
      for (const n of names) expect(global.stdout).toMatch(new RegExp(`^  ${n} +\\S`, 'm'));
    }
    expect((await runCli([])).code).toBe(2);
  });
});
