import { vaultOf, type Session } from '../accounts/session';
import { toolCallsOf } from './toolCalls';
import type { ToolCallRecord } from '../tools';
import { notFound } from '../errors';
import { attachmentsOf, type AttachmentMeta } from './attachments';
import { touchConversation } from './conversations';

/** Messages of a conversation, paged by id. */
export const MESSAGE_STATUSES = ['complete', 'streaming', 'cancelled', 'error', 'interrupted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type MessageRole = 'user' | 'assistant';

export interface Message {
  id: number;
  conversationId: string;
  role: MessageRole;
  content: string;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Time to first token, ms. */
  ttftMs: number | null;
  totalMs: number | null;
  status: MessageStatus;
  errorCode: string | null;
  createdAt: number;
  attachments: AttachmentMeta[];
  /** Calls to the person's tool servers made while writing this answer. */
  toolCalls: ToolCallRecord[];
}

interface Row {
  id: number;
  conversation_id: string;
  role: MessageRole;
  content: string;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  ttft_ms: number | null;
  total_ms: number | null;
  status: MessageStatus;
  error_code: string | null;
  created_at: number;
  tool_calls_json?: string | null;
}

const toMessage = (r: Row, attachments: AttachmentMeta[]): Message => ({
  id: r.id,
  conversationId: r.conversation_id,
  role: r.role,
  content: r.content,
  model: r.model,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  ttftMs: r.ttft_ms,
  totalMs: r.total_ms,
  status: r.status,
  errorCode: r.error_code,
  createdAt: r.created_at,
  attachments,
  toolCalls: toolCallsOf(r.tool_calls_json),
});

/**
 * Assistant messages being streamed by this process, per user: a second session of the same
 * person opening the vault must not mark a live stream of the first as interrupted.
 */
const liveStreams = new Map<string, Set<number>>();

export function markLive(session: Session, messageId: number, live: boolean): void {
  const set = liveStreams.get(session.user.id) ?? new Set<number>();
  if (live) set.add(messageId);
  else set.delete(messageId);
  if (set.size) liveStreams.set(session.user.id, set);
  else liveStreams.delete(session.user.id);
}

export function appendMessage(
  session: Session,
  conversationId: string,
  m: { role: MessageRole; content: string; status: MessageStatus; model?: string | null },
): number {
  const db = vaultOf(session);
  if (!db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId)) throw notFound('conversation');
  const now = Date.now();
  const id = Number(
    db
      .prepare('INSERT INTO messages (conversation_id, role, content, model, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(conversationId, m.role, m.content, m.model ?? null, m.status, now, now).lastInsertRowid,
  );
  touchConversation(session, conversationId, now);
  return id;
}

/** The partial answer so far (called at least once a second while streaming). */
export function savePartial(session: Session, messageId: number, content: string): void {
  vaultOf(session).prepare("UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'").run(content, Date.now(), messageId);
}

export interface MessageOutcome {
  content: string;
  status: Exclude<MessageStatus, 'streaming'>;
  errorCode?: string | null;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  ttftMs?: number | null;
  totalMs?: number | null;
}

export function finishMessage(session: Session, messageId: number, o: MessageOutcome): void {
  vaultOf(session)
    .prepare(
      `UPDATE messages SET content = ?, status = ?, error_code = ?, model = coalesce(?, model), input_tokens = ?, output_tokens = ?,
         ttft_ms = ?, total_ms = ?, updated_at = ? WHERE id = ?`,
    )
    .run(o.content, o.status, o.errorCode ?? null, o.model ?? null, o.inputTokens ?? null, o.outputTokens ?? null, o.ttftMs ?? null, o.totalMs ?? null, Date.now(), messageId);
}

export function getMessage(session: Session, messageId: number): Message {
  const row = vaultOf(session).prepare('SELECT * FROM messages WHERE id = ?').get(messageId) as Row | undefined;
  if (!row) throw notFound('message');
  return toMessage(row, attachmentsOf(session, [row.id]).get(row.id) ?? []);
}

export interface MessagePage {
  /** Oldest first. */
  messages: Message[];
  /** Older messages exist: ask again with `before` = messages[0].id. */
  hasMore: boolean;
}

/** The newest `limit` messages older than `before` (or the last page when omitted). */
export function listMessages(session: Session, conversationId: string, page: { before?: number; limit?: number } = {}): MessagePage {
  const db = vaultOf(session);
  if (!db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(conversationId)) throw notFound('conversation');
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 500);
  const before = page.before ?? Number.MAX_SAFE_INTEGER;
  const rows = db
    .prepare('SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
    .all(conversationId, before, limit + 1) as Row[];
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit).reverse();
  const attachments = attachmentsOf(session, pageRows.map((r) => r.id));
  return { messages: pageRows.map((r) => toMessage(r, attachments.get(r.id) ?? [])), hasMore };
}

/** Every message of a conversation, oldest first (export, prompt history). */
export function allMessages(session: Session, conversationId: string): Message[] {
  const rows = vaultOf(session).prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id').all(conversationId) as Row[];
  const attachments = attachmentsOf(session, rows.map((r) => r.id));
  return rows.map((r) => toMessage(r, attachments.get(r.id) ?? []));
}

/**
 * On opening a vault: answers left "streaming" by a process that died are marked
 * "interrupted", keeping the text saved so far. Streams this process is still running for the
 * same person (another of their sessions) are left alone. Returns how many were marked.
 */
export function recoverInterruptedMessages(session: Session): number {
  const db = vaultOf(session);
  const live = liveStreams.get(session.user.id) ?? new Set<number>();
  const ids = (db.prepare("SELECT id FROM messages WHERE status = 'streaming'").pluck().all() as number[]).filter((id) => !live.has(id));
  const mark = db.prepare("UPDATE messages SET status = 'interrupted', updated_at = ? WHERE id = ? AND status = 'streaming'");
  db.transaction(() => ids.forEach((id) => mark.run(Date.now(), id)))();
  return ids.length;
}
