import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeProvider, reply, type FakeProvider } from '../helpers/fakeProvider';
import { connectAgent } from '../agents-bridge/world';
import { createSharedAgent, finished, keyOf, ok, startSharingWorld, type SharingWorld } from './world';

/**
 * What a person with some access must still not be able to do with a shared agent: send its key
 * or instructions to a server of their choosing, make themselves its owner, use it for free by
 * stopping answers, keep using a withdrawn key, or have it read their memory without asking.
 */
let w: SharingWorld;
let elsewhere: FakeProvider; // a server the person controls
beforeAll(async () => {
  w = await startSharingWorld();
  elsewhere = await startFakeProvider();
}, 60_000);
afterAll(async () => {
  await elsewhere?.close();
  await w?.close();
});

const waitFor = async (cond: () => boolean, what: string, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('an editor cannot point an agent with a shared key elsewhere; a manager can, and the key is removed', async () => {
  const { id, credential } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'share' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  const moved = { id, name: 'Ward helper', providerKind: 'openai', baseUrl: elsewhere.baseUrl, model: 'fake-small' };
  expect((await w.gus.ws.call('shared.update', moved)).error?.code).toBe('FORBIDDEN');
  expect((await w.gus.ws.call('shared.update', { ...moved, baseUrl: null })).error?.code).toBe('FORBIDDEN');
  expect((await w.gus.ws.call('shared.update', { ...moved, baseUrl: w.fake.baseUrl, providerKind: 'anthropic' })).error?.code).toBe('FORBIDDEN');
  expect(await ok(w.admin.ws, 'shared.definition', { id })).toMatchObject({ baseUrl: w.fake.baseUrl, credential: { set: true } });

  await ok(w.admin.ws, 'shared.update', moved);
  expect((await ok(w.admin.ws, 'shared.definition', { id })).credential).toEqual({ set: false, last4: null });
  // Tess has no connection of her own there: refused, and nothing reached that server.
  expect((await w.tess.ws.call('chat.send', { sharedAgentId: id, text: 'hi' })).error?.code).toBe('AGENT_INCOMPLETE');
  expect(elsewhere.requests.map((r) => r.apiKey)).not.toContain(credential);
});

test("a person running an agent on their own connection must use exactly the agent's provider address", async () => {
  const { id } = await createSharedAgent(w, { credential: null, instructions: 'Hidden-instructions-marker' });
  await ok(w.admin.ws, 'shared.update', { id, name: 'Ward helper', providerKind: 'openai', baseUrl: null, model: 'fake-small' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.olga.id }, level: 'use' });
  // Olga's only OpenAI connection points at a server she runs, not at OpenAI's own address.
  await connectAgent(w.olga.ws, elsewhere, { key: keyOf('olga') });
  const r = await w.olga.ws.call('chat.send', { sharedAgentId: id, text: 'hi' });
  expect(r.error).toMatchObject({ code: 'AGENT_INCOMPLETE', message: expect.stringContaining("provider's own address") });
  expect(JSON.stringify(elsewhere.chatRequests().map((q) => q.body))).not.toContain('Hidden-instructions-marker');
});

test('a manager cannot make themselves the owner; transferring to the owner is refused', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.transfer', { id, newOwnerId: w.olga.id });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'manage' });
  expect((await w.gus.ws.call('shared.transfer', { id, newOwnerId: w.gus.id })).error?.code).toBe('FORBIDDEN');
  expect((await w.gus.ws.call('shared.transfer', { id, newOwnerId: w.olga.id })).error?.code).toBe('VALIDATION');
  expect((await ok(w.olga.ws, 'shared.get', { id })).isOwner).toBe(true);
  // Handing it to someone else is what manage allows.
  await ok(w.gus.ws, 'shared.transfer', { id, newOwnerId: w.tess.id });
  expect((await ok(w.tess.ws, 'shared.get', { id })).isOwner).toBe(true);
});

test('a stopped answer still counts its tokens against the monthly limit', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
  await ok(w.admin.ws, 'shared.setQuota', { id, personId: w.gus.id, messagesPerDay: null, tokensPerMonth: 1_000_000 });
  w.fake.enqueue(reply('token '.repeat(500), { chunkSize: 6, delayMs: 5 }));
  const from = w.gus.ws.events.length;
  const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Write a lot' });
  await waitFor(() => w.gus.ws.events.slice(from).filter((e) => e.event === 'chat.delta').length > 3, 'some deltas');
  await ok(w.gus.ws, 'chat.cancel', { messageId: ids.assistantMessageId });
  expect((await finished(w.gus.ws, ids.assistantMessageId, from)).status).toBe('cancelled');
  await waitFor(() => true, 'settle');
  const [quota] = await ok(w.admin.ws, 'shared.quotas', { id });
  expect(quota.tokensThisMonth).toBeGreaterThan(0);
});

test('replacing or removing the shared key stops answers that run on the old one', async () => {
  for (const value of ['sk-rotated-key-000000000001', null]) {
    const { id } = await createSharedAgent(w);
    await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'use' });
    w.fake.enqueue(reply('slow '.repeat(400), { chunkSize: 5, delayMs: 10 }));
    const from = w.gus.ws.events.length;
    const ids = await ok(w.gus.ws, 'chat.send', { sharedAgentId: id, text: 'Long one' });
    await waitFor(() => w.gus.ws.events.slice(from).some((e) => e.event === 'chat.delta'), 'the first delta');
    await ok(w.admin.ws, 'shared.setCredential', { id, value });
    expect(await finished(w.gus.ws, ids.assistantMessageId, from, 2_000)).toMatchObject({
      status: 'error',
      error: { code: 'ACCESS_REVOKED', message: expect.stringContaining('key was changed or removed') },
    });
  }
});

test("a shared agent reads a person's own memory only when that person allows it, and never more than the agent may", async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.update', { id, name: 'Ward helper', providerKind: 'openai', baseUrl: w.fake.baseUrl, model: 'fake-small', memoryAccess: 'read' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  await ok(w.tess.ws, 'memory.create', { text: 'Tess keeps the quokka-marker biscuits in the ward kitchen' });
  const ask = async () => {
    const ids = await ok(w.tess.ws, 'chat.send', { sharedAgentId: id, text: 'Where are the biscuits in the ward kitchen?' });
    await finished(w.tess.ws, ids.assistantMessageId);
    return JSON.stringify(w.fake.chatRequests().at(-1)!.body);
  };
  expect(await ok(w.tess.ws, 'shared.get', { id })).toMatchObject({ memoryAccess: 'read', myMemoryAccess: 'off' });
  expect(await ask()).not.toContain('quokka-marker');
  expect(await ok(w.tess.ws, 'shared.setMyMemory', { id, access: 'readwrite' })).toMatchObject({ myMemoryAccess: 'readwrite' });
  const body = await ask();
  expect(body).toContain('quokka-marker');
  expect(body).not.toContain('"remember"'); // the agent allows reading only: no remember tool
  // Gus has no access: his choice is refused exactly as for an agent that does not exist.
  expect((await w.gus.ws.call('shared.setMyMemory', { id, access: 'read' })).error?.code).toBe('NOT_FOUND');
});

test('publishing twice at once makes one shared copy', async () => {
  const mine = await connectAgent(w.tess.ws, w.fake, { key: keyOf('tess'), name: 'Tess twin' });
  const before = (await ok(w.tess.ws, 'shared.list', {})).length;
  const results = await Promise.all([1, 2, 3].map(() => w.tess.ws.call('shared.publish', { agentId: mine.agentId, shareKey: true })));
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok).every((r) => r.error.code === 'VALIDATION')).toBe(true);
  expect((await ok(w.tess.ws, 'shared.list', {})).length).toBe(before + 1);
});
