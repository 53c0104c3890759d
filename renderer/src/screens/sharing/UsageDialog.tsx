import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { AccessLogEntry, SharedAgentSummary } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/formatTime';
import { sameSession } from '../../stores/epoch';

const PAGE = 100;

/**
 * Who used a shared agent and when (managers): one row per message sent to it. What they wrote
 * stays in their own vaults; nobody else can open their conversations.
 */
export function UsageDialog({ agent, onClose }: { agent: SharedAgentSummary; onClose(): void }) {
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const load = async (beforeId?: number) => {
    const current = sameSession();
    try {
      const page = await api('shared.accessLog', { id: agent.id, limit: PAGE, ...(beforeId ? { beforeId } : {}) });
      if (!current()) return;
      setEntries((old) => (beforeId ? [...(old ?? []), ...page] : page));
      setHasMore(page.length === PAGE);
    } catch (e) {
      if (current()) setError(asBridgeError(e));
    }
  };
  useEffect(() => {
    void load();
    // Once on open; older pages on request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agent.id]);

  return (
    <Dialog title={`Usage of ${agent.name}`} onClose={onClose}>
      <p className="muted">Who used it and when. What they wrote stays in their own encrypted vault: nobody else can open it.</p>
      <ErrorAlert error={error} />
      {entries === null ? (
        !error && <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nobody has used it yet.</p>
      ) : (
        <table className="table" aria-label={`Usage of ${agent.name}`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.user?.displayName ?? 'Deleted account'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        {hasMore ? (
          <button type="button" className="btn" onClick={() => void load(entries?.at(-1)?.id)}>
            Show older
          </button>
        ) : null}
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
