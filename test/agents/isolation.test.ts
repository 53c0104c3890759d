import { expect, test } from 'vitest';
import { runAgent } from '../../main/core/agents/runner';
import { isCubbyError } from '../../main/core/errors';
import { vaultOf } from '../../main/core/accounts/session';
import { getAgent } from '../../main/core/vault/agents';
import { getConversation, listConversations } from '../../main/core/vault/conversations';
import { getMessage, listMessages, recoverInterruptedMessages } from '../../main/core/vault/messages';
import { getSecret, replaceSecret } from '../../main/core/vault/secrets';
import type { FakeProvider, Script } from '../helpers/fakeProvider';
import { ADMIN, BOB } from '../helpers/env';
import { connectAgent, NO_RETRY, withFakeProviderWorld, type TwoUsers } from './world';

let fake: FakeProvider;
let world: TwoUsers;
withFakeProviderWorld('cubby-agents-isolation-', (f, w) => {
  fake = f;
  world = w;
});

/** Each key gets an answer full of its owner's marker, slowly, so the two streams overlap. */
function answerByKey(markers: Record<string, string>): (req: { apiKey: string | null }) => Script {
  return (req) => ({ kind: 'reply', chunks: Array.from({ length: 40 }, (_, i) => `${markers[req.apiKey ?? ''] ?? 'UNKNOWN'}-${i} `), delayMs: 5 });
}

test.each(['openai', 'anthropic'] as const)(
  '%s: A and B stream at once; each request carries only its owner key, each receives only their own deltas',
  async (kind) => {
    const a = connectAgent(world.admin, fake, { kind });
    const b = connectAgent(world.bob, fake, { kind });
    fake.handler = answerByKey({ [a.key]: 'ALPHA', [b.key]: 'BRAVO' });
    const firstRequest = fake.requests.length;
    const deltas = { a: [] as string[], b: [] as string[] };
    let overlap = false;
    const run = (who: 'a' | 'b') =>
      runAgent(
        who === 'a' ? world.admin : world.bob,
        (who === 'a' ? a : b).def(),
        {
          text: `hello from ${who}`,
          onDelta: (d) => {
            deltas[who].push(d.delta);
            if (fake.openStreams() === 2) overlap = true;
          },
        },
        NO_RETRY,
      );
    const [ra, rb] = await Promise.all([run('a'), run('b')]);
    expect(overlap).toBe(true); // the two streams really were concurrent
    expect([ra.status, rb.status]).toEqual(['complete', 'complete']);
    expect(deltas.a.join('')).toContain('ALPHA-39');
    expect(deltas.a.join('')).not.toContain('BRAVO');
    expect(deltas.b.join('')).toContain('BRAVO-39');
    expect(deltas.b.join('')).not.toContain('ALPHA');
    const requests = fake.requests.slice(firstRequest);
    const byA = requests.filter((r) => JSON.stringify(r.body).includes('hello from a'));
    const byB = requests.filter((r) => JSON.stringify(r.body).includes('hello from b'));
    expect(byA.length).toBe(1);
    expect(byB.length).toBe(1);
    expect(byA.map((r) => r.apiKey)).toEqual([a.key]);
    expect(byB.map((r) => r.apiKey)).toEqual([b.key]);
    // Each answer landed in its owner's vault only.
    expect(getMessage(world.admin, ra.assistantMessageId).content).toContain('ALPHA');
    expect(() => getConversation(world.bob, ra.conversationId)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => getConversation(world.admin, rb.conversationId)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  },
);

test('a replaced key is used on the very next call: nothing is cached', async () => {
  const a = connectAgent(world.admin, fake);
  const { getConnection } = await import('../../main/core/vault/providerConnections');
  const secretId = getConnection(world.admin, a.connectionId).secretId!;
  await runAgent(world.admin, a.def(), { text: 'one' }, NO_RETRY);
  expect(fake.requests.at(-1)!.apiKey).toBe(a.key);
  replaceSecret(world.admin, secretId, { value: 'sk-replacement-key-0000' });
  await runAgent(world.admin, a.def(), { text: 'two' }, NO_RETRY);
  expect(fake.requests.at(-1)!.apiKey).toBe('sk-replacement-key-0000');
  expect(getSecret(world.admin, secretId).last4).toBe('0000');
});

test("ids of another person's agents, conversations, secrets and messages answer NOT_FOUND", async () => {
  const b = connectAgent(world.bob, fake);
  const rb = await runAgent(world.bob, b.def(), { text: 'private question' }, NO_RETRY);
  const a = connectAgent(world.admin, fake);
  const { getConnection } = await import('../../main/core/vault/providerConnections');
  const secretId = getConnection(world.bob, b.connectionId).secretId!;
  const probes: (() => unknown)[] = [
    () => getAgent(world.admin, b.agentId),
    () => getConnection(world.admin, b.connectionId),
    () => getSecret(world.admin, secretId),
    () => listMessages(world.admin, rb.conversationId),
    () => runAgent(world.admin, a.def(), { text: 'x', conversationId: rb.conversationId }, NO_RETRY),
    () => runAgent(world.admin, { ...a.def(), provider: { connectionId: b.connectionId } }, { text: 'x' }, NO_RETRY),
  ];
  for (const probe of probes) {
    const err = await Promise.resolve().then(probe).catch((e) => e);
    expect(isCubbyError(err, 'NOT_FOUND'), String(err)).toBe(true);
  }
  expect(listConversations(world.admin).map((c) => c.id)).not.toContain(rb.conversationId);
});

test('locking a session aborts its stream at once; nothing is written after; reopening marks it interrupted', async () => {
  const bob = await world.accounts.login(BOB.username, BOB.password);
  const b = connectAgent(bob, fake);
  fake.handler = () => ({ kind: 'reply', chunks: Array.from({ length: 500 }, (_, i) => `t${i} `), delayMs: 10 });
  let lockedAt = 0;
  let deltasAfterLock = 0;
  const run = runAgent(
    bob,
    b.def(),
    {
      text: 'a long answer please',
      onDelta: (d) => {
        if (lockedAt) deltasAfterLock++;
        else if (d.text.length > 60) {
          lockedAt = performance.now();
          world.accounts.lock(bob);
        }
      },
    },
    { ...NO_RETRY, saveIntervalMs: 50 },
  );
  const r = await run;
  expect(performance.now() - lockedAt).toBeLessThan(1000);
  expect(r.status).toBe('interrupted');
  expect(deltasAfterLock).toBe(0);
  expect(() => vaultOf(bob)).toThrow();
  await new Promise((res) => setTimeout(res, 100));
  expect(fake.openStreams()).toBe(0); // the request was aborted, not left running
  const again = await world.accounts.login(BOB.username, BOB.password);
  expect(getMessage(again, r.assistantMessageId).status).toBe('streaming');
  expect(recoverInterruptedMessages(again)).toBe(1);
  const m = getMessage(again, r.assistantMessageId);
  expect(m.status).toBe('interrupted');
  expect(r.text.startsWith(m.content)).toBe(true);
  expect(m.content.length).toBeGreaterThan(0);
  world.accounts.lock(again);
});

test("recovery leaves a live stream of the same person's other session alone", async () => {
  const s1 = await world.accounts.login(ADMIN.username, ADMIN.password);
  const a = connectAgent(s1, fake);
  fake.handler = () => ({ kind: 'reply', chunks: Array.from({ length: 60 }, (_, i) => `u${i} `), delayMs: 5 });
  let s2Recovered = -1;
  const r = await runAgent(
    s1,
    a.def(),
    {
      text: 'go',
      onDelta: async () => {
        if (s2Recovered >= 0) return;
        s2Recovered = 0;
        const s2 = await world.accounts.login(ADMIN.username, ADMIN.password);
        s2Recovered = recoverInterruptedMessages(s2);
        world.accounts.lock(s2);
      },
    },
    NO_RETRY,
  );
  expect(s2Recovered).toBe(0);
  expect(r.status).toBe('complete');
  expect(getMessage(s1, r.assistantMessageId).status).toBe('complete');
  world.accounts.lock(s1);
});
