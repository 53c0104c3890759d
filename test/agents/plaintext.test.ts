import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { backfillMemoryVectors, configureMemoryEmbeddings, embeddingStatus } from '../../main/core/agents/memoryEmbeddings';
import { runAgent } from '../../main/core/agents/runner';
import { createMemory } from '../../main/core/vault/memory';
import { searchConversations } from '../../main/core/vault/search';
import { reply, startFakeProvider } from '../helpers/fakeProvider';
import { filesContaining, filesUnder, removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { connectAgent, NO_RETRY } from './world';

const dir = tempDataDir('cubby-agents-plain-');
afterAll(() => removeDir(dir));

test('markers in messages, answers, memory, attachments and secrets appear in plaintext in no file under the data directory', async () => {
  const sqliteTmp = join(dir, 'sqlite-tmp');
  mkdirSync(sqliteTmp);
  process.env.SQLITE_TMPDIR = sqliteTmp;
  const tag = Math.random().toString(36).slice(2, 10);
  const m = {
    question: `question-marker-${tag}`,
    answer: `answer-marker-${tag}`,
    memory: `memory-marker-${tag}`,
    agentMemory: `agent-memory-marker-${tag}`,
    textFile: `attachment-text-marker-${tag}`,
    image: `attachment-image-marker-${tag}`,
    secret: `sk-secret-marker-${tag}`,
    title: `title-marker-${tag}`,
  };
  const fake = await startFakeProvider();
  const { accounts, admin, bob } = await twoUsers(dir);
  try {
    const a = connectAgent(admin, fake, { key: m.secret, memoryAccess: 'readwrite' });
    // Memory search by meaning: the facts' vectors (and the texts sent to be embedded) are vault content too.
    await configureMemoryEmbeddings(admin, { connectionId: a.connectionId, model: 'fake-embed' }, NO_RETRY);
    createMemory(admin, `${m.memory} ${'filler '.repeat(50)}`);
    fake.enqueue({ kind: 'remember', fact: m.agentMemory });
    await runAgent(admin, a.def(), { text: `${m.title} remember this` }, NO_RETRY);
    for (let i = 0; i < 40; i++) {
      fake.enqueue(reply(`${m.answer} ${i} ${'lorem ipsum '.repeat(40)}`, { chunkSize: 50 }));
      await runAgent(
        admin,
        a.def(),
        {
          text: `${m.question} ${i}`,
          attachments:
            i === 0
              ? [
                  { name: 'notes.txt', mime: 'text/plain', bytes: Buffer.from(`${m.textFile} ${'x'.repeat(5000)}`) },
                  { name: 'pic.png', mime: 'image/png', bytes: Buffer.concat([Buffer.from('89504e47', 'hex'), Buffer.from(m.image)]) },
                ]
              : undefined,
        },
        { ...NO_RETRY, saveIntervalMs: 1 },
      );
    }
    await backfillMemoryVectors(admin, NO_RETRY);
    expect(embeddingStatus(admin)).toMatchObject({ indexed: 2, total: 2 });
    expect(fake.embeddingRequests().some((r) => JSON.stringify(r.body).includes(m.memory))).toBe(true);
    connectAgent(bob, fake, { key: `${m.secret}-bob` });
    expect(searchConversations(admin, m.answer).length).toBeGreaterThan(0); // the FTS index holds them too
    expect(fake.requests.some((r) => r.apiKey === m.secret)).toBe(true); // the key really was used

    const check = () => {
      for (const [what, marker] of Object.entries(m)) expect(filesContaining(dir, marker), what).toEqual([]);
    };
    expect(filesUnder(dir).filter((f) => f.endsWith('-wal')).length).toBeGreaterThan(0);
    check(); // while open, content in the WAL
    accounts.close();
    check(); // after checkpoint and close
    expect(readdirSync(sqliteTmp)).toEqual([]);
    // The scan can find plaintext.
    writeFileSync(join(dir, 'canary.txt'), m.answer);
    expect(filesContaining(dir, m.answer)).toEqual([join(dir, 'canary.txt')]);
  } finally {
    accounts.close();
    await fake.close();
  }
});
