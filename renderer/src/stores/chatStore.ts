import { create } from 'zustand';
import { api, bridge } from '../bridge';
import type { AttachmentUpload, Conversation, EventPayload, Message, RunIds } from '../bridge/types';
import { sameSession } from './epoch';

/**
 * Conversations and the open conversation's messages, with the answer that is streaming into
 * it. `chat.delta` carries only the text added since the previous one: it is appended to its
 * message when that message is in the open conversation, and ignored otherwise (another
 * conversation reloads from the vault when opened). In memory only; dropped on lock.
 */
export interface RunError {
  code: string;
  message: string;
}

interface ChatState {
  conversations: Conversation[] | null;
  /** null: a new chat (no conversation yet). */
  openId: string | null;
  messages: Message[];
  hasMore: boolean;
  loadingMessages: boolean;
  /** A search result to show: the message to scroll to once loaded. */
  focusMessageId: number | null;
  /** Error details of answers that ended with an error in this window (the list has the code only). */
  runErrors: Record<number, RunError>;
  /** A send, retry or edit is on its way to main. */
  starting: boolean;
}

export const MESSAGE_PAGE = 50;

export const initialChatState: ChatState = {
  conversations: null,
  openId: null,
  messages: [],
  hasMore: false,
  loadingMessages: false,
  focusMessageId: null,
  runErrors: {},
  starting: false,
};

export const useChatStore = create<ChatState>()(() => initialChatState);

/** Deltas that arrived before the call that started their run answered (by message id). */
let early = new Map<number, { conversationId: string; text: string }>();

export async function loadConversations(): Promise<void> {
  const current = sameSession();
  const conversations = await api('conversations.list', { limit: 500 });
  if (current()) useChatStore.setState({ conversations });
}

export function startNewChat(): void {
  useChatStore.setState({ openId: null, messages: [], hasMore: false, focusMessageId: null, runErrors: {} });
}

/** Open a conversation at its last page (or, from a search result, with `messageId` to show). */
export async function openConversation(id: string, messageId: number | null = null): Promise<void> {
  const current = sameSession();
  useChatStore.setState({ openId: id, messages: [], hasMore: false, loadingMessages: true, focusMessageId: messageId, runErrors: {} });
  try {
    const page = await api('messages.list', { conversationId: id, limit: MESSAGE_PAGE });
    if (!current() || useChatStore.getState().openId !== id) return;
    useChatStore.setState({ messages: page.messages, hasMore: page.hasMore });
  } finally {
    if (current() && useChatStore.getState().openId === id) useChatStore.setState({ loadingMessages: false });
  }
}

/** The page before the oldest loaded message. False when there was nothing more. */
export async function loadOlderMessages(): Promise<boolean> {
  const { openId, messages, hasMore, loadingMessages } = useChatStore.getState();
  const oldest = messages[0];
  if (!openId || !oldest || !hasMore || loadingMessages) return false;
  const current = sameSession();
  useChatStore.setState({ loadingMessages: true });
  try {
    const page = await api('messages.list', { conversationId: openId, before: oldest.id, limit: MESSAGE_PAGE });
    const now = useChatStore.getState();
    if (!current() || now.openId !== openId) return false;
    useChatStore.setState({ messages: [...page.messages, ...now.messages], hasMore: page.hasMore });
    return page.messages.length > 0;
  } finally {
    if (current() && useChatStore.getState().openId === openId) useChatStore.setState({ loadingMessages: false });
  }
}

function placeholder(ids: RunIds, role: 'user' | 'assistant', content: string, attachments: Message['attachments'] = []): Message {
  return {
    id: role === 'user' ? ids.userMessageId : ids.assistantMessageId,
    conversationId: ids.conversationId,
    role,
    content,
    model: null,
    inputTokens: null,
    outputTokens: null,
    ttftMs: null,
    totalMs: null,
    status: role === 'user' ? 'complete' : 'streaming',
    errorCode: null,
    createdAt: Date.now(),
    attachments,
  };
}

/**
 * A run started: messages from the person's (new or re-answered) message on are replaced by it
 * and an empty streaming answer, which any deltas that came early fill at once.
 */
function applyRunStart(ids: RunIds, userText: string, attachments: Message['attachments'] | null): void {
  const state = useChatStore.getState();
  const kept = state.openId === ids.conversationId ? state.messages.filter((m) => m.id < ids.userMessageId) : [];
  const previous = state.messages.find((m) => m.id === ids.userMessageId);
  const answer = placeholder(ids, 'assistant', '');
  const pending = early.get(ids.assistantMessageId);
  if (pending && pending.conversationId === ids.conversationId) answer.content = pending.text;
  early = new Map();
  useChatStore.setState({
    openId: ids.conversationId,
    messages: [...kept, placeholder(ids, 'user', userText, attachments ?? previous?.attachments ?? []), answer],
    hasMore: state.openId === ids.conversationId ? state.hasMore : false,
    focusMessageId: null,
  });
}

async function startRun(start: () => Promise<RunIds>, userText: (ids: RunIds) => string, attachments: Message['attachments'] | null): Promise<RunIds | null> {
  const current = sameSession();
  early = new Map();
  useChatStore.setState({ starting: true });
  try {
    const ids = await start();
    // Answered after a lock: the window no longer shows this person's conversations.
    if (!current()) return null;
    applyRunStart(ids, userText(ids), attachments);
    void loadConversations().catch(() => undefined);
    return ids;
  } finally {
    if (current()) useChatStore.setState({ starting: false });
  }
}

export function sendMessage(input: { text: string; agentId?: string; sharedAgentId?: string; attachments?: AttachmentUpload[] }): Promise<RunIds | null> {
  const { openId } = useChatStore.getState();
  const uploads = input.attachments ?? [];
  const metas = uploads.map((a, i) => ({
    id: `pending-${i}`,
    kind: a.mime.startsWith('image/') ? ('image' as const) : ('text' as const),
    name: a.name,
    mime: a.mime,
    size: Math.floor((a.dataBase64.length * 3) / 4),
  }));
  return startRun(
    () =>
      api('chat.send', {
        ...(openId ? { conversationId: openId } : {}),
        ...(input.agentId ? { agentId: input.agentId } : {}),
        ...(input.sharedAgentId ? { sharedAgentId: input.sharedAgentId } : {}),
        text: input.text,
        ...(uploads.length ? { attachments: uploads } : {}),
      }),
    () => input.text,
    metas,
  );
}

export function retryLast(): Promise<RunIds | null> {
  const { openId, messages } = useChatStore.getState();
  if (!openId) return Promise.resolve(null);
  return startRun(
    () => api('chat.retry', { conversationId: openId }),
    (ids) => messages.find((m) => m.id === ids.userMessageId)?.content ?? '',
    null,
  );
}

export function editLast(text: string): Promise<RunIds | null> {
  const { openId } = useChatStore.getState();
  if (!openId) return Promise.resolve(null);
  return startRun(() => api('chat.editLast', { conversationId: openId, text }), () => text, null);
}

export async function cancelRun(messageId: number): Promise<void> {
  await api('chat.cancel', { messageId });
}

export function applyDelta({ conversationId, messageId, text }: EventPayload<'chat.delta'>): void {
  const state = useChatStore.getState();
  if (state.starting && !state.messages.some((m) => m.id === messageId)) {
    const pending = early.get(messageId);
    early.set(messageId, { conversationId, text: (pending?.text ?? '') + text });
    return;
  }
  if (state.openId !== conversationId) return;
  let found = false;
  const messages = state.messages.map((m) => {
    if (m.id !== messageId || m.conversationId !== conversationId) return m;
    found = true;
    return { ...m, content: m.content + text, status: 'streaming' as const };
  });
  if (found) useChatStore.setState({ messages });
}

export function applyFinished(e: EventPayload<'chat.finished'>): void {
  const state = useChatStore.getState();
  if (state.openId !== e.conversationId) return;
  if (!state.messages.some((m) => m.id === e.messageId)) return;
  const messages = state.messages.map((m) =>
    m.id === e.messageId
      ? {
          ...m,
          status: e.status,
          errorCode: e.error?.code ?? null,
          model: e.model,
          inputTokens: e.inputTokens,
          outputTokens: e.outputTokens,
          ttftMs: e.ttftMs,
          totalMs: e.totalMs,
        }
      : m,
  );
  const runErrors = e.error ? { ...state.runErrors, [e.messageId]: { code: e.error.code, message: e.error.message } } : state.runErrors;
  useChatStore.setState({ messages, runErrors });
}

let listening = false;

/** Subscribe once per window: main sends these only to this window's session. */
export function listenForChatEvents(): void {
  if (listening) return;
  listening = true;
  bridge.on('chat.delta', applyDelta);
  bridge.on('chat.finished', applyFinished);
}

export function resetChatRuns(): void {
  early = new Map();
}

export async function renameConversation(id: string, title: string): Promise<void> {
  await api('conversations.rename', { id, title });
  await loadConversations();
}

export async function pinConversation(id: string, pinned: boolean): Promise<void> {
  await api('conversations.pin', { id, pinned });
  await loadConversations();
}

export async function deleteConversation(id: string): Promise<void> {
  const current = sameSession();
  await api('conversations.delete', { id });
  if (current() && useChatStore.getState().openId === id) startNewChat();
  await loadConversations();
}
