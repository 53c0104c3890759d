import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserSummary } from '../../main/core/accounts/accounts';
import { ADMIN, BOB, openAccounts, removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';
import { buildBundle, line, removeBundle, runCli, type CliResult } from './run';

/** groups, import-users and argument handling, through the bundled main with --cli. */
const dir = tempDataDir('cubby-cli-groups-');
const data = join(dir, 'data');
const keychainAccounts: string[] = [];
let bobId = '';

const asAda = (args: string[], opts: { before?: string[] } = {}) =>
  runCli([...args, '--admin', ADMIN.username], { dataDir: data, stdin: line(ADMIN.password), ...opts });
const csv = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const usernames = async () => {
  const r = await asAda(['users', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as UserSummary[]).map((u) => u.username).sort();
};
type Group = { id: string; name: string; members: string[] };
const groupList = async () => JSON.parse((await asAda(['groups', 'list', '--json'])).stdout) as Group[];
type AuditEntry = { action: string; target: { id: string } | null; detail: string | null };
const audit = async () => JSON.parse((await asAda(['audit', '--json'])).stdout) as AuditEntry[];

function expectError(r: CliResult, exitCode: number, code: string) {
  expect(r.code, r.stderr).toBe(exitCode);
  expect(r.stderr).toMatch(new RegExp(`(^|\\n)error ${code}: \\S.*\\n$`));
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  buildBundle();
  mkdirSync(data);
  const world = await twoUsers(data);
  bobId = world.bobId;
  keychainAccounts.push(world.admin.user.id, bobId);
  world.accounts.close();
}, 60_000);

afterAll(async () => {
  removeBundle();
  const accounts = await openAccounts(data);
  accounts.close();
  for (const a of keychainAccounts) await testKeychain().delete(a).catch(() => false);
  removeDir(dir);
});

describe('groups', () => {
  test('create, add, remove, list and delete, each audited by id without the group name', async () => {
    expect((await asAda(['groups', 'create', '--group', 'Night Shift'])).stdout).toBe('Created group Night Shift.\n');
    expect((await asAda(['groups', 'create', '--group', 'staff'])).code).toBe(0);
    expectError(await asAda(['groups', 'create', '--group', 'STAFF']), 1, 'VALIDATION'); // names are case-insensitive
    expectError(await asAda(['groups', 'create', '--group', '<script>']), 1, 'VALIDATION');

    expect((await asAda(['groups', 'add', '--group', 'night shift', '--username', 'BOB'])).stdout).toBe('Added bob to Night Shift.\n');
    expect((await asAda(['groups', 'add', '--group', 'Night Shift', '--username', BOB.username])).stdout).toBe('bob was already in Night Shift.\n');
    expect((await asAda(['groups', 'add', '--group', 'staff', '--username', ADMIN.username])).code).toBe(0);
    expect((await groupList()).map((g) => [g.name, g.members])).toEqual([
      ['Night Shift', [BOB.username]],
      ['staff', [ADMIN.username]],
    ]);
    const table = await asAda(['groups', 'list']);
    expect(table.stdout).toMatch(/^GROUP\s+CREATED\s+MEMBERS\nNight Shift\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+bob\nstaff\s+\S+ \S+\s+ada\n$/);

    expect((await asAda(['groups', 'remove', '--group', 'staff', '--username', ADMIN.username])).stdout).toBe('Removed ada from staff.\n');
    expect((await asAda(['groups', 'remove', '--group', 'staff', '--username', ADMIN.username])).stdout).toBe('ada was not in staff.\n');
    expectError(await asAda(['groups', 'add', '--group', 'nobody', '--username', BOB.username]), 1, 'NOT_FOUND');
    expectError(await asAda(['groups', 'add', '--group', 'staff', '--username', 'nobody']), 1, 'NOT_FOUND');

    const staff = (await groupList()).find((g) => g.name === 'staff')!;
    expect((await asAda(['groups', 'delete', '--group', 'Staff'])).code).toBe(0);
    expect((await groupList()).map((g) => g.name)).toEqual(['Night Shift']);
    expect(await usernames()).toEqual([ADMIN.username, BOB.username]); // deleting a group keeps its accounts

    const events = await audit();
    const groupEvents = events.filter((e) => e.action.startsWith('group_'));
    expect(groupEvents.map((e) => e.action).sort()).toEqual(
      ['group_created', 'group_created', 'group_deleted', 'group_member_added', 'group_member_added', 'group_member_removed'].sort(),
    );
    expect(groupEvents.find((e) => e.action === 'group_deleted')!.detail).toBe(staff.id);
    expect(groupEvents.find((e) => e.action === 'group_member_added' && e.target?.id === bobId)).toBeDefined();
    expect(JSON.stringify(events)).not.toMatch(/night shift|staff/i);
  });

  test('only an admin may, and a subcommand is required', async () => {
    const r = await runCli(['groups', 'list', '--admin', BOB.username], { dataDir: data, stdin: line(BOB.password) });
    expectError(r, 1, 'FORBIDDEN');
    expectError(await asAda(['groups']), 2, 'USAGE');
    expectError(await asAda(['groups', 'rename', '--group', 'x']), 2, 'USAGE');
    expectError(await asAda(['groups', 'create']), 2, 'USAGE'); // no --group
    const help = await runCli(['groups', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cubby groups list\|create\|delete\|add\|remove/);
  });
});

describe('import-users', () => {
  const header = 'username,displayName,role,groups\n';

  test('every bad row is reported with its line, and nothing is created', async () => {
    const before = await usernames();
    const invitesBefore = (await audit()).filter((e) => e.action === 'invite_created').length;
    const file = csv(
      'bad.csv',
      header +
        'carol,Carol Jones,user,Night Shift\n' + // line 2: fine
        'b@d name,Bad,user,\n' + // 3: bad username
        'dave,"Dave\nSmith",user,\n' + // 4-5: a line break inside the display name
        'CAROL,Carol Again,user,\n' + // 6: duplicate of line 2
        'ada,Someone,user,\n' + // 7: exists
        'erin,Erin,\u001b[2J\u001b]0;pwned\u0007,\n' + // 8: bad role, with terminal escape sequences
        'frank,Frank,user,Nobody Group\n' + // 9: unknown group
        'gina,Gina\n' + // 10: too few columns
        '\n' +
        'hank,Hank,admin,\n', // 12: fine
    );
    const r = await asAda(['import-users', '--file', file]);
    expectError(r, 1, 'VALIDATION');
    const rows = r.stderr.split('\n').filter((l) => l.startsWith('error ROW: '));
    expect(rows.map((l) => /line (\d+):/.exec(l)?.[1])).toEqual(['3', '4', '6', '7', '8', '9', '10']);
    expect(r.stderr).toMatch(/line 6: username "CAROL" is also on line 2/);
    expect(r.stderr).toMatch(/line 7: an account named "ada" already exists/);
    expect(r.stderr).toContain('line 8: role must be user or admin, not "\\u001b[2J\\u001b]0;pwned\\u0007"');
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/); // no control character reaches the terminal
    expect(r.stderr).toMatch(/line 9: there is no group named "Nobody Group"/);
    expect(r.stderr).toMatch(/line 10: expected 4 columns, found 2/);
    expect(r.stderr).toMatch(/7 problems in the CSV file\. Nothing was created\.\n$/);
    expect(await usernames()).toEqual(before);
    expect((await audit()).filter((e) => e.action === 'invite_created').length).toBe(invitesBefore);
  });

  test('a broken file, a wrong header or a password column is refused whole', async () => {
    for (const [name, text, message] of [
      ['quote.csv', header + 'carol,"Carol,user,\n', /line \d+: the file is not valid CSV/],
      ['header.csv', 'user,name,role\ncarol,Carol,user\n', /line 1: the first line must be/],
      ['password.csv', 'username,displayName,role,password\ncarol,Carol,user,hunter22hunter\n', /line 1: the first line must be/],
      ['empty.csv', '', /line 1: the file is empty/],
    ] as const) {
      const r = await asAda(['import-users', '--file', csv(name, text)]);
      expectError(r, 1, 'VALIDATION');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/hunter22/);
    }
    expectError(await asAda(['import-users', '--file', join(dir, 'missing.csv')]), 2, 'USAGE');
    expectError(await asAda(['import-users']), 2, 'USAGE');
  });

  test('--dry-run checks and shows the plan, and changes nothing', async () => {
    const before = await usernames();
    const r = await asAda(['import-users', '--dry-run', '--file', csv('plan.csv', header + 'carol,Carol Jones,user,night shift\nhank,Hank,admin,\n')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^USERNAME\s+DISPLAY NAME\s+ROLE\s+GROUPS\ncarol\s+Carol Jones\s+user\s+night shift\nhank\s+Hank\s+admin\s+-\n$/);
    expect(r.stderr).toMatch(/Dry run: the file is valid; 2 invites would be created\. Nothing was changed\./);
    expect(await usernames()).toEqual(before);
  });

  test('creates the invites and memberships and prints each code, which redeems', async () => {
    const r = await asAda(['import-users', '--file', csv('ok.csv', header + 'carol,"Jones, Carol",user,Night Shift\nhank,Hank,admin,\n')]);
    expect(r.code, r.stderr).toBe(0);
    const codes = Object.fromEntries([...r.stdout.matchAll(/^(\w+)\s+(\d{4}-\d{4})\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(codes).sort()).toEqual(['carol', 'hank']);
    expect((await groupList()).find((g) => g.name === 'Night Shift')!.members.sort()).toEqual([BOB.username, 'carol']);
    const users = JSON.parse((await asAda(['users', '--json'])).stdout) as UserSummary[];
    expect(users.find((u) => u.username === 'carol')).toMatchObject({ displayName: 'Jones, Carol', role: 'user', status: 'invited' });
    expect(users.find((u) => u.username === 'hank')).toMatchObject({ role: 'admin', status: 'invited' });

    const accounts = await openAccounts(data);
    try {
      const { session } = await accounts.redeemInvite({ username: 'carol', code: codes.carol!.replace('-', ''), password: 'violet skies over hills' });
      keychainAccounts.push(session.user.id);
      accounts.lock(session);
    } finally {
      accounts.close();
    }
  });

  test('--codes-out writes a new 0600 file and never overwrites one', async () => {
    const out = join(dir, 'codes.csv');
    const r = await asAda(['import-users', '--file', csv('more.csv', header + 'ivan,Ivan,user,\n'), '--codes-out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/\d{4}-\d{4}/); // the code is only in the file
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/^username,code,expiresAt\nivan,\d{4}-\d{4},\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);

    const again = await asAda(['import-users', '--file', csv('jane.csv', header + 'jane,Jane,user,\n'), '--codes-out', out]);
    expectError(again, 1, 'VALIDATION');
    expect(readFileSync(out, 'utf8')).toMatch(/^username,code,expiresAt\nivan,/);
    expect(await usernames()).not.toContain('jane');
    expectError(await asAda(['import-users', '--dry-run', '--codes-out', join(dir, 'x.csv'), '--file', csv('j2.csv', header)]), 2, 'USAGE');
  });
});

describe('arguments and data directories', () => {
  test('Chromium switches a launcher adds, before or after --cli, are ignored', async () => {
    const r = await asAda(['users', '--ozone-platform=headless', '--disable-gpu'], { before: ['--ozone-platform=headless', '--disable-gpu', '--no-sandbox'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^USERNAME/);
    expectError(await asAda(['users', '--frobnicate']), 2, 'USAGE');
  });

  test('a wrong data directory gets a clear error and exit code, and nothing is created there', async () => {
    const file = csv('not-a-dir', 'x');
    expectError(await runCli(['users', '--admin', ADMIN.username, '--data-dir', file], { stdin: line(ADMIN.password) }), 1, 'DATA_DIR_UNUSABLE');
    const missing = join(dir, 'no-such-dir');
    const r = await runCli(['users', '--admin', ADMIN.username, '--data-dir', missing], { stdin: line(ADMIN.password) });
    expectError(r, 1, 'NOT_SET_UP');
    expect(r.stderr).toMatch(/OS account that uses Cubby/);
    expect(existsSync(missing)).toBe(false);
    const deep = join(dir, 'no-parent', 'data');
    const setup = await runCli(['setup', '--username', 'x1', '--display-name', 'X', '--data-dir', deep], { stdin: line(ADMIN.password) });
    expectError(setup, 1, 'DATA_DIR_UNUSABLE');
    expect(existsSync(join(dir, 'no-parent'))).toBe(false);
    // --data-dir wins over CUBBY_DATA_DIR
    const wins = await runCli(['users', '--admin', ADMIN.username, '--data-dir', data], { dataDir: missing, stdin: line(ADMIN.password) });
    expect(wins.code, wins.stderr).toBe(0);
  });

  test('passwords come from stdin lines only; a password option is refused as usage', async () => {
    for (const args of [['--password', ADMIN.password], [`--pw=${ADMIN.password}`]]) {
      const r = await runCli(['import-users', '--admin', ADMIN.username, '--file', 'x.csv', ...args], { dataDir: data });
      expectError(r, 2, 'USAGE');
      expect(r.stderr).toMatch(/never taken from the command line/);
      expect(r.stderr).not.toContain(ADMIN.password);
    }
    const noLine = await runCli(['users', '--admin', ADMIN.username], { dataDir: data, stdin: '' });
    expectError(noLine, 2, 'USAGE');
    expect(noLine.stderr).toMatch(/Expected a line on stdin/);
  });
});
