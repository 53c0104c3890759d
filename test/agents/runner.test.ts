import { describe, expect, test } from 'vitest';
import { cancelRun, runAgent } from '../../main/core/agents/runner';
import { listConversations } from '../../main/core/vault/conversations';
import { listMemory, createMemory } from '../../main/core/vault/memory';
import { getMessage, listMessages } from '../../main/core/vault/messages';
import { failureScript, reply, type FakeProvider } from '../helpers/fakeProvider';
import { connectAgent, NO_RETRY, withFakeProviderWorld, type TwoUsers } from './world';

let fake: FakeProvider;
let world: TwoUsers;
withFakeProviderWorld('cubby-agents-runner-', (f, w) => {
  fake = f;
  world = w;
});

describe.each(['openai', 'anthropic', 'openai-compatible'] as const)('%s', (kind) => {
  test('a streamed answer is saved complete with model, usage and timings, deltas coalesced', async () => {
    const { def, key } = connectAgent(world.admin, fake, { kind });
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(5);
    fake.enqueue({ kind: 'reply', chunks: [...text], delayMs: 1, usage: { input: 33, output: 44 } });
    const deltas: { delta: string; text: string; at: number }[] = [];
    let started: unknown;
    const r = await runAgent(
      world.admin,
      def(),
      { text: 'Tell me about foxes please', onStart: (ids) => (started = ids), onDelta: (d) => deltas.push({ ...d, at: performance.now() }) },
      NO_RETRY,
    );
    expect(r.status).toBe('complete');
    expect(r.text).toBe(text);
    expect(started).toEqual({ conversationId: r.conversationId, userMessageId: r.userMessageId, assistantMessageId: r.assistantMessageId });
    expect(deltas.map((d) => d.delta).join('')).toBe(text);
    expect(deltas.at(-1)!.text).toBe(text);
    // 225 one-character chunks arrive as far fewer callbacks, spaced by about a frame.
    expect(deltas.length).toBeLessThan(text.length / 2);
    for (let i = 1; i < deltas.length; i++) expect(deltas[i]!.at - deltas[i - 1]!.at).toBeGreaterThanOrEqual(14); // timers may fire ~1 ms early
    const m = getMessage(world.admin, r.assistantMessageId);
    expect(m).toMatchObject({ status: 'complete', content: text, model: 'fake-small', inputTokens: 33, outputTokens: 44, role: 'assistant' });
    expect(m.ttftMs).toBeGreaterThanOrEqual(0);
    expect(m.totalMs).toBeGreaterThanOrEqual(m.ttftMs!);
    const last = fake.chatRequests().at(-1)!;
    expect(last.apiKey).toBe(key);
    expect(last.body.model).toBe('fake-small');
    if (kind !== 'anthropic') expect(last.body.stream_options?.include_usage).toBe(true);
    const conv = listConversations(world.admin).find((c) => c.id === r.conversationId)!;
    expect(conv.title).toBe('Tell me about foxes please');
    expect(conv.agentName).toBe('Tester');
  });

  test('cancel stops the request and keeps the partial answer', async () => {
    const { def } = connectAgent(world.admin, fake, { kind });
    fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 10 });
    const controller = new AbortController();
    let seen = '';
    const r = await runAgent(
      world.admin,
      def(),
      {
        text: 'long one',
        signal: controller.signal,
        onDelta: (d) => {
          seen = d.text;
          if (d.text.length > 40) controller.abort();
        },
      },
      NO_RETRY,
    );
    expect(r.status).toBe('cancelled');
    expect(r.text.length).toBeGreaterThan(40);
    expect(r.text.length).toBeLessThan(200 * 4);
    expect(r.text.startsWith(seen.slice(0, 40))).toBe(true);
    const m = getMessage(world.admin, r.assistantMessageId);
    expect(m.status).toBe('cancelled');
    expect(m.content).toBe(r.text);
    expect(m.errorCode).toBeNull();
  });

  test('history goes with the next turn, and cancelRun stops a run by its message id', async () => {
    const { def } = connectAgent(world.admin, fake, { kind });
    fake.enqueue(reply('First answer.'));
    const first = await runAgent(world.admin, def(), { text: 'first question' }, NO_RETRY);
    fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 300 }, () => 'x'), delayMs: 10 });
    const r = await runAgent(
      world.admin,
      def(),
      { conversationId: first.conversationId, text: 'second question', onStart: (ids) => setTimeout(() => cancelRun(world.admin, ids.assistantMessageId), 100) },
      NO_RETRY,
    );
    expect(r.status).toBe('cancelled');
    const sent = JSON.stringify(fake.chatRequests().at(-1)!.body.messages);
    expect(sent).toContain('first question');
    expect(sent).toContain('First answer.');
    expect(sent).toContain('second question');
    expect(listMessages(world.admin, first.conversationId).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  test('memory: relevant facts reach the system prompt; readwrite gives the model a remember tool that saves', async () => {
    const { def } = connectAgent(world.bob, fake, { kind, memoryAccess: 'readwrite' });
    createMemory(world.bob, 'My cat is called Zanzibar.');
    createMemory(world.bob, 'I work as a lighthouse keeper.');
    fake.enqueue({ kind: 'remember', fact: 'Bob prefers tea over coffee.' });
    const r = await runAgent(world.bob, def(), { text: 'What is my cat called? Also I prefer tea.' }, NO_RETRY);
    expect(r.status).toBe('complete');
    expect(r.remembered).toEqual(['Bob prefers tea over coffee.']);
    expect(r.text).toContain('I will remember that.');
    expect(listMemory(world.bob).map((f) => [f.text, f.source])).toContainEqual(['Bob prefers tea over coffee.', 'agent']);
    const [firstCall, followUp] = fake.chatRequests().slice(-2);
    const system = JSON.stringify(kind === 'anthropic' ? firstCall!.body.system : firstCall!.body.messages[0]);
    expect(system).toContain('Zanzibar');
    expect(system).not.toContain('lighthouse');
    expect(JSON.stringify(firstCall!.body.tools)).toContain('remember');
    expect(followUp).toBeDefined();
  });
});

test('memory access "read" sends facts but no tool; "off" sends neither', async () => {
  const { def, agentId } = connectAgent(world.bob, fake, { memoryAccess: 'read' });
  createMemory(world.bob, 'The spare key is under the blue flowerpot.');
  await runAgent(world.bob, def(), { text: 'where is the spare key?' }, NO_RETRY);
  let body = fake.chatRequests().at(-1)!.body;
  expect(JSON.stringify(body.messages)).toContain('blue flowerpot');
  expect(body.tools).toBeUndefined();
  const { updateAgent, getAgent } = await import('../../main/core/vault/agents');
  updateAgent(world.bob, agentId, { ...getAgent(world.bob, agentId), memoryAccess: 'off' });
  await runAgent(world.bob, def(), { text: 'where is the spare key?' }, NO_RETRY);
  body = fake.chatRequests().at(-1)!.body;
  expect(JSON.stringify(body.messages)).not.toContain('blue flowerpot');
});

test('attachments: text files are inlined into the prompt, images sent as image parts; too large refused before anything is written', async () => {
  const { def } = connectAgent(world.admin, fake);
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
  const r = await runAgent(
    world.admin,
    def(),
    {
      text: 'look at these',
      attachments: [
        { name: 'todo.txt', mime: 'text/plain', bytes: Buffer.from('buy oat milk') },
        { name: 'p.png', mime: 'image/png', bytes: png },
      ],
    },
    NO_RETRY,
  );
  expect(r.status).toBe('complete');
  const user = fake.chatRequests().at(-1)!.body.messages.find((m: any) => m.role === 'user');
  const parts = JSON.stringify(user.content);
  expect(parts).toContain('buy oat milk');
  expect(parts).toContain('todo.txt');
  expect(parts).toContain(`data:image/png;base64,${png.toString('base64')}`);
  expect(getMessage(world.admin, r.userMessageId).attachments.map((a) => a.kind)).toEqual(['text', 'image']);

  const before = listConversations(world.admin).length;
  const requests = fake.requests.length;
  const err = await runAgent(
    world.admin,
    def(),
    { text: 'too big', attachments: [{ name: 'huge.log', mime: 'text/plain', bytes: Buffer.alloc(300 * 1024, 0x61) }] },
    NO_RETRY,
  ).catch((e) => e);
  expect(err.code).toBe('ATTACHMENT_TOO_LARGE');
  expect(listConversations(world.admin).length).toBe(before);
  expect(fake.requests.length).toBe(requests);
});

test('retry answers the last message again; edit-last replaces its text first; later messages are replaced', async () => {
  const { def } = connectAgent(world.bob, fake);
  fake.enqueue(failureScript('server', 'openai'));
  const first = await runAgent(world.bob, def(), { text: 'what is two plus two' }, NO_RETRY);
  expect(first.status).toBe('error');
  fake.enqueue(reply('Four.'));
  const retried = await runAgent(world.bob, def(), { conversationId: first.conversationId, mode: 'retry', text: '' }, NO_RETRY);
  expect(retried.userMessageId).toBe(first.userMessageId);
  expect(retried.text).toBe('Four.');
  let page = listMessages(world.bob, first.conversationId).messages;
  expect(page.map((m) => [m.role, m.content, m.status])).toEqual([
    ['user', 'what is two plus two', 'complete'],
    ['assistant', 'Four.', 'complete'],
  ]);
  fake.enqueue(reply('Six.'));
  await runAgent(world.bob, def(), { conversationId: first.conversationId, mode: 'edit-last', text: 'what is three plus three' }, NO_RETRY);
  page = listMessages(world.bob, first.conversationId).messages;
  expect(page.map((m) => m.content)).toEqual(['what is three plus three', 'Six.']);
  expect(JSON.stringify(fake.chatRequests().at(-1)!.body.messages)).not.toContain('two plus two');
});

test('a listener that throws (its window closed) does not end the run; the answer is saved', async () => {
  const { def } = connectAgent(world.bob, fake);
  fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 30 }, (_, i) => `c${i} `), delayMs: 3 });
  const r = await runAgent(
    world.bob,
    def(),
    {
      text: 'hi there',
      onStart: () => {
        throw new Error('window gone');
      },
      onDelta: () => {
        throw new Error('window gone');
      },
    },
    NO_RETRY,
  );
  expect(r.status).toBe('complete');
  expect(getMessage(world.bob, r.assistantMessageId).content).toContain('c29');
});
