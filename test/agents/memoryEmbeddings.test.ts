/** Memory search by embeddings (issue 9): real SQLCipher vaults, the fake provider's /v1/embeddings. */
import { cosineSimilarity } from 'ai';
import { expect, test } from 'vitest';
import { vaultOf, type Session } from '../../main/core/accounts/session';
import { backfillMemoryVectors, configureMemoryEmbeddings, embeddingStatus, relevantFactsFor } from '../../main/core/agents/memoryEmbeddings';
import { runAgent } from '../../main/core/agents/runner';
import { createMemory, deleteMemory, estimateTokens, relevantFacts, updateMemory } from '../../main/core/vault/memory';
import { clearEmbeddingConfig, currentModelKey, rankByVector } from '../../main/core/vault/memoryVectors';
import { deleteConnection } from '../../main/core/vault/providerConnections';
import { fakeEmbedding, SYNONYM_GROUPS } from '../helpers/fakeEmbedding';
import type { FakeProvider } from '../helpers/fakeProvider';
import { connectAgent, NO_RETRY, withFakeProviderWorld, type TwoUsers } from './world';

let fake: FakeProvider;
let world: TwoUsers;
withFakeProviderWorld('cubby-agents-embed-', (f, w) => {
  fake = f;
  world = w;
});

const SUBJECTS = SYNONYM_GROUPS.slice(0, 10);
const QUALITIES = SYNONYM_GROUPS.slice(10, 20);
const PLACES = SYNONYM_GROUPS.slice(20, 30);

/** Fact i: one of 1,000 (subject, quality, place) triples, in the facts' words; its question uses only the synonyms. */
function triple(i: number) {
  const [s, q, p] = [SUBJECTS[i % 10]!, QUALITIES[Math.floor(i / 10) % 10]!, PLACES[Math.floor(i / 100) % 10]!];
  return {
    fact: `Remember: the ${q[0]} ${s[0]} near the ${p[0]} is number ${i}.`,
    question: `Which ${q[1]} ${s[1]} close to the ${p[1]}?`,
  };
}

/** No retries, and background indexing may try again at once after a failure. */
const RT = { ...NO_RETRY, backfillRetryMs: 0 };

const rows = (s: Session, sql: string, ...args: unknown[]) => vaultOf(s).prepare(sql).pluck().get(...args) as number;

test('1,000 facts: the synonym-only question finds its fact by meaning, where full-text search finds none', async () => {
  const s = world.bob;
  const { key, connectionId } = connectAgent(s, fake);
  const all = Array.from({ length: 1000 }, (_, i) => triple(i));
  const ids = vaultOf(s).transaction(() => all.map((t) => createMemory(s, t.fact).id))();
  // Full-text search alone: no question word occurs in any fact.
  const sample = Array.from({ length: 100 }, (_, k) => (k * 37) % 1000);
  const ftsHits = sample.filter((i) => relevantFacts(s, all[i]!.question, 200).some((f) => f.id === ids[i]));
  expect(ftsHits).toEqual([]);

  const status = await configureMemoryEmbeddings(s, { connectionId, model: 'fake-embed' }, NO_RETRY);
  expect(status.config).toEqual({ connectionId, model: 'fake-embed' });
  const done = await backfillMemoryVectors(s, RT);
  expect(done.error).toBeUndefined();
  expect(embeddingStatus(s)).toMatchObject({ indexed: 1000, total: 1000, lastError: null });
  // Batches, not one call per fact; every call with Bob's key.
  const calls = fake.embeddingRequests();
  expect(calls.length).toBeGreaterThan(1);
  expect(calls.length).toBeLessThan(30);
  expect(new Set(calls.map((r) => r.apiKey))).toEqual(new Set([key]));

  let top1 = 0;
  for (const i of sample) {
    const got = await relevantFactsFor(s, all[i]!.question, 200, NO_RETRY);
    expect(got.reduce((n, g) => n + estimateTokens(g.text) + 2, 0)).toBeLessThanOrEqual(200);
    if (got[0]?.id === ids[i]) top1++;
  }
  expect(top1).toBe(100);

  // The in-memory ranking agrees with the AI SDK's cosine similarity over the same vectors.
  const query = fakeEmbedding(all[7]!.question);
  const modelKey = currentModelKey(s)!;
  const ranked = rankByVector(s, modelKey, query, 5);
  const seqOf = (id: string) => rows(s, 'SELECT seq FROM memory_facts WHERE id = ?', id);
  const bySdk = all
    .map((t, i) => ({ seq: seqOf(ids[i]!), score: cosineSimilarity(query, fakeEmbedding(t.fact)) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  expect(ranked[0]).toBe(bySdk[0]!.seq);
  expect(ranked.length).toBe(5);

  // A fact without a vector yet (the backfill has not run) still comes in by its words.
  const fresh = createMemory(s, 'My locker code at the gymnasium is 4471.');
  expect(embeddingStatus(s)).toMatchObject({ indexed: 1000, total: 1001 });
  expect((await relevantFactsFor(s, 'What is my gymnasium locker code?', 200, NO_RETRY)).map((f) => f.id)).toContain(fresh.id);
  await backfillMemoryVectors(s, RT);
  expect(embeddingStatus(s).indexed).toBe(1001);
});

test('when the embedding server fails, saving a fact still works and the chat falls back to full-text search', async () => {
  const s = world.admin;
  const a = connectAgent(s, fake, { memoryAccess: 'readwrite' });
  const kept = createMemory(s, 'Ada keeps her passport in the blue drawer.');
  await configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'fake-embed' }, NO_RETRY);
  await backfillMemoryVectors(s, RT);
  expect(embeddingStatus(s).indexed).toBe(1);

  // Backfill of a new fact fails: the fact is saved, the failure is reported as a code only.
  fake.enqueueEmbedding({ kind: 'status', status: 500, body: { error: { message: `boom ${a.key}` } } });
  const unindexed = createMemory(s, 'Ada parks the bicycle in the courtyard shed.');
  const result = await backfillMemoryVectors(s, RT);
  expect(result.error?.code).toBe('PROVIDER_ERROR');
  const status = embeddingStatus(s);
  expect(status).toMatchObject({ indexed: 1, total: 2, lastError: { code: 'PROVIDER_ERROR' } });
  expect(JSON.stringify(status)).not.toContain(a.key);
  // Saves and chats do not ask a failing server again at once (the app's default pause).
  const asked = fake.embeddingRequests().length;
  expect((await backfillMemoryVectors(s, NO_RETRY)).error?.code).toBe('PROVIDER_ERROR');
  expect(fake.embeddingRequests().length).toBe(asked);

  // The question's embedding fails too (reset): the answer still comes, with facts found by words.
  fake.enqueueEmbedding({ kind: 'reset' });
  fake.enqueue({ kind: 'reply', chunks: ['Noted.'] });
  const before = fake.chatRequests().length;
  const run = await runAgent(s, a.def(), { text: 'Where is my passport and where do I park the bicycle?' }, RT);
  expect(run.status).toBe('complete');
  const system = JSON.stringify(fake.chatRequests()[before]!.body.messages[0]);
  expect(system).toContain(kept.text);
  expect(system).toContain(unindexed.text);

  // The remember tool's fact is saved even while the server keeps failing.
  fake.enqueueEmbedding({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
  fake.enqueue({ kind: 'remember', fact: 'Ada likes green tea.' });
  const remembered = await runAgent(s, a.def(), { text: 'I like green tea.' }, RT);
  expect(remembered.remembered).toEqual(['Ada likes green tea.']);
  expect(rows(s, "SELECT count(*) FROM memory_facts WHERE text = 'Ada likes green tea.'")).toBe(1);
  // The background run started by the tool may still be failing: the next one finishes.
  for (let i = 0; i < 5 && (await backfillMemoryVectors(s, RT)).error; i++);
  expect(embeddingStatus(s)).toMatchObject({ indexed: 3, total: 3, lastError: null });
  clearEmbeddingConfig(s);
});

test('changing the model, editing a fact, or removing the choice or its connection invalidates vectors', async () => {
  const s = world.admin;
  const a = connectAgent(s, fake);
  const fact = createMemory(s, 'The spare house key is under the third flowerpot.');
  await configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'fake-embed' }, NO_RETRY);
  await backfillMemoryVectors(s, RT);
  const total = embeddingStatus(s).total;
  expect(embeddingStatus(s).indexed).toBe(total);
  const blobOf = () => vaultOf(s).prepare('SELECT v.vector FROM memory_vectors v JOIN memory_facts f ON f.seq = v.fact_seq WHERE f.id = ?').pluck().get(fact.id) as Buffer;
  const first = blobOf();
  expect(first.length).toBe(384 * 4); // Float32

  await configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'fake-embed-2' }, NO_RETRY);
  // Old vectors are gone at once (not just ignored); the new model's come with the backfill.
  const countAll = () => rows(s, 'SELECT count(*) FROM memory_vectors');
  await backfillMemoryVectors(s, RT);
  expect(countAll()).toBe(total);
  expect(rows(s, 'SELECT count(DISTINCT model_key) FROM memory_vectors')).toBe(1);
  expect(blobOf().equals(first)).toBe(false);

  const modelKey = currentModelKey(s)!;
  const seq = rows(s, 'SELECT seq FROM memory_facts WHERE id = ?', fact.id);
  const question = fakeEmbedding('spare house key flowerpot', 'fake-embed-2');
  expect(rankByVector(s, modelKey, question, 3)[0]).toBe(seq); // cached for the session now
  updateMemory(s, fact.id, 'The spare house key is with the neighbour now.');
  expect(embeddingStatus(s).indexed).toBe(total - 1);
  expect(rankByVector(s, modelKey, question, 1000)).not.toContain(seq); // the old vector is gone from the cache too
  await backfillMemoryVectors(s, RT);
  expect(embeddingStatus(s).indexed).toBe(total);
  deleteMemory(s, fact.id);
  expect(countAll()).toBe(total - 1);

  clearEmbeddingConfig(s);
  expect(countAll()).toBe(0);
  expect(embeddingStatus(s).config).toBeNull();

  await configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'fake-embed' }, NO_RETRY);
  await backfillMemoryVectors(s, RT);
  expect(countAll()).toBe(total - 1);
  deleteConnection(s, a.connectionId);
  expect(embeddingStatus(s).config).toBeNull();
  expect(countAll()).toBe(0);
});

test('a model that fails its test embed, or Anthropic, is refused with a clear code and nothing is saved', async () => {
  const s = world.admin;
  const a = connectAgent(s, fake);
  await expect(configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'no-such-embedder' }, NO_RETRY)).rejects.toMatchObject({ code: 'PROVIDER_MODEL_UNKNOWN', message: expect.stringContaining('embedding model') });
  fake.enqueueEmbedding({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${a.key}` } } });
  const denied = configureMemoryEmbeddings(s, { connectionId: a.connectionId, model: 'fake-embed' }, NO_RETRY);
  await expect(denied).rejects.toMatchObject({ code: 'PROVIDER_AUTH' });
  await denied.catch((e: Error) => expect(e.message).not.toContain(a.key));
  expect(embeddingStatus(s).config).toBeNull();

  const anthropic = connectAgent(s, fake, { kind: 'anthropic' });
  const before = fake.requests.length;
  await expect(configureMemoryEmbeddings(s, { connectionId: anthropic.connectionId, model: 'fake-embed' }, NO_RETRY)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  expect(fake.requests.length).toBe(before);
  expect(embeddingStatus(s).config).toBeNull();
});

test("each person's embedding calls carry only their own key and their own facts", async () => {
  const tag = Math.random().toString(36).slice(2, 8);
  const people = [world.admin, world.bob].map((s) => {
    const c = connectAgent(s, fake);
    createMemory(s, `owner-marker-${s.user.username}-${tag}`);
    return { s, ...c };
  });
  for (const p of people) await configureMemoryEmbeddings(p.s, { connectionId: p.connectionId, model: 'fake-embed' }, NO_RETRY);
  await Promise.all(people.map((p) => backfillMemoryVectors(p.s, RT)));
  // Rankings come from each session's own vectors: both caches are warm, and each finds only its own fact.
  for (let round = 0; round < 2; round++) {
    for (const p of people) {
      const got = await relevantFactsFor(p.s, `owner-marker-${p.s.user.username}`, 1000, NO_RETRY);
      expect(got[0]?.text).toBe(`owner-marker-${p.s.user.username}-${tag}`);
      expect(JSON.stringify(got)).not.toContain(`owner-marker-${p === people[0] ? 'bob' : 'ada'}`);
    }
  }
  for (const p of people) {
    const mine = fake.embeddingRequests().filter((r) => JSON.stringify(r.body).includes(`owner-marker-${p.s.user.username}-${tag}`));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.apiKey === p.key)).toBe(true);
  }
  const admin = people[0]!;
  const adminCalls = fake.embeddingRequests().filter((r) => r.apiKey === admin.key);
  expect(adminCalls.some((r) => JSON.stringify(r.body).includes(`owner-marker-bob-${tag}`))).toBe(false);
});

test('closing the session stops the backfill and retrieval answers nothing more', async () => {
  const s = world.bob;
  expect(embeddingStatus(s).config).not.toBeNull();
  vaultOf(s).transaction(() => {
    for (let i = 0; i < 300; i++) createMemory(s, `Later fact ${i} about the ${SUBJECTS[i % 10]![0]}.`);
  })();
  const running = backfillMemoryVectors(s, RT);
  await new Promise((r) => setTimeout(r, 5));
  s.close();
  const result = await running;
  expect(result.error).toBeUndefined();
  expect(result.embedded).toBeLessThan(300);
  expect(await backfillMemoryVectors(s, RT)).toEqual({ embedded: 0 });
});
