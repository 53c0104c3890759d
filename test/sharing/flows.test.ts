import { afterAll, beforeAll, expect, test } from 'vitest';
import { filesContaining } from '../helpers/env';
import { reply } from '../helpers/fakeProvider';
import { createSharedAgent, finished, INSTRUCTIONS_MARKER, keyOf, ok, startSharingWorld, type SharingWorld } from './world';
import { connectAgent } from '../agents-bridge/world';

/**
 * Shared agents end to end over the bridge: what a use-level person receives, revocation while
 * an answer streams, publishing by a non-administrator, quotas under a burst, whose key each call
 * carries, the access log and account activity, and what reaches the disk.
 */
let w: SharingWorld;
beforeAll(async () => {
  w = await startSharingWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const waitFor = async (cond: () => boolean, what: string, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test("a use-level person's whole bridge traffic while chatting holds neither the instructions nor the credential", async () => {
  const { id, credential } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'use' });
  const from = w.gus.ws.frames.length;
  const list = await ok(w.gus.ws, 'shared.list', {});
  expect(list.find((a: any) => a.id === id)).toMatchObject({ level: 'use', needsOwnConnection: null });
  expect((await w.gus.ws.call('shared.definition', { id })).error?.code).toBe('FORBIDDEN');
  w.fake.enqueue(reply('Gloves are in the second drawer.', { chunkSize: 4, delayMs: 1 }));
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Where are the gloves?' });
  expect((await finished(w.gus.ws, ids.assistantMessageId)).status).toBe('complete');
  await ok(w.gus.ws, 'messages.list', { conversationId: ids.conversationId });
  await ok(w.gus.ws, 'conversations.list', {});
  await ok(w.gus.ws, 'shared.get', { id });
  const traffic = w.gus.ws.frames.slice(from).map((f) => f.text).join('\n');
  expect(traffic).toContain('Gloves are in the second drawer.');
  expect(traffic).not.toContain(INSTRUCTIONS_MARKER);
  expect(traffic).not.toContain('pirate');
  expect(traffic).not.toContain(credential!);
  expect(traffic).not.toContain(credential!.slice(-4));
  expect(traffic).not.toMatch(/"temperature"|"instructions"|"baseUrl"/);
  // The provider got the instructions and the shared key; main kept them.
  const sent = w.fake.chatRequests().at(-1)!;
  expect(sent.apiKey).toBe(credential);
  expect(JSON.stringify(sent.body)).toContain(INSTRUCTIONS_MARKER);
});

test("revocation while the grantee's answer streams stops it at once; the conversation stays, read-only", async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  w.fake.enqueue(reply('word '.repeat(400), { chunkSize: 5, delayMs: 10 }));
  const from = w.gus.ws.events.length;
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Tell me a long story' });
  await waitFor(() => w.gus.ws.events.slice(from).some((e) => e.event === 'chat.delta'), 'the first delta');
  await ok(w.admin.ws, 'shared.revoke', { id, subject: { type: 'user', id: w.gus.id } });
  const end = await finished(w.gus.ws, ids.assistantMessageId, from, 2_000);
  expect(end).toMatchObject({ status: 'error', error: { code: 'ACCESS_REVOKED' } });
  expect(w.gus.ws.events.slice(from).some((e) => e.event === 'shared.changed')).toBe(true);
  const page = await ok(w.gus.ws, 'messages.list', { conversationId: ids.conversationId });
  const answer = page.messages.at(-1);
  expect(answer).toMatchObject({ status: 'error', errorCode: 'ACCESS_REVOKED' });
  expect(answer.content.length).toBeGreaterThan(0);
  expect(answer.content.length).toBeLessThan('word '.repeat(400).length);
  // The next call fails as for an agent that does not exist; the history is still his.
  expect((await w.gus.ws.call('chat.send', { conversationId: ids.conversationId, text: 'And then?' })).error?.code).toBe('NOT_FOUND');
  expect((await w.gus.ws.call('chat.retry', { conversationId: ids.conversationId })).error?.code).toBe('NOT_FOUND');
  expect(await ok(w.gus.ws, 'conversations.get', { id: ids.conversationId })).toMatchObject({ sharedAgentId: id });
  expect((await ok(w.gus.ws, 'shared.list', {})).map((a: any) => a.id)).not.toContain(id);
});

test('removing a group membership stops a streaming answer that ran on the group grant; deleting the agent keeps conversations', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'use' });
  w.fake.enqueue(reply('slow '.repeat(400), { chunkSize: 5, delayMs: 10 }));
  const from = w.gus.ws.events.length;
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Another long story' });
  await waitFor(() => w.gus.ws.events.slice(from).some((e) => e.event === 'chat.delta'), 'the first delta');
  await ok(w.admin.ws, 'admin.groups.removeMember', { id: w.groupId, userId: w.gus.id });
  try {
    expect(await finished(w.gus.ws, ids.assistantMessageId, from, 2_000)).toMatchObject({ error: { code: 'ACCESS_REVOKED' } });
  } finally {
    await ok(w.admin.ws, 'admin.groups.addMember', { id: w.groupId, userId: w.gus.id });
  }
  await ok(w.admin.ws, 'shared.delete', { id });
  expect((await ok(w.gus.ws, 'messages.list', { conversationId: ids.conversationId })).messages).toHaveLength(2);
  expect((await w.gus.ws.call('chat.send', { conversationId: ids.conversationId, text: 'Still there?' })).error?.code).toBe('NOT_FOUND');
  // The administrator who deleted it cannot open Gus's conversation: it is in his vault only.
  expect((await w.admin.ws.call('conversations.get', { id: ids.conversationId })).error?.code).toBe('NOT_FOUND');
  expect((await w.admin.ws.call('messages.list', { conversationId: ids.conversationId })).error?.code).toBe('NOT_FOUND');
});

test('a non-administrator publishes her agent and shares it; each call carries exactly the key it should', async () => {
  const olgaKey = keyOf('olga');
  const gusKey = keyOf('gus');
  const olgaAgent = await connectAgent(w.olga.ws, w.fake, { key: olgaKey, name: 'Olga bot' });
  const gusOwn = await connectAgent(w.gus.ws, w.fake, { key: gusKey, name: 'Gus bot' });
  const withKey = await ok(w.olga.ws, 'shared.publish', { agentId: olgaAgent.agentId, shareKey: true });
  const withoutKey = await ok(w.tess.ws, 'shared.list', {}).then(async () => {
    const tessAgent = await connectAgent(w.tess.ws, w.fake, { key: keyOf('tess'), name: 'Tess bot' });
    return ok(w.tess.ws, 'shared.publish', { agentId: tessAgent.agentId, shareKey: false });
  });
  expect(withKey).toMatchObject({ isOwner: true, level: 'manage', credential: { set: true, last4: olgaKey.slice(-4) } });
  expect(withoutKey).toMatchObject({ credential: { set: false, last4: null }, needsOwnConnection: 'openai' });
  // She can share up to her own level (owner: manage); Gus, a plain user, cannot share what he only uses.
  await ok(w.olga.ws, 'shared.grant', { id: withKey.id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  await ok(w.tess.ws, 'shared.grant', { id: withoutKey.id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  expect((await w.gus.ws.call('shared.grant', { id: withKey.id, subject: { type: 'user', id: w.tess.id }, level: 'view' })).error?.code).toBe('FORBIDDEN');

  const keyOfCall = async (input: unknown) => {
    const ids = await ok(w.gus.ws, 'chat.send', input);
    expect((await finished(w.gus.ws, ids.assistantMessageId)).status).toBe('complete');
    return w.fake.chatRequests().at(-1)!.apiKey;
  };
  expect(await keyOfCall({ sharedAgentId: withKey.id, text: 'hi' })).toBe(olgaKey); // the shared credential, for its agent
  expect(await keyOfCall({ sharedAgentId: withoutKey.id, text: 'hi' })).toBe(gusKey); // no shared key: his own
  expect(await keyOfCall({ agentId: gusOwn.agentId, text: 'hi' })).toBe(gusKey);
  const olgaIds = await ok(w.olga.ws, 'chat.send', { agentId: olgaAgent.agentId, text: 'hi' });
  await finished(w.olga.ws, olgaIds.assistantMessageId);
  expect(w.fake.chatRequests().at(-1)!.apiKey).toBe(olgaKey);

  // She updates the shared copy from hers; Gus's next message uses the new definition.
  await ok(w.olga.ws, 'agents.update', { id: olgaAgent.agentId, name: 'Olga bot', instructions: 'Reply in French.', connectionId: olgaAgent.connectionId, model: 'fake-large' });
  expect(await ok(w.olga.ws, 'shared.updateFromMine', { agentId: olgaAgent.agentId })).toMatchObject({ instructions: 'Reply in French.', model: 'fake-large' });
  await keyOfCall({ sharedAgentId: withKey.id, text: 'hi again' });
  const last = w.fake.chatRequests().at(-1)!;
  expect(last.body.model).toBe('fake-large');
  expect(JSON.stringify(last.body)).toContain('Reply in French.');
  expect((await w.olga.ws.call('shared.publish', { agentId: olgaAgent.agentId, shareKey: false })).error?.code).toBe('VALIDATION');
});

test('a shared agent without a key and a person without a matching connection: a clear AGENT_INCOMPLETE', async () => {
  const { id } = await createSharedAgent(w, { credential: null, kind: 'anthropic' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  const r = await w.tess.ws.call('chat.send', { sharedAgentId: id, text: 'hi' });
  expect(r.error).toMatchObject({ code: 'AGENT_INCOMPLETE', message: expect.stringContaining('Anthropic') });
});

test('quotas: a burst of calls cannot pass the message limit; the refusal says when it resets; tokens count too', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  await ok(w.admin.ws, 'shared.setQuota', { id, personId: w.gus.id, messagesPerDay: 3, tokensPerMonth: null });
  w.fake.handler = () => reply('Short answer.');
  const burst = await Promise.all(Array.from({ length: 12 }, () => w.gus.ws.call('chat.send', { sharedAgentId: id, text: 'Quick question' })));
  const passed = burst.filter((r) => r.ok);
  const refused = burst.filter((r) => !r.ok);
  expect(passed).toHaveLength(3);
  expect(refused).toHaveLength(9);
  const midnight = new Date();
  midnight.setHours(24, 0, 0, 0);
  for (const r of refused) {
    expect(r.error.code).toBe('QUOTA_EXCEEDED');
    expect(r.error.message).toMatch(/today's 3 messages/);
    expect(Math.abs(Date.now() + r.error.retryAfterMs - midnight.getTime())).toBeLessThan(5_000);
  }
  for (const r of passed) await finished(w.gus.ws, r.value.assistantMessageId);
  const quotas = await ok(w.admin.ws, 'shared.quotas', { id });
  expect(quotas).toEqual([expect.objectContaining({ userId: w.gus.id, messagesPerDay: 3, usedToday: 3 })]);

  // Tokens per month: a fake answer counts 12 tokens in and some out, so one answer reaches a limit of 10.
  const other = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id: other.id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  await ok(w.admin.ws, 'shared.setQuota', { id: other.id, personId: '*', messagesPerDay: null, tokensPerMonth: 10 });
  const first = await ok(w.gus.ws, 'chat.send', { sharedAgentId: other.id, text: 'one' });
  await finished(w.gus.ws, first.assistantMessageId);
  const second = await w.gus.ws.call('chat.send', { sharedAgentId: other.id, text: 'two' });
  expect(second.error).toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringContaining('10 tokens') });
  // Others are counted on their own: Tess (everyone's limit) still has hers.
  await ok(w.admin.ws, 'shared.grant', { id: other.id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  const tess = await ok(w.tess.ws, 'chat.send', { sharedAgentId: other.id, text: 'one' });
  await finished(w.tess.ws, tess.assistantMessageId);
  w.fake.handler = () => reply('Hello from the fake provider.');
});

test('the access log shows who used an agent and when, nothing more; each person sees their own account activity', async () => {
  const { id } = await createSharedAgent(w, { name: 'Logged helper' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'use' });
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Secret-title-marker question' });
  await finished(w.gus.ws, ids.assistantMessageId);
  const log = await ok(w.admin.ws, 'shared.accessLog', { id });
  expect(log).toEqual([{ id: expect.any(Number), at: expect.any(Number), user: { id: w.gus.id, displayName: 'Gus Person' } }]);
  expect(JSON.stringify(log)).not.toContain('Secret-title-marker');
  // Olga (no access to this agent) cannot read its log, exactly as if it did not exist.
  expect((await w.olga.ws.call('shared.accessLog', { id })).error?.code).toBe('NOT_FOUND');

  const activity = await ok(w.gus.ws, 'activity.mine', {});
  const grant = activity.find((a: any) => a.action === 'agent_granted' && a.agentName === 'Logged helper');
  expect(grant).toMatchObject({ by: 'administrator', viaGroup: 'Nurses', level: 'use' });
  expect(activity.some((a: any) => a.action === 'group_member_added' && a.viaGroup === 'Nurses')).toBe(true);
  const tessActivity = await ok(w.tess.ws, 'activity.mine', {});
  expect(tessActivity.some((a: any) => a.agentName === 'Logged helper')).toBe(false);
  expect(JSON.stringify(activity)).not.toMatch(/Ada|ada/);
});

test('plaintext scan: no shared credential or instructions in any file; the catalog holds no conversation content', async () => {
  const marker = `Conversation-marker-${Date.now()}`;
  const { id, credential } = await createSharedAgent(w, { instructions: `${INSTRUCTIONS_MARKER} zebra-instructions` });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  w.fake.enqueue(reply(`Answer with ${marker}-reply`));
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: `Question ${marker}` });
  await finished(w.gus.ws, ids.assistantMessageId);
  for (const needle of [credential!, 'zebra-instructions', marker, INSTRUCTIONS_MARKER]) {
    expect(filesContaining(w.t.dataDir, needle), needle).toEqual([]);
  }
  // Read the catalog decrypted, through main's own connection, and look at every value in it.
  const adminSession = w.t.cubby.accounts.openSessions().find((x) => x.user.username === w.admin.username)!;
  const { catalog } = w.t.cubby.accounts.memberCatalog(adminSession);
  const tables = catalog.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  let values = 0;
  for (const table of tables) {
    for (const row of catalog.db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
      for (const v of Object.values(row)) {
        values++;
        const text = Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
        for (const needle of [marker, 'Question', 'Secret-title-marker', credential!]) expect(text, `${table}`).not.toContain(needle);
      }
    }
  }
  expect(values).toBeGreaterThan(100);
  // The instructions are in the catalog (encrypted on disk with it); the credential only sealed.
  expect(catalog.sharedAgents.byId(id)!.instructions).toContain('zebra-instructions');
});

test('a call refused before anything reaches the provider does not count against the quota', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  await ok(w.admin.ws, 'shared.setQuota', { id, personId: w.tess.id, messagesPerDay: 1, tokensPerMonth: null });
  const requests = w.fake.chatRequests().length;
  const tooLong = await w.tess.ws.call('chat.send', { sharedAgentId: id, text: 'x'.repeat(200_001) });
  expect(tooLong.error?.code).toBe('VALIDATION');
  expect(w.fake.chatRequests().length).toBe(requests);
  const sent = await ok(w.tess.ws, 'chat.send', { sharedAgentId: id, text: 'A real question' });
  expect((await finished(w.tess.ws, sent.assistantMessageId)).status).toBe('complete');
  expect((await w.tess.ws.call('chat.send', { sharedAgentId: id, text: 'One more' })).error?.code).toBe('QUOTA_EXCEEDED');
});

test('an administrator who is demoted loses the manage they had only as an administrator, mid-answer too', async () => {
  const adam = await w.invitePerson('adam', 'admin');
  const { id } = await createSharedAgent(w);
  expect((await ok(adam.ws, 'shared.get', { id })).level).toBe('manage');
  w.fake.enqueue(reply('long '.repeat(400), { chunkSize: 5, delayMs: 10 }));
  const from = adam.ws.events.length;
  const ids = await ok(adam.ws, 'chat.send', { sharedAgentId: id, text: 'Go on at length' });
  await waitFor(() => adam.ws.events.slice(from).some((e) => e.event === 'chat.delta'), 'the first delta');
  await ok(w.admin.ws, 'admin.users.setRole', { userId: adam.id, role: 'user' });
  expect(await finished(adam.ws, ids.assistantMessageId, from, 2_000)).toMatchObject({ error: { code: 'ACCESS_REVOKED' } });
  expect((await adam.ws.call('shared.get', { id })).error?.code).toBe('NOT_FOUND');
});
