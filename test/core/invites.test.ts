import { afterEach, expect, test } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import { ADMIN, openAccounts, removeDir, tempDataDir } from '../helpers/env';

let dir: string;
let accounts: Accounts | undefined;
afterEach(() => {
  accounts?.close();
  removeDir(dir);
});

async function world() {
  dir = tempDataDir();
  let t = Date.UTC(2026, 0, 1);
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  accounts = await openAccounts(dir, { now: clock.now, policy: { kdfTargetMs: 0, inviteMaxAttempts: 3 } });
  const { session: admin } = await accounts.setup(ADMIN);
  return { accounts, admin, clock };
}

const PASSWORD = 'a long enough passphrase';
const wrongCode = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, '0');

test('an invite yields a single-use 8-digit code that creates the vault with the user\'s own password', async () => {
  const { accounts, admin } = await world();
  const invite = await accounts.createInvite(admin, { username: 'carol', displayName: 'Carol', role: 'user' });
  expect(invite.code).toMatch(/^\d{8}$/);
  expect(invite.expiresAt - Date.UTC(2026, 0, 1)).toBe(72 * 3600_000);
  expect(accounts.listUsers(admin).find((u) => u.username === 'carol')).toMatchObject({ status: 'invited', invite: { expired: false } });
  expect(accounts.loginUsers().map((u) => u.username)).toEqual(['ada']); // not on the login screen until redeemed

  const { session, recoveryKey } = await accounts.redeemInvite({ username: 'Carol', code: invite.code, password: PASSWORD });
  expect(session.user.username).toBe('carol');
  expect(recoveryKey).toHaveLength(44);
  expect(accounts.listUsers(admin).find((u) => u.username === 'carol')).toMatchObject({ status: 'active', role: 'user', invite: null });

  // Used: the same code again fails like any wrong code.
  await expect(accounts.redeemInvite({ username: 'carol', code: invite.code, password: PASSWORD })).rejects.toMatchObject({
    code: 'INVITE_INVALID',
  });
  // The code is stored only as a hash: it appears nowhere in the catalog.
  const { filesContaining } = await import('../helpers/env');
  expect(filesContaining(dir, invite.code)).toEqual([]);
});

test('wrong, expired, exhausted and unknown invites all give the same answer', async () => {
  const { accounts, admin, clock } = await world();
  const messages = new Set<string>();
  const expectInvalid = async (p: Promise<unknown>) => {
    const e = (await p.catch((x) => x)) as { code: string; message: string };
    expect(e.code).toBe('INVITE_INVALID');
    messages.add(e.message);
  };

  // Wrong code, then the right one still works (attempts below the limit).
  const a = await accounts.createInvite(admin, { username: 'dave', displayName: 'Dave', role: 'user' });
  await expectInvalid(accounts.redeemInvite({ username: 'dave', code: wrongCode(a.code), password: PASSWORD }));
  await accounts.redeemInvite({ username: 'dave', code: a.code, password: PASSWORD });

  // Limited attempts: after 3 wrong codes even the right code is refused.
  const b = await accounts.createInvite(admin, { username: 'erin', displayName: 'Erin', role: 'user' });
  for (let i = 0; i < 3; i++) await expectInvalid(accounts.redeemInvite({ username: 'erin', code: wrongCode(b.code), password: PASSWORD }));
  await expectInvalid(accounts.redeemInvite({ username: 'erin', code: b.code, password: PASSWORD }));

  // Expired.
  const c = await accounts.createInvite(admin, { username: 'fay', displayName: 'Fay', role: 'user' });
  clock.advance(72 * 3600_000 + 1);
  await expectInvalid(accounts.redeemInvite({ username: 'fay', code: c.code, password: PASSWORD }));
  expect(accounts.listUsers(admin).find((u) => u.username === 'fay')!.invite).toMatchObject({ expired: true });

  // A re-invite supersedes the old code.
  const c2 = await accounts.createInvite(admin, { username: 'fay', displayName: 'Fay', role: 'user' });
  await expectInvalid(accounts.redeemInvite({ username: 'fay', code: c.code, password: PASSWORD }));
  await accounts.redeemInvite({ username: 'fay', code: c2.code, password: PASSWORD });

  // Unknown user, and a user who is already active.
  await expectInvalid(accounts.redeemInvite({ username: 'nobody', code: '12345678', password: PASSWORD }));
  await expectInvalid(accounts.redeemInvite({ username: 'ada', code: '12345678', password: PASSWORD }));

  expect(messages.size).toBe(1);
  expect(accounts.auditLog(admin, { action: 'invite_failed' }).length).toBeGreaterThanOrEqual(5);
});

test('an invite cannot take an existing username, and a weak password keeps the invite usable', async () => {
  const { accounts, admin } = await world();
  await expect(accounts.createInvite(admin, { username: 'ADA', displayName: 'Other Ada', role: 'user' })).rejects.toMatchObject({
    code: 'USERNAME_TAKEN',
  });
  const inv = await accounts.createInvite(admin, { username: 'gus', displayName: 'Gus', role: 'admin' });
  // A weak password answers the same with the right code as with a wrong one: no code is confirmed.
  const wrongCode = inv.code === '00000000' ? '11111111' : '00000000';
  const answer = (code: string) => accounts.redeemInvite({ username: 'gus', code, password: 'qwertyuiop' }).catch((e) => ({ code: e.code, message: e.message }));
  const [right, wrong] = [await answer(inv.code), await answer(wrongCode)];
  expect(right).toEqual(wrong);
  expect(right).toMatchObject({ code: 'PASSWORD_POLICY' });
  const { session } = await accounts.redeemInvite({ username: 'gus', code: inv.code, password: PASSWORD });
  expect(accounts.isAdmin(session)).toBe(true);
});
