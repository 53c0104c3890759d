import { z } from 'zod';
import { vaultOf, type Session } from '../accounts/session';
import { notFound } from '../errors';
import { bool, newId, parseInput } from './common';

/** Conversations: a title, the agent (and its name at the time, so history survives deleting it), pinned. */
export interface Conversation {
  id: string;
  title: string;
  agentId: string | null;
  /** The agent's name when the conversation was started: shown after the agent is deleted. */
  agentName: string;
  /** A shared agent from the catalog (agentId is then null); it may since have gone or been revoked. */
  sharedAgentId: string | null;
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
}

const Title = z.string().trim().min(1, 'A title cannot be empty.').max(200, 'A title has at most 200 characters.');

interface Row {
  id: string;
  title: string;
  agent_id: string | null;
  agent_name: string;
  shared_agent_id: string | null;
  pinned: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, title, agent_id, agent_name, shared_agent_id, pinned, created_at, updated_at';
const toConversation = (r: Row): Conversation => ({
  id: r.id,
  title: r.title,
  agentId: r.agent_id,
  agentName: r.agent_name,
  sharedAgentId: r.shared_agent_id,
  pinned: bool(r.pinned),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * The title of a new conversation: the first words of the person's first message (at most 8
 * words, 60 characters). Chosen over a second model call: free, instant, sends nothing more to
 * the provider, and the person can rename it.
 */
export function titleFromText(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 8).join(' ');
  const cut = words.length > 60 ? `${words.slice(0, 59).trimEnd()}…` : words;
  return cut || 'New chat';
}

/** `agentId` null: a conversation with an agent defined elsewhere (shared agents, workflows); `agentName` labels it. */
export function createConversation(
  session: Session,
  input: { agentId: string | null; agentName?: string; title?: string; sharedAgentId?: string | null },
): Conversation {
  const db = vaultOf(session);
  let agentName = input.agentName ?? '';
  if (input.agentId) {
    const agent = db.prepare('SELECT name FROM agents WHERE id = ?').get(input.agentId) as { name: string } | undefined;
    if (!agent) throw notFound('agent');
    agentName = agent.name;
  }
  const id = newId();
  const now = Date.now();
  db.prepare('INSERT INTO conversations (id, title, agent_id, agent_name, shared_agent_id, pinned, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)').run(
    id,
    input.title ? parseInput(Title, input.title) : 'New chat',
    input.agentId,
    agentName,
    input.sharedAgentId ?? null,
    now,
    now,
  );
  return getConversation(session, id);
}

export function getConversation(session: Session, id: string): Conversation {
  const row = vaultOf(session).prepare(`SELECT ${COLUMNS} FROM conversations WHERE id = ?`).get(id) as Row | undefined;
  if (!row) throw notFound('conversation');
  return toConversation(row);
}

/** Where a page of the list ended: the last conversation's place in the order. */
export interface ConversationCursor {
  pinned: boolean;
  updatedAt: number;
  id: string;
}

/**
 * Pinned first, then the most recently active (ties by id). With `after`, the page after that
 * place: a keyset, so conversations that become active between pages (they move to the top)
 * neither repeat nor push others out of the pages still to come.
 */
export function listConversations(session: Session, page: { limit?: number; offset?: number; after?: ConversationCursor } = {}): Conversation[] {
  const limit = Math.min(Math.max(page.limit ?? 200, 1), 1000);
  const offset = Math.max(page.offset ?? 0, 0);
  const db = vaultOf(session);
  const order = 'ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT ? OFFSET ?';
  const rows = page.after
    ? db
        .prepare(`SELECT ${COLUMNS} FROM conversations WHERE (pinned, updated_at, id) < (?, ?, ?) ${order}`)
        .all(page.after.pinned ? 1 : 0, page.after.updatedAt, page.after.id, limit, offset)
    : db.prepare(`SELECT ${COLUMNS} FROM conversations ${order}`).all(limit, offset);
  return (rows as Row[]).map(toConversation);
}

export function renameConversation(session: Session, id: string, title: string): Conversation {
  const t = parseInput(Title, title);
  if (vaultOf(session).prepare('UPDATE conversations SET title = ? WHERE id = ?').run(t, id).changes === 0) throw notFound('conversation');
  return getConversation(session, id);
}

export function pinConversation(session: Session, id: string, pinned: boolean): Conversation {
  if (vaultOf(session).prepare('UPDATE conversations SET pinned = ? WHERE id = ?').run(pinned ? 1 : 0, id).changes === 0) {
    throw notFound('conversation');
  }
  return getConversation(session, id);
}

/** Messages and attachments go with it (ON DELETE CASCADE), and the FTS triggers drop them from search. */
export function deleteConversation(session: Session, id: string): void {
  if (vaultOf(session).prepare('DELETE FROM conversations WHERE id = ?').run(id).changes === 0) throw notFound('conversation');
}

/** Mark activity (a new message): moves it up the list. */
export function touchConversation(session: Session, id: string, at = Date.now()): void {
  vaultOf(session).prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(at, id);
}
