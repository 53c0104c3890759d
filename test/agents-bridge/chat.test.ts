import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { failureScript, reply } from '../helpers/fakeProvider';
import { settle, WsClient } from '../helpers/wsClient';
import { connectAgent, keyOf, ok, startBridgeWorld, startChat, waitForEvent, type BridgeWorld } from './world';

/**
 * Chat over the real WebSocket bridge: a send answers with ids at once and the answer streams
 * as chat.delta events to the caller's session only, ending with one chat.finished.
 */
let w: BridgeWorld;
let adminAgent: Awaited<ReturnType<typeof connectAgent>>;
let bobAgent: Awaited<ReturnType<typeof connectAgent>>;

beforeAll(async () => {
  w = await startBridgeWorld();
  adminAgent = await connectAgent(w.admin, w.fake, { key: keyOf('ada') });
  bobAgent = await connectAgent(w.bob, w.fake, { key: keyOf('bob'), kind: 'anthropic' });
});
afterAll(async () => {
  await w?.close();
});

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a streamed answer', () => {
  test('send answers with the ids before the answer ends; deltas add up to the saved text', async () => {
    const text = 'Foxes are small omnivorous mammals of the family Canidae. '.repeat(3);
    w.fake.enqueue({ kind: 'reply', chunks: [...text], delayMs: 1, usage: { input: 10, output: 20 } });
    const ids = await startChat(w.admin, 'chat.send', { agentId: adminAgent.agentId, text: 'Tell me about foxes' });
    expect({ ...ids }).toMatchObject({ conversationId: expect.any(String), userMessageId: expect.any(Number), assistantMessageId: ids.userMessageId + 1 });
    // The answer is still being written when the ids arrive.
    expect(w.admin.events.some((e) => e.event === 'chat.finished' && (e.payload as { messageId: number }).messageId === ids.assistantMessageId)).toBe(false);
    const finished = await ids.finished();
    expect(finished).toMatchObject({ conversationId: ids.conversationId, status: 'complete', model: 'fake-small', inputTokens: 10, outputTokens: 20 });
    expect(finished.error).toBeUndefined();
    const deltas = ids.deltas();
    expect(deltas.join('')).toBe(text);
    expect(deltas.length).toBeLessThan(text.length / 2); // coalesced, not one event per chunk
    const page = await ok(w.admin, 'messages.list', { conversationId: ids.conversationId });
    expect(page.hasMore).toBe(false);
    expect(page.messages.map((m: { role: string; content: string; status: string }) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Tell me about foxes', 'complete'],
      ['assistant', text, 'complete'],
    ]);
    expect(w.fake.chatRequests().at(-1)!.apiKey).toBe(adminAgent.key);

    const conversation = await ok(w.admin, 'conversations.get', { id: ids.conversationId });
    expect(conversation).toMatchObject({ title: 'Tell me about foxes', agentName: 'Tester', pinned: false });
    const exported = await ok(w.admin, 'conversations.export', { id: ids.conversationId });
    expect(exported.filename).toBe('Tell me about foxes.md');
    expect(exported.markdown).toContain(text.trim());
    const hits = await ok(w.admin, 'search.conversations', { query: 'omnivorous' });
    expect(hits.map((h: { messageId: number }) => h.messageId)).toContain(ids.assistantMessageId);
  });

  test('retry and edit-last answer the last message again in the same conversation', async () => {
    w.fake.enqueue(reply('First answer.'));
    const ids = await startChat(w.admin, 'chat.send', { agentId: adminAgent.agentId, text: 'Question one' });
    await ids.finished();
    w.fake.enqueue(reply('Second answer.'));
    const retried = await startChat(w.admin, 'chat.retry', { conversationId: ids.conversationId });
    expect(retried).toMatchObject({ conversationId: ids.conversationId, userMessageId: ids.userMessageId });
    expect((await retried.finished()).status).toBe('complete');
    expect(retried.deltas().join('')).toBe('Second answer.');
    w.fake.enqueue(reply('Third answer.'));
    const edited = await startChat(w.admin, 'chat.editLast', { conversationId: ids.conversationId, text: 'Question one, edited' });
    expect((await edited.finished()).status).toBe('complete');
    const page = await ok(w.admin, 'messages.list', { conversationId: ids.conversationId });
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['Question one, edited', 'Third answer.']);
    // Continuing the conversation uses its agent.
    w.fake.enqueue(reply('Fourth answer.'));
    const next = await startChat(w.admin, 'chat.send', { conversationId: ids.conversationId, text: 'And then?' });
    expect((await next.finished()).status).toBe('complete');
  });

  test('text and image attachments go with a message; above the limits: ATTACHMENT_TOO_LARGE and nothing saved', async () => {
    const note = Buffer.from('Meeting notes: the zebra project ships in May.\n');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    w.fake.enqueue(reply('Noted.'));
    const ids = await startChat(w.admin, 'chat.send', {
      agentId: adminAgent.agentId,
      text: 'Summarise the file',
      attachments: [
        { name: 'notes.txt', mime: 'text/plain', dataBase64: note.toString('base64') },
        { name: 'dot.png', mime: 'image/png', dataBase64: png.toString('base64') },
      ],
    });
    await ids.finished();
    expect(JSON.stringify(w.fake.chatRequests().at(-1)!.body)).toContain('zebra project ships in May');
    const page = await ok(w.admin, 'messages.list', { conversationId: ids.conversationId });
    const atts = page.messages[0].attachments;
    expect(atts.map((a: { name: string; kind: string; size: number }) => [a.name, a.kind, a.size])).toEqual([
      ['notes.txt', 'text', note.length],
      ['dot.png', 'image', png.length],
    ]);
    expect((await ok(w.admin, 'attachments.get', { id: atts[1].id })).dataBase64).toBe(png.toString('base64'));

    const before = (await ok(w.admin, 'conversations.list', {})).length;
    const big = Buffer.alloc(256 * 1024 + 1, 0x61).toString('base64');
    const r = await w.admin.call('chat.send', { agentId: adminAgent.agentId, text: 'Too big', attachments: [{ name: 'big.txt', mime: 'text/plain', dataBase64: big }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_TOO_LARGE', message: expect.stringContaining('big.txt') } });
    expect((await ok(w.admin, 'conversations.list', {})).length).toBe(before);
  });

  test('an image above 10 MiB answers ATTACHMENT_TOO_LARGE (over the router: the browser host caps frames at 1 MiB)', async () => {
    const conn = w.t.cubby.router.connect(() => undefined);
    expect((await w.t.cubby.router.call(conn, 'auth.login', { username: 'ada', password: 'correct horse battery' })).ok).toBe(true);
    const image = Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64');
    const r = await w.t.cubby.router.call(conn, 'chat.send', { agentId: adminAgent.agentId, text: 'x', attachments: [{ name: 'huge.png', mime: 'image/png', dataBase64: image }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'ATTACHMENT_TOO_LARGE' } });
    w.t.cubby.router.disconnect(conn);
  });
});

test('local servers on their loopback ports are offered with their models', async () => {
  expect(await ok(w.admin, 'providers.probeLocal', {})).toEqual([
    { name: 'Ollama', baseUrl: w.fake.baseUrl, models: [{ id: 'fake-large', name: 'fake-large' }, { id: 'fake-small', name: 'fake-small' }] },
  ]);
});

describe('two people at once', () => {
  test('each receives only their own chat events, and each provider request carries only its owner\'s key', async () => {
    const sentBefore = w.fake.chatRequests().length;
    w.fake.handler = (req) => reply(req.apiKey === adminAgent.key ? 'alpha '.repeat(40) : 'bravo '.repeat(40), { chunkSize: 6, delayMs: 4 });
    const adminEvents = w.admin.events.length;
    const bobEvents = w.bob.events.length;
    const [a, b] = await Promise.all([
      startChat(w.admin, 'chat.send', { agentId: adminAgent.agentId, text: 'Ada asks' }),
      startChat(w.bob, 'chat.send', { agentId: bobAgent.agentId, text: 'Bob asks' }),
    ]);
    await waitUntil(() => w.fake.openStreams() === 2, 'both streams open at once');
    const [fa, fb] = await Promise.all([a.finished(), b.finished()]);
    expect([fa.status, fb.status]).toEqual(['complete', 'complete']);
    await settle(50);
    const mine = (ws: typeof w.admin, from: number) => ws.events.slice(from).filter((e) => e.event.startsWith('chat.'));
    const adminChat = mine(w.admin, adminEvents);
    const bobChat = mine(w.bob, bobEvents);
    expect(adminChat.every((e) => (e.payload as { conversationId: string }).conversationId === a.conversationId)).toBe(true);
    expect(bobChat.every((e) => (e.payload as { conversationId: string }).conversationId === b.conversationId)).toBe(true);
    expect(JSON.stringify(adminChat)).not.toContain('bravo');
    expect(JSON.stringify(bobChat)).not.toContain('alpha');
    expect(a.deltas().join('')).toBe('alpha '.repeat(40));
    expect(b.deltas().join('')).toBe('bravo '.repeat(40));

    const requests = w.fake.chatRequests().slice(sentBefore);
    expect(requests).toHaveLength(2);
    const byKey = (key: string) => requests.filter((r) => r.apiKey === key);
    expect(byKey(adminAgent.key)).toHaveLength(1);
    expect(byKey(bobAgent.key)).toHaveLength(1);
    expect(JSON.stringify(byKey(adminAgent.key)[0]!.body)).not.toContain('Bob asks');
    expect(JSON.stringify(byKey(bobAgent.key)[0]!.body)).not.toContain('Ada asks');
    w.fake.handler = () => reply('Hello from the fake provider.');
  });

  test("Bob cannot cancel Ada's answer with her message id", async () => {
    w.fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 60 }, (_, i) => `w${i} `), delayMs: 5 });
    const a = await startChat(w.admin, 'chat.send', { agentId: adminAgent.agentId, text: 'A long one please' });
    expect(await ok(w.bob, 'chat.cancel', { messageId: a.assistantMessageId })).toEqual({ cancelled: false });
    expect((await a.finished()).status).toBe('complete');
  });
});

describe('stopping', () => {
  test('cancel stops the answer and keeps the partial text the window was shown', async () => {
    const chunks = Array.from({ length: 400 }, (_, i) => `word${i} `);
    w.fake.enqueue({ kind: 'reply', chunks, delayMs: 10 });
    const ids = await startChat(w.admin, 'chat.send', { agentId: adminAgent.agentId, text: 'Count slowly' });
    await waitForEvent(w.admin, (e) => e.event === 'chat.delta' && e.payload.messageId === ids.assistantMessageId);
    expect(await ok(w.admin, 'chat.cancel', { messageId: ids.assistantMessageId })).toEqual({ cancelled: true });
    const finished = await ids.finished();
    expect(finished.status).toBe('cancelled');
    const shown = ids.deltas().join('');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(chunks.join('').length);
    const saved = (await ok(w.admin, 'messages.list', { conversationId: ids.conversationId })).messages.at(-1);
    expect(saved).toMatchObject({ status: 'cancelled', content: shown });
    expect(await ok(w.admin, 'chat.cancel', { messageId: ids.assistantMessageId })).toEqual({ cancelled: false });
    await waitUntil(() => w.fake.openStreams() === 0, 'the provider request to end');
  });

  test('locking the window mid-answer stops it: no more events, the message is interrupted with its saved text', async () => {
    const chunks = Array.from({ length: 400 }, (_, i) => `tick${i} `);
    w.fake.enqueue({ kind: 'reply', chunks, delayMs: 5 });
    const ids = await startChat(w.bob, 'chat.send', { agentId: bobAgent.agentId, text: 'Keep going' });
    await waitForEvent(w.bob, (e) => e.event === 'chat.delta' && e.payload.messageId === ids.assistantMessageId);
    await settle(600); // past one save of the partial text (every 500 ms)
    expect((await w.bob.call('auth.lock', {})).ok).toBe(true);
    await waitForEvent(w.bob, (e) => e.event === 'session.locked');
    const eventsAtLock = w.bob.events.length;
    await waitUntil(() => w.fake.openStreams() === 0, 'the provider request to be aborted');
    await settle(200);
    expect(w.bob.events.length).toBe(eventsAtLock);
    expect(w.bob.events.some((e) => e.event === 'chat.finished' && (e.payload as { messageId: number }).messageId === ids.assistantMessageId)).toBe(false);

    expect((await w.bob.call('auth.login', { username: 'bob', password: 'purple monkey dishwasher' })).ok).toBe(true);
    const saved = (await ok(w.bob, 'messages.list', { conversationId: ids.conversationId })).messages.at(-1);
    expect(saved.status).toBe('interrupted');
    expect(saved.content.length).toBeGreaterThan(0);
    expect(chunks.join('').startsWith(saved.content)).toBe(true);
    expect(saved.content.length).toBeLessThan(chunks.join('').length);
  });
});

describe('a session ending stops its runs', () => {
  test('closing the window mid-answer aborts the provider request', async () => {
    const win = await WsClient.connect(w.t.host);
    expect((await win.call('auth.login', { username: 'ada', password: 'correct horse battery' })).ok).toBe(true);
    w.fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 400 }, (_, i) => `x${i} `), delayMs: 5 });
    const ids = await startChat(win, 'chat.send', { agentId: adminAgent.agentId, text: 'Closing soon' });
    await waitForEvent(win, (e) => e.event === 'chat.delta' && e.payload.messageId === ids.assistantMessageId);
    expect(w.fake.openStreams()).toBe(1);
    await win.close();
    await waitUntil(() => w.fake.openStreams() === 0, 'the provider request to be aborted', 2_000);
  });

  test('an administrator disabling the account mid-answer aborts it; the admin hears nothing of it', async () => {
    const users = await ok(w.admin, 'admin.users.list', {});
    const bobId = users.find((u: { username: string }) => u.username === 'bob').id;
    w.fake.enqueue({ kind: 'reply', chunks: Array.from({ length: 400 }, (_, i) => `y${i} `), delayMs: 5 });
    const adminBefore = w.admin.events.length;
    const ids = await startChat(w.bob, 'chat.send', { agentId: bobAgent.agentId, text: 'Disabled soon' });
    await waitForEvent(w.bob, (e) => e.event === 'chat.delta' && e.payload.messageId === ids.assistantMessageId);
    await ok(w.admin, 'admin.users.setDisabled', { userId: bobId, disabled: true });
    await waitUntil(() => w.fake.openStreams() === 0, 'the provider request to be aborted', 2_000);
    await settle(100);
    expect(w.bob.events.at(-1)).toEqual({ event: 'session.locked', payload: { reason: 'account-changed' } });
    expect(w.admin.events.slice(adminBefore).filter((e) => e.event.startsWith('chat.'))).toEqual([]);
    await ok(w.admin, 'admin.users.setDisabled', { userId: bobId, disabled: false });
    expect((await w.bob.call('auth.login', { username: 'bob', password: 'purple monkey dishwasher' })).ok).toBe(true);
    const saved = (await ok(w.bob, 'messages.list', { conversationId: ids.conversationId })).messages.at(-1);
    expect(saved.status).toBe('interrupted');
  });
});

describe('failures arrive as chat.finished with a code and a message, nothing of the provider', () => {
  const CASES = [
    ['auth', 'PROVIDER_AUTH'],
    ['forbidden', 'PROVIDER_AUTH'],
    ['rate', 'PROVIDER_RATE_LIMITED'],
    ['model', 'PROVIDER_MODEL_UNKNOWN'],
    ['context', 'PROVIDER_CONTEXT_TOO_LONG'],
    ['server', 'PROVIDER_ERROR'],
    ['reset', 'PROVIDER_UNREACHABLE'],
    ['midstream', 'PROVIDER_ERROR'],
  ] as const;
  for (const dialect of ['openai', 'anthropic'] as const) {
    test.each(CASES)(`${dialect}: %s -> %s`, async (failure, code) => {
      const agent = dialect === 'openai' ? adminAgent : bobAgent;
      const ws = dialect === 'openai' ? w.admin : w.bob;
      const framesBefore = ws.frames.length;
      w.fake.enqueue(failureScript(failure, dialect, agent.key));
      const ids = await startChat(ws, 'chat.send', { agentId: agent.agentId, text: `Trigger ${failure}` });
      const finished = await ids.finished();
      expect(finished.status).toBe('error');
      expect(Object.keys(finished.error).sort()).toEqual(failure === 'rate' ? ['code', 'message', 'retryAfterMs'] : ['code', 'message']);
      expect(finished.error.code).toBe(code);
      if (failure === 'rate') expect(finished.error.retryAfterMs).toBe(7000);
      const received = ws.frames.slice(framesBefore).map((f) => f.text).join('\n');
      for (const leak of [agent.key, agent.key.slice(-12), w.fake.baseUrl, '127.0.0.1', 'internal.invalid', 'Incorrect API key', 'does not exist', 'maximum context']) {
        expect(received.includes(leak), `${leak} in frames`).toBe(false);
      }
      const saved = (await ok(ws, 'messages.list', { conversationId: ids.conversationId })).messages.at(-1);
      expect(saved).toMatchObject({ status: 'error', errorCode: code, content: failure === 'midstream' ? 'Partial answer ' : '' });
    });
  }

  test('a missing key, a deleted connection and an agent without a model answer the call itself', async () => {
    const fresh = await connectAgent(w.admin, w.fake, { key: keyOf('ada2') });
    await ok(w.admin, 'secrets.delete', { id: fresh.secretId });
    expect(await w.admin.call('chat.send', { agentId: fresh.agentId, text: 'hi' })).toMatchObject({ ok: false, error: { code: 'SECRET_MISSING' } });
    await ok(w.admin, 'providers.delete', { id: fresh.connectionId });
    expect(await w.admin.call('chat.send', { agentId: fresh.agentId, text: 'hi' })).toMatchObject({ ok: false, error: { code: 'AGENT_INCOMPLETE' } });
    const bare = await ok(w.admin, 'agents.create', { name: 'No model', connectionId: adminAgent.connectionId });
    expect(await w.admin.call('chat.send', { agentId: bare.id, text: 'hi' })).toMatchObject({ ok: false, error: { code: 'AGENT_INCOMPLETE' } });
  });
});
