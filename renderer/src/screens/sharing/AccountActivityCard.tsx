import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { ActivityEntry } from '../../bridge/types';
import { ACTION_LABELS } from '../../components/auditLabels';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/formatTime';
import { sameSession } from '../../stores/epoch';
import { useSharingStore } from '../../stores/sharingStore';
import { LEVEL_LABELS } from './levelLabels';
import type { AccessLevel } from '../../bridge/types';

const PAGE = 50;
const BY = { you: 'You', administrator: 'An administrator', someone: 'Someone who manages an agent' } as const;

function detail(e: ActivityEntry): string {
  const parts: string[] = [];
  if (e.agentName) parts.push(e.agentName);
  if (e.level) parts.push(e.level in LEVEL_LABELS ? LEVEL_LABELS[e.level as AccessLevel] : e.level);
  if (e.viaGroup) parts.push(`group ${e.viaGroup}`);
  return parts.join(' · ');
}

/** What administrators and managers did to this person's account and access, newest first. */
export function AccountActivityCard() {
  const shared = useSharingStore((s) => s.shared);
  const [entries, setEntries] = useState<ActivityEntry[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const load = async (beforeId?: number) => {
    const current = sameSession();
    try {
      const page = await api('activity.mine', { limit: PAGE, ...(beforeId ? { beforeId } : {}) });
      if (!current()) return;
      setEntries((old) => (beforeId ? [...(old ?? []), ...page] : page));
      setHasMore(page.length === PAGE);
    } catch (e) {
      if (current()) setError(asBridgeError(e));
    }
  };
  // Again when access changed (shared.changed refreshes the shared list).
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shared]);

  return (
    <section className="card activity-card" aria-labelledby="activity-title">
      <h2 id="activity-title">Account activity</h2>
      <p className="card-lead">Changes others made to your account and to what is shared with you.</p>
      <ErrorAlert error={error} />
      {entries === null ? (
        !error && <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <table className="table" aria-labelledby="activity-title">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">By</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{ACTION_LABELS[e.action]}</td>
                <td>{BY[e.by]}</td>
                <td className="cell-wrap">{detail(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hasMore ? (
        <div className="actions">
          <button type="button" className="btn" onClick={() => void load(entries?.at(-1)?.id)}>
            Show older
          </button>
        </div>
      ) : null}
    </section>
  );
}
