import { useEffect } from 'react';
import type { SessionInfo } from '../../bridge/types';
import { openConversation, startNewChat, useChatStore } from '../../stores/chatStore';
import { loadAgents, useLibraryStore } from '../../stores/libraryStore';
import { showSection } from '../../stores/sessionStore';

/** The user's own space: their agents and latest conversations, one click from a chat. */
export function HomeSection({ session }: { session: SessionInfo }) {
  const firstName = session.displayName.split(/\s+/)[0];
  const agents = useLibraryStore((s) => s.agents);
  const conversations = useChatStore((s) => s.conversations);
  useEffect(() => {
    if (agents === null) loadAgents().catch(() => undefined);
  }, [agents]);

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title" className="page-title" tabIndex={-1}>
        Welcome, {firstName}
      </h1>
      <p className="page-lead">This workspace is encrypted and only you can open it.</p>
      <div className="grid-2">
        <section className="card" aria-labelledby="agents-title">
          <h2 id="agents-title">Agents</h2>
          {agents && agents.length > 0 ? (
            <ul className="home-list">
              {agents.slice(0, 6).map((a) => (
                <li key={a.id}>{a.name}</li>
              ))}
            </ul>
          ) : (
            <div className="placeholder">
              <p className="placeholder-title">No agents yet</p>
              <p>Connect a provider under Providers and keys; Cubby then creates an assistant for you.</p>
            </div>
          )}
          <div className="actions">
            <button type="button" className="btn btn-small" onClick={() => showSection(agents?.length ? 'agents' : 'providers')}>
              {agents?.length ? 'Manage agents' : 'Connect a provider'}
            </button>
          </div>
        </section>
        <section className="card" aria-labelledby="conversations-title">
          <h2 id="conversations-title">Conversations</h2>
          {conversations && conversations.length > 0 ? (
            <ul className="home-list">
              {conversations.slice(0, 6).map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      void openConversation(c.id).catch(() => undefined);
                      showSection('chat');
                    }}
                  >
                    {c.title || 'Untitled'}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <div className="placeholder">
              <p className="placeholder-title">No conversations yet</p>
              <p>Your conversations with agents will be listed here. Nobody else at this computer can read them.</p>
            </div>
          )}
          <div className="actions">
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => {
                startNewChat();
                showSection('chat');
              }}
            >
              Start a chat
            </button>
          </div>
        </section>
      </div>
    </section>
  );
}
