import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ATTACHMENT_LIMITS as CONTRACT_LIMITS, MESSAGE_MAX_CHARS as CONTRACT_MAX } from '../../preload/contract';
import { FakeBridge } from './fakeBridge';

/**
 * The chat and library stores (issue 9) against a fake window.cubby: they are filled through
 * their real loaders, then every way a session ends must empty them; answers and chat events
 * that arrive after a lock must not fill them again; deltas of another conversation are ignored.
 */
const bridge = new FakeBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/appStore') &
  typeof import('../../renderer/src/stores/chatStore') &
  typeof import('../../renderer/src/stores/libraryStore') &
  typeof import('../../renderer/src/stores/reset');
let s: Stores;

beforeAll(async () => {
  s = {
    ...(await import('../../renderer/src/stores/appStore')),
    ...(await import('../../renderer/src/stores/chatStore')),
    ...(await import('../../renderer/src/stores/libraryStore')),
    ...(await import('../../renderer/src/stores/reset')),
  };
  s.startApp();
});

const MARK = 'ada-secret-marker';
const CONV = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const AGENT = { id: '33333333-3333-4333-8333-333333333333', name: `Agent ${MARK}`, description: '', avatarColor: '#4f6bd8', instructions: MARK, connectionId: null, model: 'm', temperature: null, maxOutputTokens: null, memoryAccess: 'read', createdAt: 1, updatedAt: 1 };
const CONVERSATION = { id: CONV, title: `About ${MARK}`, agentId: AGENT.id, agentName: AGENT.name, pinned: false, createdAt: 1, updatedAt: 2 };
const msg = (id: number, role: 'user' | 'assistant', content: string, status = 'complete') => ({
  id, conversationId: CONV, role, content, model: null, inputTokens: null, outputTokens: null, ttftMs: null, totalMs: null, status, errorCode: null, createdAt: id, attachments: [],
});
const LOCKED_STATUS = { setUp: true, users: [{ username: 'ada', displayName: 'Ada' }], session: null, lockedUser: { username: 'ada', displayName: 'Ada' } };
const INITIAL_CHAT = { conversations: null, conversationsAfter: null, loadingMoreConversations: false, openInfo: null, openId: null, messages: [], hasMore: false, loadingMessages: false, focusMessageId: null, runErrors: {}, starting: false };
const INITIAL_LIBRARY = { agents: null, providers: null, secrets: null, memory: null };

async function fill(): Promise<void> {
  bridge
    .answer('conversations.list', [CONVERSATION])
    .answer('messages.list', { messages: [msg(1, 'user', `Tell me ${MARK}`), msg(2, 'assistant', `Sure ${MARK}`)], hasMore: true })
    .answer('agents.list', [AGENT])
    .answer('providers.list', [{ id: 'p', kind: 'openai', name: `Conn ${MARK}`, baseUrl: null, secretId: null, createdAt: 1, updatedAt: 1 }])
    .answer('secrets.list', [{ id: 's', name: `Key ${MARK}`, last4: 'abcd', usedBy: [], createdAt: 1, updatedAt: 1 }])
    .answer('memory.list', [{ id: 'f', text: `Fact ${MARK}`, source: 'person', createdAt: 1, updatedAt: 1 }]);
  await s.loadConversations();
  await s.openConversation(CONV);
  await Promise.all([s.loadAgents(), s.loadProviders(), s.loadSecrets(), s.loadMemory()]);
  expect(JSON.stringify([s.useChatStore.getState(), s.useLibraryStore.getState()]).split(MARK).length).toBeGreaterThan(7);
}

function expectDropped(): void {
  expect(s.useChatStore.getState()).toEqual(INITIAL_CHAT);
  expect(s.useLibraryStore.getState()).toEqual(INITIAL_LIBRARY);
  expect(JSON.stringify([s.useChatStore.getState(), s.useLibraryStore.getState()])).not.toContain(MARK);
}

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.answer('auth.lock', {}).answer('auth.signOut', {}).answer('app.status', LOCKED_STATUS);
  s.resetUserStores();
});

describe('chat and library stores', () => {
  it('the attachment limits the renderer checks are the contract’s', async () => {
    const { ATTACHMENT_LIMITS, MESSAGE_MAX_CHARS } = await import('../../renderer/src/bridge/limits');
    expect(ATTACHMENT_LIMITS).toEqual(CONTRACT_LIMITS);
    expect(MESSAGE_MAX_CHARS).toBe(CONTRACT_MAX);
  });

  it('Lock, Sign out and main’s session.locked each drop them', async () => {
    await fill();
    await s.lockWindow();
    expectDropped();
    await fill();
    await s.signOut();
    expectDropped();
    await fill();
    bridge.emit('session.locked', { reason: 'idle' });
    expectDropped();
  });

  it('answers that arrive after the lock are discarded, and so are chat events', async () => {
    await fill();
    const slow = ['conversations.list', 'messages.list', 'agents.list', 'memory.list', 'chat.send'] as const;
    bridge.answer('chat.send', { conversationId: CONV, userMessageId: 3, assistantMessageId: 4 });
    for (const c of slow) bridge.hold(c);
    const loads = [s.loadConversations(), s.openConversation(CONV), s.loadAgents(), s.loadMemory(), s.sendMessage({ text: `More ${MARK}` })];
    await s.lockWindow();
    for (const c of slow) await bridge.release(c);
    await Promise.allSettled(loads);
    bridge.emit('chat.delta', { conversationId: CONV, messageId: 4, text: MARK });
    bridge.emit('chat.finished', { conversationId: CONV, messageId: 4, status: 'complete', model: 'm', inputTokens: 1, outputTokens: 1, ttftMs: 1, totalMs: 2 });
    expectDropped();
  });

  it('a send shows the message and a streaming answer that the deltas fill; finished sets its status', async () => {
    await fill();
    bridge.answer('chat.send', { conversationId: CONV, userMessageId: 3, assistantMessageId: 4 });
    bridge.hold('chat.send');
    const sent = s.sendMessage({ text: 'Next question' });
    // A delta that overtakes the call's answer is kept for the answer it belongs to.
    bridge.emit('chat.delta', { conversationId: CONV, messageId: 4, text: 'Hel' });
    await bridge.release('chat.send');
    await sent;
    bridge.emit('chat.delta', { conversationId: CONV, messageId: 4, text: 'lo' });
    let last = s.useChatStore.getState().messages.at(-1)!;
    expect(last).toMatchObject({ id: 4, role: 'assistant', content: 'Hello', status: 'streaming' });
    expect(s.useChatStore.getState().messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    bridge.emit('chat.finished', { conversationId: CONV, messageId: 4, status: 'error', error: { code: 'PROVIDER_RATE_LIMITED', message: 'Too many requests' }, model: 'm', inputTokens: 5, outputTokens: 2, ttftMs: 10, totalMs: 20 });
    last = s.useChatStore.getState().messages.at(-1)!;
    expect(last).toMatchObject({ content: 'Hello', status: 'error', errorCode: 'PROVIDER_RATE_LIMITED', inputTokens: 5, totalMs: 20 });
    expect(s.useChatStore.getState().runErrors[4]).toEqual({ code: 'PROVIDER_RATE_LIMITED', message: 'Too many requests' });
  });

  it('deltas and endings of another conversation, or of unknown messages, are ignored', async () => {
    await fill();
    const before = JSON.stringify(s.useChatStore.getState().messages);
    bridge.emit('chat.delta', { conversationId: OTHER, messageId: 2, text: 'intruder' });
    bridge.emit('chat.delta', { conversationId: CONV, messageId: 99, text: 'stray' });
    bridge.emit('chat.finished', { conversationId: OTHER, messageId: 2, status: 'cancelled', model: 'm', inputTokens: null, outputTokens: null, ttftMs: null, totalMs: 1 });
    expect(JSON.stringify(s.useChatStore.getState().messages)).toBe(before);
  });

  it('retry replaces the answer after the last message; older pages are prepended', async () => {
    await fill();
    bridge.answer('chat.retry', { conversationId: CONV, userMessageId: 1, assistantMessageId: 5 });
    await s.retryLast();
    expect(s.useChatStore.getState().messages.map((m) => [m.id, m.content, m.status])).toEqual([
      [1, `Tell me ${MARK}`, 'complete'],
      [5, '', 'streaming'],
    ]);
    bridge.answer('messages.list', { messages: [msg(0, 'user', 'older')], hasMore: false });
    expect(await s.loadOlderMessages()).toBe(true);
    expect(s.useChatStore.getState().messages[0]!.content).toBe('older');
    expect(s.useChatStore.getState().hasMore).toBe(false);
  });
});
