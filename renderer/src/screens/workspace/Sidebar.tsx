import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../bridge/types';
import { loadConversations, startNewChat, useChatStore } from '../../stores/chatStore';
import { showSection, type WorkspaceSection } from '../../stores/sessionStore';
import { ConversationList } from './ConversationList';
import { ConversationSearch } from './ConversationSearch';
import { SharedNav } from '../sharing/SharedNav';

const ITEMS: { id: WorkspaceSection; label: string; admin?: boolean }[] = [
  { id: 'home', label: 'Home' },
  { id: 'agents', label: 'Agents' },
  { id: 'providers', label: 'Providers and keys' },
  { id: 'memory', label: 'Memory' },
  { id: 'shared', label: 'Shared agents' },
  { id: 'workflows', label: 'Workflows' },
  { id: 'sync', label: 'Sync' },
  { id: 'settings', label: 'Settings' },
  { id: 'users', label: 'Users', admin: true },
  { id: 'groups', label: 'Groups', admin: true },
  { id: 'audit', label: 'Audit log', admin: true },
];

/** Navigation: a new chat, the person's conversations (and a search over them), then the other sections. */
export function Sidebar({ session, current }: { session: SessionInfo; current: WorkspaceSection }) {
  const conversations = useChatStore((s) => s.conversations);
  const openId = useChatStore((s) => s.openId);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (conversations === null) loadConversations().catch((e: Error) => setLoadError(e.message));
  }, [conversations]);

  const visible = ITEMS.filter((i) => !i.admin || session.isAdmin);
  const item = (i: (typeof ITEMS)[number]) => (
    <li key={i.id}>
      <button
        type="button"
        className={i.id === current ? 'nav-item nav-item-active' : 'nav-item'}
        aria-current={i.id === current ? 'page' : undefined}
        onClick={() => showSection(i.id)}
      >
        {i.label}
      </button>
    </li>
  );
  const chatOpen = current === 'chat';
  return (
    <nav className="sidebar" aria-label="Workspace">
      <button
        type="button"
        className="btn btn-primary nav-new-chat"
        aria-current={chatOpen && openId === null ? 'page' : undefined}
        onClick={() => {
          startNewChat();
          showSection('chat');
        }}
      >
        New chat
      </button>
      <ConversationSearch />
      <h2 className="nav-heading" id="conversations-nav">
        Chats
      </h2>
      {loadError ? <p className="nav-note">{loadError}</p> : null}
      {conversations && conversations.length === 0 ? <p className="nav-note">No conversations yet.</p> : null}
      <ConversationList labelledBy="conversations-nav" chatOpen={chatOpen} />
      <SharedNav />
      <ul>{visible.filter((i) => !i.admin).map(item)}</ul>
      {session.isAdmin ? (
        <>
          <h2 className="nav-heading">Administration</h2>
          <ul>{visible.filter((i) => i.admin).map(item)}</ul>
        </>
      ) : null}
    </nav>
  );
}
