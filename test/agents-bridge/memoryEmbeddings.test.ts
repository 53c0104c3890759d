import { afterAll, beforeAll, expect, test } from 'vitest';
import { reply } from '../helpers/fakeProvider';
import { connectAgent, keyOf, ok, startBridgeWorld, startChat, type BridgeWorld } from './world';

/**
 * "Use for memory search" over the real WebSocket bridge: choosing an embedding model (with its
 * test embed), the background indexing of facts the person saves, and a chat that finds a fact
 * by meaning; each person's choice and calls stay their own.
 */
let w: BridgeWorld;
let ada: Awaited<ReturnType<typeof connectAgent>>;

beforeAll(async () => {
  w = await startBridgeWorld();
  ada = await connectAgent(w.admin, w.fake, { key: keyOf('ada') });
});
afterAll(async () => {
  await w?.close();
});

async function indexedAll(ws: BridgeWorld['admin']): Promise<{ indexed: number; total: number }> {
  for (let i = 0; i < 500; i++) {
    const s = await ok(ws, 'memory.embeddingStatus', {});
    if (s.total > 0 && s.indexed === s.total) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('facts were not indexed');
}

test('a model that fails its test embed, or an Anthropic connection, is refused with a code and not saved', async () => {
  const unknown = await w.admin.call('memory.setEmbeddings', { connectionId: ada.connectionId, model: 'no-such-embedder' });
  expect(unknown).toMatchObject({ ok: false, error: { code: 'PROVIDER_MODEL_UNKNOWN' } });
  const anthropic = await connectAgent(w.admin, w.fake, { kind: 'anthropic', key: keyOf('ada') });
  const refused = await w.admin.call('memory.setEmbeddings', { connectionId: anthropic.connectionId, model: 'fake-embed' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED', message: expect.stringContaining('Anthropic') } });
  const empty = await w.admin.call('memory.setEmbeddings', { connectionId: ada.connectionId, model: '  ' });
  expect(empty).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  expect(await ok(w.admin, 'memory.embeddingStatus', {})).toMatchObject({ config: null, indexed: 0 });
});

test('facts saved by the person are indexed in the background and a chat finds one by meaning', async () => {
  const status = await ok(w.admin, 'memory.setEmbeddings', { connectionId: ada.connectionId, model: 'fake-embed' });
  expect(status.config).toEqual({ connectionId: ada.connectionId, model: 'fake-embed' });
  const fact = await ok(w.admin, 'memory.create', { text: 'My car is parked in the garden behind the school.' });
  for (let i = 0; i < 20; i++) await ok(w.admin, 'memory.create', { text: `Filler fact ${i}: the quiet river runs through the forest.` });
  expect(await indexedAll(w.admin)).toMatchObject({ indexed: 21, total: 21 });

  const agent = await ok(w.admin, 'agents.create', { name: 'Rememberer', connectionId: ada.connectionId, model: 'fake-small', memoryAccess: 'read' });
  w.fake.enqueue(reply('In the yard by the academy.'));
  const before = w.fake.chatRequests().length;
  const run = await startChat(w.admin, 'chat.send', { agentId: agent.id, text: 'Where did I leave my automobile?' });
  expect((await run.finished()).status).toBe('complete');
  const system = JSON.stringify(w.fake.chatRequests()[before]!.body.messages[0]);
  expect(system).toContain(fact.text);
  // Every embedding call carried Ada's key.
  expect(new Set(w.fake.embeddingRequests().map((r) => r.apiKey))).toEqual(new Set([ada.key]));

  // An edit drops the vector; the background indexing makes a new one.
  await ok(w.admin, 'memory.update', { id: fact.id, text: 'My car is in the repair shop now.' });
  expect(await indexedAll(w.admin)).toMatchObject({ indexed: 21, total: 21 });
});

test("Bob sees none of Ada's choice, and clearing it goes back to full-text search", async () => {
  expect(await ok(w.bob, 'memory.embeddingStatus', {})).toEqual({ config: null, indexed: 0, total: 0, lastError: null });
  // Ada's connection id means nothing in Bob's vault.
  expect(await w.bob.call('memory.setEmbeddings', { connectionId: ada.connectionId, model: 'fake-embed' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await ok(w.admin, 'memory.clearEmbeddings', {})).toMatchObject({ config: null, indexed: 0, total: 21 });
});
