import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import { GroupService } from '../../main/core/accounts/groups';
import type { AuditEvent } from '../../main/core/catalog/audit';
import { AUDIT_ACTIONS } from '../../main/core/catalog/auditActions';
import { setQuota } from '../../main/core/sharing/usage';
import { editCatalog, openAccounts, removeDir, tempDataDir } from '../helpers/env';

/**
 * Every account action leaves an audit event, and the log holds who and what, never secrets or names.
 * Names and passwords use letters outside hex so they cannot turn up inside a UUID by chance.
 */

const dir = tempDataDir();
let accounts: Accounts;
let events: AuditEvent[] = [];
const performed: string[] = [];
/** Everything typed or shown during the run that must never reach the log. */
const secrets: string[] = [];

const OWNER = { username: 'owner_quill', displayName: 'Quinn Owner-Quill', password: 'vivid jumping pyjama kiwi' };
const USER = { username: 'user_wyvern', displayName: 'Wynona Wyvern', password: 'smoky lantern on the pier' };
const GONE = { username: 'temp_zephyr', displayName: 'Zoltan Temporary', password: 'xylophone rhythm in july' };

beforeAll(async () => {
  accounts = await openAccounts(dir, { policy: { kdfTargetMs: 0, freeFailures: 50 } });
  secrets.push(OWNER.password, USER.password, GONE.password);
  secrets.push(OWNER.displayName, USER.displayName, GONE.displayName, OWNER.username, USER.username, GONE.username);
  const keep = (...keys: string[]) => {
    for (const k of keys) secrets.push(k, k.replace(/-/g, ''), k.toLowerCase());
  };

  const { session: owner, recoveryKey: ownerRecovery } = await accounts.setup(OWNER);
  keep(ownerRecovery);
  performed.push('setup');

  const invite = await accounts.createInvite(owner, { username: USER.username, displayName: USER.displayName, role: 'user' });
  secrets.push(invite.code);
  performed.push('invite created');
  const wrongCode = invite.code === '00000000' ? '11111111' : '00000000';
  await expect(accounts.redeemInvite({ username: USER.username, code: wrongCode, password: USER.password })).rejects.toMatchObject({
    code: 'INVITE_INVALID',
  });
  secrets.push(wrongCode);
  performed.push('failed invite');
  const { session: user, recoveryKey: userRecovery } = await accounts.redeemInvite({
    username: USER.username,
    code: invite.code,
    password: USER.password,
  });
  keep(userRecovery);
  performed.push('invite redeemed');

  accounts.lock(user);
  performed.push('lock');
  const wrongPassword = 'not the right passphrase at all';
  secrets.push(wrongPassword);
  await expect(accounts.login(USER.username, wrongPassword)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  performed.push('failed login');
  const unknownName = 'nobody_known_here';
  secrets.push(unknownName);
  await expect(accounts.login(unknownName, wrongPassword)).rejects.toMatchObject({ code: 'WRONG_CREDENTIALS' });
  const user2 = await accounts.login(USER.username, USER.password);
  performed.push('login');

  const changed = 'quirky new passphrase for wynona';
  secrets.push(changed);
  await accounts.changePassword(user2, USER.password, changed);
  performed.push('password change');
  const renewed = await accounts.renewRecoveryKey(user2, changed);
  keep(renewed);
  performed.push('recovery key renewed');
  accounts.lock(user2);

  const recoveredPassword = 'a third passphrase, after recovery';
  secrets.push(recoveredPassword);
  const recovered = await accounts.recover({ username: USER.username, recoveryKey: renewed, newPassword: recoveredPassword });
  keep(recovered.recoveryKey);
  performed.push('recovery used');

  const userId = invite.userId;
  accounts.setDisabled(owner, userId, true);
  performed.push('disable');
  accounts.setDisabled(owner, userId, false);
  performed.push('enable');
  accounts.setRole(owner, userId, 'admin');
  performed.push('role change');
  accounts.clearLockout(owner, userId);
  performed.push('clear lockout');

  const gone = await accounts.createInvite(owner, { username: GONE.username, displayName: GONE.displayName, role: 'user' });
  secrets.push(gone.code);
  const goneVault = await accounts.redeemInvite({ username: GONE.username, code: gone.code, password: GONE.password });
  keep(goneVault.recoveryKey);
  await accounts.deleteUser(owner, gone.userId);
  performed.push('delete');

  // Groups: the log names the group by id, never by name.
  const groupName = 'Quokka Wombat Team';
  secrets.push(groupName);
  const groups = new GroupService(accounts);
  const group = groups.create(owner, groupName);
  groups.addMember(owner, group.id, userId);
  groups.removeMember(owner, group.id, userId);
  groups.delete(owner, group.id);
  performed.push('group created', 'member added', 'member removed', 'group deleted');

  // Shared agents: the log names the agent by id; its name, instructions and key never appear.
  const agentName = 'Platypus Ward Helper';
  const instructions = 'Echidna instructions text';
  const credential = 'sk-audit-credential-numbat-0000';
  secrets.push(agentName, instructions, credential);
  const sharing = accounts.sharing.service;
  const shared = await sharing.create(owner, { name: agentName, instructions, providerKind: 'openai', model: 'm' }, credential);
  sharing.update(owner, shared.id, { name: agentName, instructions: `${instructions} v2`, providerKind: 'openai', model: 'm' });
  await sharing.setCredential(owner, shared.id, `${credential}-v2`);
  sharing.grant(owner, shared.id, { type: 'user', id: userId }, 'use');
  sharing.revoke(owner, shared.id, { type: 'user', id: userId });
  setQuota(sharing, owner, shared.id, { userId, messagesPerDay: 5, tokensPerMonth: null });
  sharing.transfer(owner, shared.id, userId);
  sharing.delete(owner, shared.id);
  performed.push('shared created', 'shared updated', 'credential set', 'granted', 'revoked', 'quota set', 'transferred', 'shared deleted');

  // A restore left no active administrator: the break-glass promotes someone who signs in.
  await editCatalog(dir, (catalog) => {
    for (const u of catalog.users.list()) catalog.users.setRole(u.id, 'user', Date.now());
  });
  const stranded = await accounts.login(USER.username, recoveredPassword);
  accounts.promoteWhenNoAdmin(stranded);
  performed.push('break glass');

  events = accounts.auditLog(stranded, { limit: 1000 });
});
afterAll(() => {
  accounts?.close();
  removeDir(dir);
});

test('every account action the core offers writes its audit action, and together they are exactly AUDIT_ACTIONS', () => {
  expect(performed).toHaveLength(28);
  expect(events.length).toBeLessThan(1000); // the query above saw the whole log
  const recorded = [...new Set(events.map((e) => e.action))].sort();
  expect(recorded).toEqual([...AUDIT_ACTIONS].sort());
});

test('audit events carry ids and codes only: no password, recovery key, invite code, username or display name', () => {
  expect(secrets.length).toBeGreaterThan(20);
  const leaks: string[] = [];
  for (const e of events) {
    for (const field of [e.actorId, e.targetId, e.detail, e.action]) {
      if (field === null) continue;
      for (const s of secrets) if (String(field).toLowerCase().includes(s.toLowerCase())) leaks.push(`${e.action}: ${s}`);
    }
  }
  expect(leaks).toEqual([]);
  // Ids are what identify people in the log.
  const idLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const e of events) {
    for (const id of [e.actorId, e.targetId]) if (id !== null) expect(id).toMatch(idLike);
  }
});
