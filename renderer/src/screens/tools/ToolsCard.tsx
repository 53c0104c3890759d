import { useCallback, useEffect, useId, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { ToolServerView, ToolView } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { sameSession } from '../../stores/epoch';
import { loadSecrets, useLibraryStore } from '../../stores/libraryStore';
import { usePolicyStore } from '../../stores/policyStore';
import { ToolServerForm } from './ToolServerForm';

const STATE: Record<ToolServerView['state'], string> = { stopped: 'Not running', starting: 'Starting…', running: 'Running', failed: 'Failed' };

/** Settings › Tools: the person's MCP servers, each one's status, its tools and their approvals. */
export function ToolsCard() {
  const id = useId();
  const allowed = usePolicyStore((s) => s.policy?.allowOwnToolServers);
  const secrets = useLibraryStore((s) => s.secrets);
  const [servers, setServers] = useState<ToolServerView[] | null>(null);
  const [tools, setTools] = useState<Record<string, ToolView[] | 'loading'>>({});
  const [editing, setEditing] = useState<{ server: ToolServerView | null; kind: 'stdio' | 'http' } | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const forbidden = allowed?.value === false;

  const reload = useCallback(async () => {
    const current = sameSession();
    try {
      const list = await api('tools.servers.list', {});
      if (current()) setServers(list);
    } catch (err) {
      if (current()) setError(asBridgeError(err));
    }
  }, []);
  useEffect(() => {
    if (forbidden) return;
    void reload();
    void loadSecrets().catch(() => undefined);
  }, [forbidden, reload]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(asBridgeError(err));
    }
    await reload();
  };
  const showTools = (s: ToolServerView) =>
    act(async () => {
      setTools((t) => ({ ...t, [s.id]: 'loading' }));
      try {
        const list = await api('tools.list', { serverId: s.id });
        setTools((t) => ({ ...t, [s.id]: list }));
      } catch (err) {
        setTools((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== s.id)));
        throw err;
      }
    });

  return (
    <section className="card card-flush" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Tools</h2>
        {!forbidden ? (
          <span className="cell-actions">
            <button type="button" className="btn btn-small" onClick={() => setEditing({ server: null, kind: 'stdio' })}>
              Add command server
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing({ server: null, kind: 'http' })}>
              Add HTTP server
            </button>
          </span>
        ) : null}
      </div>
      {forbidden ? <p className="card-pad muted">Your organization does not allow adding your own tool servers on this computer.</p> : null}
      {!forbidden ? <p className="card-pad hint">Agents can use the tools of your servers after you allow each one. A server runs for you only, with your keys, and stops when you lock.</p> : null}
      {servers && servers.length === 0 ? <p className="card-pad muted">No tool servers yet.</p> : null}
      <div className="card-pad">
        <ErrorAlert error={error} />
      </div>
      <ul className="item-list">
        {(servers ?? []).map((s) => {
          const listed = tools[s.id];
          return (
            <li key={s.id} className="item-row tool-server" data-state={s.state}>
              <span className="item-text">
                <span className="item-name">{s.name}</span>
                <span className="item-note">
                  {s.kind === 'stdio' ? `Command: ${s.command ?? ''}` : `HTTP: ${s.url ?? ''}`} · {STATE[s.state]}
                  {s.errorCode === 'SECRET_MISSING' ? ' (a key it uses is missing)' : ''}
                </span>
                {listed === 'loading' ? <span className="item-note">Starting and listing tools…</span> : null}
                {Array.isArray(listed) ? (
                  <ul className="tool-list" aria-label={`Tools of ${s.name}`}>
                    {listed.map((t) => (
                      <li key={t.name}>
                        <span className="mono">{t.name}</span> — {t.approved ? 'Always allowed' : t.changedSinceApproval ? 'Changed since you allowed it: asks again' : 'Asks before use'}
                        {t.approved || t.changedSinceApproval ? (
                          <button
                            type="button"
                            className="btn btn-small btn-ghost"
                            aria-label={`Revoke approval of ${t.name}`}
                            onClick={() => act(() => api('tools.approvals.revoke', { serverId: s.id, toolName: t.name }).then(() => showTools(s)))}
                          >
                            Revoke
                          </button>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </span>
              <span className="cell-actions">
                <button type="button" className="btn btn-small" aria-label={`Show tools of ${s.name}`} onClick={() => showTools(s)}>
                  Tools
                </button>
                <button type="button" className="btn btn-small" aria-label={`Edit ${s.name}`} onClick={() => setEditing({ server: s, kind: s.kind })}>
                  Edit
                </button>
                <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${s.name}`} onClick={() => act(() => api('tools.servers.delete', { id: s.id }))}>
                  Delete
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {editing ? (
        <ToolServerForm
          server={editing.server}
          kind={editing.kind}
          secrets={secrets ?? []}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setTools({});
            void reload();
          }}
        />
      ) : null}
    </section>
  );
}
