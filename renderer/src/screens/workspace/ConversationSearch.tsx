import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SearchHit } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Snippet } from '../../components/Snippet';
import { openConversation } from '../../stores/chatStore';
import { sameSession } from '../../stores/epoch';
import { showSection } from '../../stores/sessionStore';

/**
 * Full-text search over the person's conversations. The snippet comes as parts marked as
 * matches; each part is a text node (a <mark> for matches), never HTML.
 */
export function ConversationSearch() {
  const id = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    setError(null);
    if (!q) {
      setHits(null);
      return;
    }
    const current = sameSession();
    try {
      const found = await api('search.conversations', { query: q, limit: 50 });
      if (current()) setHits(found);
    } catch (err) {
      if (current()) setError(asBridgeError(err));
    }
  };

  return (
    <div className="nav-search">
      <form role="search" aria-label="Conversations" onSubmit={submit} autoComplete="off">
        <label htmlFor={`${id}-q`} className="visually-hidden">
          Search conversations
        </label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Search conversations"
          value={query}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            if (!e.target.value) setHits(null);
          }}
        />
      </form>
      <ErrorAlert error={error} />
      {hits ? (
        <div className="search-results" role="region" aria-label="Search results">
          <p className="nav-note" role="status">
            {hits.length === 0 ? 'Nothing found.' : `${hits.length} found`}
          </p>
          <ul>
            {hits.map((h, i) => (
              <li key={`${h.conversationId}-${h.messageId ?? 't'}-${i}`}>
                <button
                  type="button"
                  className="search-hit"
                  data-message-id={h.messageId ?? undefined}
                  onClick={() => {
                    void openConversation(h.conversationId, h.messageId).catch(() => undefined);
                    showSection('chat');
                  }}
                >
                  <span className="search-hit-title">{h.conversationTitle || 'Untitled'}</span>
                  <span className="search-hit-snippet">
                    <Snippet parts={h.snippet} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => (setHits(null), setQuery(''))}>
            Clear search
          </button>
        </div>
      ) : null}
    </div>
  );
}
