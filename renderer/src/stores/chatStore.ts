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
  /** The pages loaded so far, pinned first then newest, each id once. */
  conversations: Conversation[] | null;
  /** Where the next page starts (the last conversation of the last page fetched, as it was then); null: no more. */
  conversationsAfter: ConversationCursor | null;
  loadingMoreConversations: boolean;
  /** The open conversation, also when its page is not loaded (opened from a search result). */
  openInfo: Conversation | null;
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
/** Conversations per page of the sidebar's list. */
export const CONVERSATION_PAGE = 200;

export interface ConversationCursor {
  pinned: boolean;
  updatedAt: number;
  id: string;
}

const cursorOf = (c: Conversation): ConversationCursor => ({ pinned: c.pinned, updatedAt: c.updatedAt, id: c.id });

/** The list's order, as main sorts it: pinned first, then newest, then id (all descending). Negative: a comes first. */
export function compareConversations(a: ConversationCursor, b: ConversationCursor): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

export const initialChatState: ChatState = {
  conversations: null,
  conversationsAfter: null,
  loadingMoreConversations: false,
  openInfo: null,
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

/**
 * The first page again (after a send, rename, pin or delete): it replaces what was loaded up to
 * where it ends, and pages loaded further down stay (a conversation that moved up is not shown twice).
 */
export async function loadConversations(): Promise<void> {
  const current = sameSession();
  const head = await api('conversations.list', { limit: CONVERSATION_PAGE });
  if (!current()) return;
  const { conversations, conversationsAfter } = useChatStore.getState();
  if (conversations === null || head.length < CONVERSATION_PAGE) {
    useChatStore.setState({ conversations: head, conversationsAfter: head.length < CONVERSATION_PAGE ? null : cursorOf(head.at(-1)!) });
    return;
  }
  const end = cursorOf(head.at(-1)!);
  const ids = new Set(head.map((c) => c.id));
  const below = conversations.filter((c) => !ids.has(c.id) && compareConversations(c, end) > 0);
  // The next page starts after whichever is further down: the head just fetched or the pages already
  // loaded. When every page was here, the pages after the head are asked for again as the person
  // scrolls there (merged by id): conversations that appeared meanwhile (a workflow's) are not missed.
  const after = conversationsAfter !== null && compareConversations(conversationsAfter, end) > 0 ? conversationsAfter : end;
  useChatStore.setState({ conversations: [...head, ...below], conversationsAfter: after });
}

/** The next page, as the person scrolls the list down. */
export async function loadMoreConversations(): Promise<void> {
  const { conversations, conversationsAfter: after, loadingMoreConversations } = useChatStore.getState();
  if (conversations === null || after === null || loadingMoreConversations) return;
  const current = sameSession();
  useChatStore.setState({ loadingMoreConversations: true });
  try {
    const page = await api('conversations.list', { limit: CONVERSATION_PAGE, after });
    if (!current()) return;
    const now = useChatStore.getState();
    if (now.conversationsAfter !== after || now.conversations === null) return; // the list was reloaded meanwhile
    const ids = new Set(page.map((c) => c.id));
    const merged = [...now.conversations.filter((c) => !ids.has(c.id)), ...page].sort(compareConversations);
    useChatStore.setState({ conversations: merged, conversationsAfter: page.length < CONVERSATION_PAGE ? null : cursorOf(page.at(-1)!) });
  } finally {
    if (current()) useChatStore.setState({ loadingMoreConversations: false });
  }
}

/** A conversation main just answered with (renamed, pinned): in the list where it now belongs. */
function upsertConversation(c: Conversation): void {
  const { conversations, conversationsAfter, openInfo } = useChatStore.getState();
  const others = (conversations ?? []).filter((x) => x.id !== c.id);
  // Beyond the pages loaded it shows when its page comes (else it would sit out of order at the end).
  const loaded = conversationsAfter === null || compareConversations(c, conversationsAfter) <= 0;
  useChatStore.setState({
    conversations: conversations === null ? null : loaded ? [...others, c].sort(compareConversations) : others,
    openInfo: openInfo?.id === c.id ? c : openInfo,
  });
}

export function startNewChat(): void {
  useChatStore.setState({ openId: null, openInfo: null, messages: [], hasMore: false, focusMessageId: null, runErrors: {} });
}

/** Open a conversation at its last page (or, from a search result, with `messageId` to show). */
export async function openConversation(id: string, messageId: number | null = null): Promise<void> {
  const current = sameSession();
  const listed = useChatStore.getState().conversations?.find((c) => c.id === id) ?? null;
  useChatStore.setState({ openId: id, openInfo: listed, messages: [], hasMore: false, loadingMessages: true, focusMessageId: messageId, runErrors: {} });
  if (!listed) {
    void api('conversations.get', { id })
      .then((c) => {
        if (current() && useChatStore.getState().openId === id) useChatStore.setState({ openInfo: c });
      })
      .catch(() => undefined);
  }
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
    if (attachments?.length) void loadSentAttachments(ids).catch(() => undefined);
    return ids;
  } finally {
    if (current()) useChatStore.setState({ starting: false });
  }
}

/** The vault's ids of the files just sent (the message showed placeholders), so their images can show. */
async function loadSentAttachments(ids: RunIds): Promise<void> {
  const current = sameSession();
  const page = await api('messages.list', { conversationId: ids.conversationId, before: ids.assistantMessageId, limit: 1 });
  const sent = page.messages.find((m) => m.id === ids.userMessageId);
  if (!current() || !sent) return;
  const { messages } = useChatStore.getState();
  useChatStore.setState({ messages: messages.map((m) => (m.id === ids.userMessageId && m.conversationId === ids.conversationId ? { ...m, attachments: sent.attachments } : m)) });
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
          ...(e.toolCalls && { toolCalls: e.toolCalls }),
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
  const current = sameSession();
  const renamed = await api('conversations.rename', { id, title });
  if (current()) upsertConversation(renamed);
  await loadConversations();
}

export async function pinConversation(id: string, pinned: boolean): Promise<void> {
  const current = sameSession();
  const changed = await api('conversations.pin', { id, pinned });
  if (current()) upsertConversation(changed);
  await loadConversations();
}

export async function deleteConversation(id: string): Promise<void> {
  const current = sameSession();
  await api('conversations.delete', { id });
  if (!current()) return;
  if (useChatStore.getState().openId === id) startNewChat();
  const { conversations } = useChatStore.getState();
  if (conversations) useChatStore.setState({ conversations: conversations.filter((c) => c.id !== id) });
  await loadConversations();
}
