import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SharedAgentSummary } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { startNewChat } from '../../stores/chatStore';
import { showSection, useSessionStore } from '../../stores/sessionStore';
import { chooseSharedAgent, loadShared, useSharingStore } from '../../stores/sharingStore';
import { atLeast } from '../../../../main/core/sharing/levels';
import { LEVEL_LABELS } from './levelLabels';
import { SharedAgentEditor } from './SharedAgentEditor';
import { ShareDialog } from './ShareDialog';
import { MemoryChoice } from './MemoryChoice';
import { UsageDialog } from './UsageDialog';

const KIND_NAMES = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'OpenAI-compatible' } as const;

/**
 * Shared agents this person may see, with what their level lets them do: chat (use), edit,
 * share, usage and delete (manage). Administrators see all of them and create new ones.
 */
export default function SharedAgentsSection() {
  const isAdmin = useSessionStore((s) => s.session?.isAdmin === true);
  const shared = useSharingStore((s) => s.shared);
  const [editing, setEditing] = useState<SharedAgentSummary | 'new' | null>(null);
  const [sharing, setSharing] = useState<SharedAgentSummary | null>(null);
  const [usage, setUsage] = useState<SharedAgentSummary | null>(null);
  const [deleting, setDeleting] = useState<SharedAgentSummary | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  useEffect(() => {
    loadShared().catch((e) => setError(asBridgeError(e)));
  }, []);
  // An agent removed under an open dialog (deleted, access revoked): the dialog closes.
  const still = (a: SharedAgentSummary | null) => (a && shared?.find((s) => s.id === a.id)) ?? null;
  const sharingNow = still(sharing);
  const usageNow = still(usage);

  const remove = async (agent: SharedAgentSummary) => {
    setDeleting(null);
    setError(null);
    try {
      await api('shared.delete', { id: agent.id });
      await loadShared();
    } catch (e) {
      setError(asBridgeError(e));
    }
  };

  return (
    <section aria-labelledby="shared-title">
      <div className="page-head">
        <h1 id="shared-title" className="page-title" tabIndex={-1}>
          Shared agents
        </h1>
        {isAdmin && editing === null ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New shared agent
          </button>
        ) : null}
      </div>
      <p className="page-lead">
        Agents shared on this computer. Your conversations with them stay in your own vault; whoever shared them sees only when they were used.
      </p>
      <div className="stack">
        {editing !== null ? <SharedAgentEditor key={editing === 'new' ? 'new' : editing.id} agent={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
        <ErrorAlert error={error} />
        <section className="card card-flush" aria-labelledby="shared-list-title">
          <h2 id="shared-list-title" className="visually-hidden">
            Shared agents you can see
          </h2>
          {shared && shared.length === 0 ? (
            <div className="placeholder">
              <p className="placeholder-title">Nothing shared yet</p>
              <p>{isAdmin ? 'Create one, or publish one of your own agents from Agents.' : 'Agents someone shares with you appear here.'}</p>
            </div>
          ) : (
            <ul className="item-list">
              {(shared ?? []).map((a) => (
                <li key={a.id} className="item-row" data-shared-agent={a.id}>
                  <span className="item-text">
                    <span className="item-name">{a.name}</span>
                    <span className="item-note">
                      {a.description ? `${a.description} · ` : ''}
                      {a.needsOwnConnection ? `Runs on your own ${KIND_NAMES[a.needsOwnConnection]} connection` : 'Runs on a shared key'}
                      {a.isOwner ? ' · You own it' : ''}
                    </span>
                  </span>
                  <span className="badge badge-info">{LEVEL_LABELS[a.level]}</span>
                  {atLeast(a.level, 'use') ? <MemoryChoice agent={a} /> : null}
                  <span className="cell-actions">
                    {atLeast(a.level, 'use') ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Chat with ${a.name}`}
                        onClick={() => {
                          startNewChat();
                          chooseSharedAgent(a.id);
                          showSection('chat');
                        }}
                      >
                        Chat
                      </button>
                    ) : null}
                    {atLeast(a.level, 'edit') ? (
                      <button type="button" className="btn btn-small" aria-label={`Edit ${a.name}`} onClick={() => setEditing(a)}>
                        Edit
                      </button>
                    ) : null}
                    {atLeast(a.level, 'share') ? (
                      <button type="button" className="btn btn-small" aria-label={`Share ${a.name}`} onClick={() => setSharing(a)}>
                        Share
                      </button>
                    ) : null}
                    {atLeast(a.level, 'manage') ? (
                      <>
                        <button type="button" className="btn btn-small" aria-label={`Usage of ${a.name}`} onClick={() => setUsage(a)}>
                          Usage
                        </button>
                        <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${a.name}`} onClick={() => setDeleting(a)}>
                          Delete
                        </button>
                      </>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {sharingNow ? <ShareDialog agent={sharingNow} onClose={() => setSharing(null)} /> : null}
      {usageNow ? <UsageDialog agent={usageNow} onClose={() => setUsage(null)} /> : null}
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)}>
          <p>Everyone loses access at once. Their conversations with it stay in their vaults, to read only.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void remove(deleting)}>
              Delete shared agent
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
