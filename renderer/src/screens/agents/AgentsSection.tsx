import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { Agent } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { loadAgents, loadProviders, useLibraryStore } from '../../stores/libraryStore';
import { AgentEditor } from './AgentEditor';
import { PublishActions } from '../sharing/PublishActions';

const COLOURS = ['#4f6bd8', '#297e73', '#865cc7', '#ac5c2a', '#36789b', '#b2487a', '#557d35', '#6b7280'];
const hueOf = (colour: string) => Math.max(0, COLOURS.indexOf(colour));

/** The person's agents: create, edit, duplicate, delete. */
export default function AgentsSection() {
  const agents = useLibraryStore((s) => s.agents);
  const providers = useLibraryStore((s) => s.providers);
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  useEffect(() => {
    if (agents === null) loadAgents().catch((e) => setError(asBridgeError(e)));
    if (providers === null) loadProviders().catch((e) => setError(asBridgeError(e)));
  }, [agents, providers]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await loadAgents();
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    }
  };
  const connectionName = (id: string | null) => providers?.find((p) => p.id === id)?.name ?? 'No connection';

  return (
    <section aria-labelledby="agents-title">
      <div className="page-head">
        <h1 id="agents-title" className="page-title" tabIndex={-1}>
          Agents
        </h1>
        {editing === null ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New agent
          </button>
        ) : null}
      </div>
      <p className="page-lead">Each agent has its own instructions, model and memory access. Only you can use your agents.</p>
      <div className="stack">
        {editing !== null ? <AgentEditor key={editing === 'new' ? 'new' : editing.id} agent={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
        <ErrorAlert error={error} />
        <section className="card card-flush" aria-labelledby="agents-list-title">
          <h2 id="agents-list-title" className="visually-hidden">
            Your agents
          </h2>
          {agents && agents.length === 0 ? (
            <div className="placeholder">
              <p className="placeholder-title">No agents yet</p>
              <p>Create one, or connect a provider and Cubby creates an assistant for you.</p>
            </div>
          ) : (
            <ul className="item-list">
              {(agents ?? []).map((a) => (
                <li key={a.id} className="item-row">
                  <span className={`avatar avatar-sm avatar-hue-${hueOf(a.avatarColor)}`} aria-hidden="true">
                    {a.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="item-text">
                    <span className="item-name">{a.name}</span>
                    <span className="item-note">
                      {a.description ? `${a.description} · ` : ''}
                      {connectionName(a.connectionId)}
                      {a.model ? ` · ${a.model}` : ' · no model'}
                    </span>
                  </span>
                  <span className="cell-actions">
                    <button type="button" className="btn btn-small" aria-label={`Edit ${a.name}`} onClick={() => setEditing(a)}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-small" aria-label={`Duplicate ${a.name}`} onClick={() => void run(() => api('agents.duplicate', { id: a.id }))}>
                      Duplicate
                    </button>
                    <PublishActions agent={a} />
                    <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${a.name}`} onClick={() => setDeleting(a)}>
                      Delete
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)}>
          <p>Its conversations stay, showing the name it had.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                const target = deleting;
                setDeleting(null);
                if (await run(() => api('agents.delete', { id: target.id }))) {
                  if (editing !== null && editing !== 'new' && editing.id === target.id) setEditing(null);
                }
              }}
            >
              Delete agent
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
