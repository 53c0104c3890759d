import { useEffect, useId, useState } from 'react';
import { asBridgeError, type BridgeCallError } from '../../bridge';
import type { AttachmentUpload, Message } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { cancelRun, editLast, retryLast, sendMessage, useChatStore } from '../../stores/chatStore';
import { loadAgents, useLibraryStore } from '../../stores/libraryStore';
import { showSection } from '../../stores/sessionStore';
import { chooseNewChatAgent, sharedAgentGone, useSharingStore } from '../../stores/sharingStore';
import { AgentPicker, choiceName, resolveChoice, sendTarget, usableShared } from '../sharing/AgentPicker';
import { UnavailableNotice } from '../sharing/UnavailableNotice';
import { Composer } from './Composer';
import { ConversationActions } from './ConversationActions';
import { MessageList } from './MessageList';

/** A conversation with an agent (or a new one, with the agent picker), its messages and the message box. */
export default function ChatSection() {
  const id = useId();
  const openId = useChatStore((s) => s.openId);
  const conversations = useChatStore((s) => s.conversations);
  const openInfo = useChatStore((s) => s.openInfo);
  const messages = useChatStore((s) => s.messages);
  const starting = useChatStore((s) => s.starting);
  const agents = useLibraryStore((s) => s.agents);
  const shared = useSharingStore((s) => s.shared);
  const agentId = useSharingStore((s) => s.newChatChoice);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const streamingMessage = messages.find((m) => m.status === 'streaming');

  useEffect(() => {
    if (agents === null) loadAgents().catch((e) => setError(asBridgeError(e)));
  }, [agents]);
  // Esc stops the answer from anywhere in the chat (a dialog's Esc closes the dialog instead).
  const streamingId = streamingMessage?.id;
  useEffect(() => {
    if (streamingId === undefined) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      void cancelRun(streamingId).catch((err) => setError(asBridgeError(err)));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [streamingId]);
  useEffect(() => {
    setEditing(false);
    setError(null);
  }, [openId]);

  // Listed, or (opened from a search in pages not loaded yet) fetched on its own.
  const conversation = conversations?.find((c) => c.id === openId) ?? (openInfo?.id === openId ? openInfo : null);
  const chosenAgent = resolveChoice(agentId, agents, shared);
  const agentName = conversation?.agentName ?? choiceName(chosenAgent, agents, shared) ?? 'Agent';
  // A shared agent deleted or no longer usable: the conversation stays readable, read-only.
  const gone = sharedAgentGone(conversation, shared);
  const lastUserIndex = messages.findLastIndex((m) => m.role === 'user');
  const lastIndex = messages.length - 1;

  const attempt = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    }
  };
  const stop = () => {
    if (streamingMessage) void attempt(() => cancelRun(streamingMessage.id));
  };
  const send = async (text: string, attachments: AttachmentUpload[]) => {
    const ok = await attempt(() => (editing ? editLast(text) : sendMessage({ text, ...(openId ? {} : sendTarget(chosenAgent)), attachments })));
    if (ok) {
      setDraft('');
      setEditing(false);
    }
    return ok;
  };
  const actionsFor = (m: Message, i: number) => ({
    isLastUser: i === lastUserIndex && !streamingMessage,
    isLastAnswer: i === lastIndex && m.role === 'assistant',
    busy: starting || gone,
    onStop: () => void attempt(() => cancelRun(m.id)),
    onRetry: () => void attempt(() => retryLast()),
    onEdit: () => {
      setDraft(m.content);
      setEditing(true);
      document.getElementById(`${id}-composer`)?.querySelector('textarea')?.focus();
    },
  });

  const noAgents = agents !== null && agents.length === 0 && usableShared(shared).length === 0;
  return (
    <section className="chat" aria-labelledby={`${id}-title`}>
      <div className="chat-head">
        <div>
          <h1 id={`${id}-title`} className="page-title" tabIndex={-1}>
            {openId ? (conversation?.title ?? 'Conversation') : 'New chat'}
          </h1>
          {conversation ? <p className="muted chat-agent">With {conversation.agentName}</p> : null}
        </div>
        {conversation ? <ConversationActions conversation={conversation} /> : null}
      </div>
      {!openId ? (
        <div className="chat-new">
          {noAgents ? (
            <div className="placeholder">
              <p className="placeholder-title">No agents yet</p>
              <p>
                Connect a provider first; Cubby then creates an assistant for you.{' '}
                <button type="button" className="link" onClick={() => showSection('providers')}>
                  Open providers and keys
                </button>
              </p>
            </div>
          ) : (
            <AgentPicker value={chosenAgent} onChange={chooseNewChatAgent} agents={agents} shared={shared} />
          )}
        </div>
      ) : (
        <MessageList agentName={agentName} actionsFor={actionsFor} />
      )}
      <ErrorAlert error={error} />
      {gone ? <UnavailableNotice agentName={conversation?.agentName ?? 'This shared agent'} id={`${id}-gone`} /> : null}
      <div id={`${id}-composer`}>
        <Composer
          disabled={(!openId && !chosenAgent) || gone}
          busy={starting}
          streaming={streamingMessage !== undefined}
          onSend={send}
          onStop={stop}
          draft={draft}
          setDraft={setDraft}
          editing={editing}
          onCancelEdit={() => {
            setEditing(false);
            setDraft('');
          }}
        />
      </div>
    </section>
  );
}
