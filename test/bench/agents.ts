/**
 * Agents and chat (issue 9): time to first token through the runner versus the AI SDK called
 * directly against the same fake server; a 100,000-message conversation (last page, full-text
 * search) in a vault versus plain SQLite with the same schema; memory retrieval over 10,000 facts
 * by words (FTS5) and by meaning (cosine over stored vectors), the latter against the AI SDK's
 * cosineSimilarity over plain in-memory arrays.
 * Prints figures and ratios; asserts nothing about time.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { cosineSimilarity, streamText } from 'ai';
import { Session } from '../../main/core/accounts/session';
import { languageModel } from '../../main/core/agents/providers';
import { runAgent } from '../../main/core/agents/runner';
import { migrate } from '../../main/core/db/migrations';
import { openEncrypted, type Db } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { createConversation } from '../../main/core/vault/conversations';
import { relevantFacts } from '../../main/core/vault/memory';
import { currentModelKey, memoryVectorsChanged, rankByVector, saveVectors, setEmbeddingConfig } from '../../main/core/vault/memoryVectors';
import { createConnection } from '../../main/core/vault/providerConnections';
import { listMessages } from '../../main/core/vault/messages';
import { VAULT_MIGRATIONS } from '../../main/core/vault/schema';
import { searchConversations } from '../../main/core/vault/search';
import { startFakeProvider } from '../helpers/fakeProvider';
import { connectAgent } from '../agents/world';
import { fmt, median, table, title } from './report';

const TTFT_ROUNDS = 40;
const MESSAGES = 100_000;
const FACTS = 10_000;
const QUERY_ROUNDS = 20;
/** The size of OpenAI's text-embedding-3-small vectors. */
const EMBEDDING_DIMS = 1536;

type Engine = 'plain' | 'vault';

/** A Session over a database we opened ourselves: the real data-access functions run on either engine. */
function openSessionOn(engine: Engine, file: string, key: Buffer): { session: Session; db: Db } {
  let db: Db;
  if (engine === 'vault') db = openEncrypted(file, key, () => new CubbyError('INTERNAL', 'bench: bad key'), { cacheKiB: 65536 });
  else {
    db = new Database(file);
    for (const p of ['temp_store=MEMORY', 'journal_mode=WAL', 'synchronous=NORMAL', 'foreign_keys=ON', 'cache_size=-65536']) db.pragma(p);
  }
  migrate(db, VAULT_MIGRATIONS, 'vault');
  const session = new Session({ id: `bench-${engine}`, username: 'bench', displayName: 'Bench' }, Buffer.from(key), db);
  return { session, db };
}

async function benchTtft(): Promise<void> {
  title(`d. Time to first token: runner (vault writes, key read, history, memory) versus the AI SDK directly (${TTFT_ROUNDS} rounds each, alternating)`);
  const fake = await startFakeProvider();
  fake.handler = () => ({ kind: 'reply', chunks: ['Hello', ' there', '.'], delayMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-ttft-'));
  const key = randomBytes(32);
  const { session } = openSessionOn('vault', join(dir, 'v.db'), key);
  try {
    for (const kind of ['openai', 'anthropic'] as const) {
      const agent = connectAgent(session, fake, { kind, key: `sk-bench-${kind}-0000` });
      const def = agent.def();
      const direct = async () => {
        const started = performance.now();
        const result = streamText({
          model: languageModel({ kind, baseUrl: fake.baseUrl, apiKey: `sk-bench-${kind}-0000` }, def.model),
          instructions: def.instructions,
          messages: [{ role: 'user', content: 'Say hello' }],
          maxRetries: 0,
          onError: () => {},
        });
        let ttft = NaN;
        for await (const part of result.fullStream) if (part.type === 'text-delta' && Number.isNaN(ttft)) ttft = performance.now() - started;
        return ttft;
      };
      let conversationId: string | undefined;
      const viaRunner = async () => {
        const started = performance.now();
        let ttft = NaN;
        const r = await runAgent(session, def, { conversationId, text: 'Say hello', onDelta: () => (Number.isNaN(ttft) ? (ttft = performance.now() - started) : 0) }, { maxRetries: 0 });
        conversationId = r.conversationId;
        if (r.status !== 'complete') throw new Error(`bench run ended ${r.status}`);
        return ttft;
      };
      await direct();
      await viaRunner(); // warm-up
      const times = { direct: [] as number[], runner: [] as number[] };
      for (let i = 0; i < TTFT_ROUNDS; i++) {
        if (i % 2) times.direct.push(await direct()), times.runner.push(await viaRunner());
        else times.runner.push(await viaRunner()), times.direct.push(await direct());
      }
      const d = median(times.direct);
      const r = median(times.runner);
      table(
        [`${kind} dialect`, 'median ms', 'added ms', 'ratio'],
        [
          ['AI SDK streamText directly (baseline)', fmt(d, 2), '', '1.00'],
          ['runAgent (conversation of up to 40 turns)', fmt(r, 2), fmt(r - d, 2), fmt(r / d, 2)],
        ],
      );
    }
  } finally {
    session.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
const sentence = (i: number) => Array.from({ length: 24 }, (_, k) => WORDS[(i * 7 + k * 13 + (i >> k % 5)) % WORDS.length]).join(' ');

interface ChatFigures {
  insertS: number;
  lastPageMs: number;
  lastPageColdMs: number;
  searchRareMs: number;
  searchCommonMs: number;
}

function benchConversation(engine: Engine, dir: string): ChatFigures {
  const file = join(dir, `${engine}.db`);
  const key = randomBytes(32);
  let { session, db } = openSessionOn(engine, file, key);
  const conv = createConversation(session, { agentId: null, agentName: 'Bench' });
  const insert = db.prepare("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES (?, ?, ?, 'complete', ?, ?)");
  const t0 = performance.now();
  const batch = db.transaction((from: number) => {
    for (let i = from; i < from + 1000; i++) {
      const rare = i % 10_000 === 4321 ? ' zygomorphic' : '';
      insert.run(conv.id, i % 2 ? 'assistant' : 'user', `${sentence(i)}${rare} #${i}`, i, i);
    }
  });
  for (let i = 0; i < MESSAGES; i += 1000) batch(i);
  const insertS = (performance.now() - t0) / 1000;
  session.close();
  // A fresh connection: the page cache is cold, as right after unlocking.
  ({ session, db } = openSessionOn(engine, file, key));
  let start = performance.now();
  const page = listMessages(session, conv.id, { limit: 50 });
  const lastPageColdMs = performance.now() - start;
  if (page.messages.length !== 50 || !page.hasMore) throw new Error('bench: wrong last page');
  const lastPage: number[] = [];
  const rare: number[] = [];
  const common: number[] = [];
  for (let r = 0; r < QUERY_ROUNDS; r++) {
    start = performance.now();
    listMessages(session, conv.id, { limit: 50 });
    lastPage.push(performance.now() - start);
    start = performance.now();
    const hits = searchConversations(session, 'zygomorphic');
    rare.push(performance.now() - start);
    if (hits.length !== MESSAGES / 10_000) throw new Error(`bench: expected ${MESSAGES / 10_000} hits, got ${hits.length}`);
    start = performance.now();
    searchConversations(session, 'foxtrot tango', { limit: 50 });
    common.push(performance.now() - start);
  }
  session.close();
  key.fill(0);
  return { insertS, lastPageMs: median(lastPage), lastPageColdMs, searchRareMs: median(rare), searchCommonMs: median(common) };
}

function benchChatStorage(): void {
  title(`e. A ${fmt(MESSAGES, 0)}-message conversation: vault (SQLCipher) versus plain SQLite, same schema and triggers`);
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-chat-'));
  try {
    const plain = benchConversation('plain', dir);
    const vault = benchConversation('vault', dir);
    const row = (name: string, unit: string, digits: number, pick: (f: ChatFigures) => number) => [
      name,
      `${fmt(pick(plain), digits)} ${unit}`,
      `${fmt(pick(vault), digits)} ${unit}`,
      fmt(pick(vault) / pick(plain), 2),
    ];
    table(
      ['operation', 'plain SQLite', 'vault', 'vault/plain'],
      [
        row(`insert ${fmt(MESSAGES, 0)} messages (1,000 a transaction, FTS triggers)`, 's', 1, (f) => f.insertS),
        row('open the last page (50), cold connection', 'ms', 2, (f) => f.lastPageColdMs),
        row(`open the last page (50), median of ${QUERY_ROUNDS}`, 'ms', 3, (f) => f.lastPageMs),
        row('full-text search, rare word (10 hits)', 'ms', 2, (f) => f.searchRareMs),
        row('full-text search, two common words (top 50 by bm25)', 'ms', 2, (f) => f.searchCommonMs),
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random unit-ish vectors (mulberry32): fact i's vector, and a question near it. */
function vectorOf(i: number, noise = 0): number[] {
  let t = (i + 1) * 0x9e3779b9;
  const next = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const v = Array.from({ length: EMBEDDING_DIMS }, next);
  if (noise) for (let d = 0; d < v.length; d++) v[d]! += noise * Math.sin(d * 12.9898 + i);
  return v;
}

interface MemoryFigures {
  words: number;
  meaningCold: number;
  meaningWarm: number;
}

function benchMemoryOn(engine: Engine, dir: string): MemoryFigures {
  const key = randomBytes(32);
  const { session, db } = openSessionOn(engine, join(dir, `${engine}.db`), key);
  const insert = db.prepare("INSERT INTO memory_facts (id, text, source, created_at, updated_at) VALUES (?, ?, 'person', 0, 0)");
  const textOf = (i: number) => `Fact ${i}: the ${WORDS[i % 26]} code of project ${WORDS[(i * 7) % 26]}${i} is ${i * 31}.`;
  db.transaction(() => {
    for (let i = 0; i < FACTS; i++) insert.run(`f${i}`, textOf(i));
  })();
  const connection = createConnection(session, { kind: 'openai-compatible', name: 'Bench', baseUrl: 'http://127.0.0.1:9/v1' });
  setEmbeddingConfig(session, connection.id, 'bench-embed');
  const modelKey = currentModelKey(session)!;
  const seqOf = db.prepare('SELECT seq FROM memory_facts WHERE id = ?').pluck();
  for (let from = 0; from < FACTS; from += 500) {
    const rows = Array.from({ length: Math.min(500, FACTS - from) }, (_, k) => from + k).map((i) => ({ seq: seqOf.get(`f${i}`) as number, text: textOf(i), vector: vectorOf(i) }));
    if (saveVectors(session, modelKey, rows) !== rows.length) throw new Error('bench: vectors not saved');
  }
  const words: number[] = [];
  const warm: number[] = [];
  let cold = NaN;
  for (let q = 0; q < QUERY_ROUNDS; q++) {
    const i = (q * 499) % FACTS;
    let start = performance.now();
    const got = relevantFacts(session, `What is the ${WORDS[i % 26]} code of project ${WORDS[(i * 7) % 26]}${i}?`, 600);
    words.push(performance.now() - start);
    if (got[0]?.id !== `f${i}`) throw new Error(`bench: fact ${i} not ranked first by words`);
    // By meaning: a question whose vector is near fact i's, and no word in common with any fact.
    const question = vectorOf(i, 0.05);
    if (q === 0) memoryVectorsChanged(session); // the first query of a session loads the vectors
    start = performance.now();
    const byMeaning = relevantFacts(session, 'Which one was it again?', 600, 50, rankByVector(session, modelKey, question, 50));
    (q === 0 ? (t: number) => (cold = t) : (t: number) => warm.push(t))(performance.now() - start);
    if (byMeaning[0]?.id !== `f${i}`) throw new Error(`bench: fact ${i} not ranked first by meaning`);
  }
  session.close();
  key.fill(0);
  return { words: median(words), meaningCold: cold, meaningWarm: median(warm) };
}

/** The baseline for ranking by meaning: the AI SDK's cosineSimilarity over plain arrays already in memory, no storage at all. */
function benchPlainArrays(): number {
  const vectors = Array.from({ length: FACTS }, (_, i) => vectorOf(i));
  const times: number[] = [];
  for (let q = 0; q < QUERY_ROUNDS; q++) {
    const i = (q * 499) % FACTS;
    const question = vectorOf(i, 0.05);
    const start = performance.now();
    const top = vectors
      .map((v, k) => ({ k, score: cosineSimilarity(question, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 50);
    times.push(performance.now() - start);
    if (top[0]?.k !== i) throw new Error(`bench: baseline did not rank ${i} first`);
  }
  return median(times);
}

function benchMemory(): void {
  title(
    `f. Memory retrieval over ${fmt(FACTS, 0)} facts (ms), 600-token budget, median of ${QUERY_ROUNDS} queries: by words (FTS5 bm25) and by meaning ` +
      `(cosine over ${fmt(EMBEDDING_DIMS, 0)}-dimension vectors stored in the database, fused with FTS5; the question's own embedding call is not counted)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-memory-'));
  try {
    const plain = benchMemoryOn('plain', dir);
    const vault = benchMemoryOn('vault', dir);
    const arrays = benchPlainArrays();
    const ms = (n: number) => `${fmt(n, 2)} ms`;
    table(
      ['memory retrieval over 10,000 facts (ms)', 'plain SQLite', 'vault', 'vault/plain'],
      [
        ['by words: relevantFacts(question)', ms(plain.words), ms(vault.words), fmt(vault.words / plain.words, 2)],
        ['by meaning, first query of a session (loads the vectors)', ms(plain.meaningCold), ms(vault.meaningCold), fmt(vault.meaningCold / plain.meaningCold, 2)],
        ['by meaning, later queries (vectors cached for the session)', ms(plain.meaningWarm), ms(vault.meaningWarm), fmt(vault.meaningWarm / plain.meaningWarm, 2)],
      ],
    );
    table(
      ['by meaning, later queries', 'median ms', 'ratio'],
      [
        ['baseline: AI SDK cosineSimilarity over plain arrays in memory, sort, top 50', ms(arrays), '1.00'],
        ['Cubby in the vault (cosine, FTS5, fusion, fetch, budget)', ms(vault.meaningWarm), fmt(vault.meaningWarm / arrays, 2)],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAgents(): Promise<void> {
  await benchTtft();
  benchChatStorage();
  benchMemory();
}
