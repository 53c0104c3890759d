import { vaultOf, type Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { allTermsQuery, MATCH_END, MATCH_START, MIN_TERM_CHARS, snippetParts, type SnippetPart } from './fts';

/** Full-text search over the person's messages and conversation titles (FTS5 in the vault). */
export interface SearchHit {
  conversationId: string;
  conversationTitle: string;
  /** null: the title matched. Otherwise open the conversation at this message. */
  messageId: number | null;
  snippet: SnippetPart[];
  createdAt: number;
}

export function searchConversations(session: Session, query: string, opts: { limit?: number } = {}): SearchHit[] {
  const match = allTermsQuery(query);
  if (!match) throw new CubbyError('VALIDATION', `Type at least ${MIN_TERM_CHARS} characters to search.`);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const db = vaultOf(session);
  const titles = db
    .prepare(
      `SELECT c.id AS conversationId, c.title AS conversationTitle, highlight(conversations_fts, 0, ?, ?) AS marked, c.updated_at AS createdAt
       FROM conversations_fts JOIN conversations c ON c.seq = conversations_fts.rowid
       WHERE conversations_fts MATCH ? ORDER BY bm25(conversations_fts) LIMIT ?`,
    )
    .all(MATCH_START, MATCH_END, match, limit) as (Omit<SearchHit, 'snippet' | 'messageId'> & { marked: string })[];
  // 64 tokens, FTS5's most: with the trigram tokenizer a token is about one character, and
  // fewer cut the words around a match short.
  const messages = db
    .prepare(
      `SELECT m.conversation_id AS conversationId, c.title AS conversationTitle, m.id AS messageId,
              snippet(messages_fts, 0, ?, ?, '…', 64) AS marked, m.created_at AS createdAt
       FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id
       WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts) LIMIT ?`,
    )
    .all(MATCH_START, MATCH_END, match, limit) as (Omit<SearchHit, 'snippet'> & { marked: string })[];
  const hits: SearchHit[] = [
    ...titles.map(({ marked, ...t }) => ({ ...t, messageId: null, snippet: snippetParts(marked) })),
    ...messages.map(({ marked, ...m }) => ({ ...m, snippet: snippetParts(marked) })),
  ];
  return hits.slice(0, limit);
}
