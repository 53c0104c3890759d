import { afterAll, expect, test } from 'vitest';
import { GroupService } from '../../main/core/accounts/groups';
import { removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';

const dirs: string[] = [];
const keychainAccounts: string[] = [];
afterAll(async () => {
  for (const a of keychainAccounts) await testKeychain().delete(a).catch(() => false);
  dirs.forEach(removeDir);
});

async function world() {
  const dir = tempDataDir('cubby-groups-');
  dirs.push(dir);
  const w = await twoUsers(dir);
  keychainAccounts.push(w.admin.user.id, w.bobId);
  return { ...w, groups: new GroupService(w.accounts) };
}

test('memberships go with their account and with their group', async () => {
  const { accounts, admin, bobId, groups } = await world();
  try {
    const a = groups.create(admin, 'Front Desk');
    const b = groups.create(admin, 'Lab');
    expect(groups.addMember(admin, a.id, bobId)).toBe(true);
    expect(groups.addMember(admin, b.id, bobId)).toBe(true);
    expect(groups.addMember(admin, b.id, admin.user.id)).toBe(true);
    groups.delete(admin, b.id);
    expect(groups.list(admin).map((g) => [g.name, g.memberCount])).toEqual([['Front Desk', 1]]);
    await accounts.deleteUser(admin, bobId);
    expect(groups.memberIds(admin, a.id)).toEqual([]);
    expect(() => groups.memberIds(admin, b.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  } finally {
    accounts.close();
  }
});

test('only an open administrator session may touch groups; names stay out of the audit log', async () => {
  const { accounts, admin, bob, bobId, groups } = await world();
  try {
    const g = groups.create(admin, 'Night Shift');
    expect(() => groups.create(admin, 'night shift')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    for (const bad of ['', '   ', 'x'.repeat(65), '-lead', 'a/b', 'tab\there']) {
      expect(() => groups.create(admin, bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(() => groups.list(bob)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => groups.addMember(bob, g.id, bobId)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => groups.addMember(admin, g.id, '00000000-0000-4000-8000-000000000000')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    groups.addMember(admin, g.id, bobId);
    groups.removeMember(admin, g.id, bobId);
    expect(groups.removeMember(admin, g.id, bobId)).toBe(false);
    groups.delete(admin, g.id);

    const events = accounts.auditLog(admin, { limit: 1000 }).filter((e) => e.action.startsWith('group_'));
    expect(events.map((e) => [e.action, e.actorId, e.targetId, e.detail]).reverse()).toEqual([
      ['group_created', admin.user.id, null, g.id],
      ['group_member_added', admin.user.id, bobId, g.id],
      ['group_member_removed', admin.user.id, bobId, g.id],
      ['group_deleted', admin.user.id, null, g.id],
    ]);
    expect(JSON.stringify(accounts.auditLog(admin, { limit: 1000 }))).not.toMatch(/night/i);

    accounts.lock(admin);
    expect(() => groups.list(admin)).toThrow(expect.objectContaining({ code: 'LOCKED' }));
  } finally {
    accounts.close();
  }
});

test('group names compare case-insensitively in every script and Unicode form, not only in ASCII', async () => {
  const { accounts, admin, groups } = await world();
  try {
    const equipe = groups.create(admin, 'Équipe soins');
    const decomposed = 'E\u0301quipe soins'.toLowerCase(); // "é" typed as e + combining accent
    for (const same of ['équipe soins', 'ÉQUIPE SOINS', decomposed]) {
      expect(() => groups.create(admin, same), same).toThrow('A group with that name already exists.');
    }
    const greek = groups.create(admin, 'Ομάδα Α');
    expect(() => groups.create(admin, 'ομάδα α')).toThrow('A group with that name already exists.');
    expect(groups.list(admin).map((g) => g.id).sort()).toEqual([equipe.id, greek.id].sort());
  } finally {
    accounts.close();
  }
});

test('membership changes that change access tell open windows (accessChanged), and only those', async () => {
  const { accounts, admin, bobId, groups } = await world();
  try {
    let changes = 0;
    accounts.onAccessChanged(() => changes++);
    const g = groups.create(admin, 'Reception');
    expect(changes).toBe(0);
    expect(groups.addMember(admin, g.id, bobId)).toBe(true);
    expect(changes).toBe(1); // the new member's window learns of the group's shared agents
    expect(groups.addMember(admin, g.id, bobId)).toBe(false);
    expect(changes).toBe(1); // already a member: nothing changed
    expect(groups.removeMember(admin, g.id, bobId)).toBe(true);
    expect(changes).toBe(2);
    groups.delete(admin, g.id);
    expect(changes).toBe(3);
  } finally {
    accounts.close();
  }
});
