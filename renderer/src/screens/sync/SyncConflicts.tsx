import { useId } from 'react';
import { api } from '../../bridge';
import { formatDateTime } from '../../components/formatTime';
import { useBusyAction } from '../../components/useBusyAction';
import { loadSyncConflicts, syncAction, useSyncStore } from '../../stores/syncStore';
import { SyncErrorAlert } from './syncErrors';

/**
 * Edits two devices made to the same text at the same time: the later one is in use, the other
 * kept here so nothing is lost. The person keeps the current one or puts the lost one back.
 */
export function SyncConflicts() {
  const id = useId();
  const conflicts = useSyncStore((s) => s.conflicts);
  const { busy, error, run } = useBusyAction(loadSyncConflicts);
  if (!conflicts || conflicts.length === 0) return null;
  return (
    <section className="card card-flush" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Conflicts</h2>
      </div>
      <p className="card-pad hint">
        Two devices changed the same thing before they synced. The later change is in use; the other is kept here until you decide.
      </p>
      <ul className="item-list">
        {conflicts.map((c) => (
          <li key={c.id} className="sync-conflict">
            <h3 className="item-name">{c.what}</h3>
            <p className="item-note">
              Changed on {c.lostDeviceName}, {formatDateTime(c.at)}
            </p>
            <div className="sync-versions">
              <div>
                <h4>In use now</h4>
                <pre className="sync-value">{c.currentValue}</pre>
              </div>
              <div>
                <h4>Not used (from {c.lostDeviceName})</h4>
                <pre className="sync-value">{c.lostValue}</pre>
              </div>
            </div>
            <div className="actions">
              <button type="button" className="btn btn-small" disabled={busy} aria-label={`Keep the current version of ${c.what}`} onClick={() => run(() => syncAction(() => api('sync.resolveConflict', { id: c.id, keep: 'current' })))}>
                Keep current
              </button>
              <button type="button" className="btn btn-small" disabled={busy} aria-label={`Restore the version from ${c.lostDeviceName} of ${c.what}`} onClick={() => run(() => syncAction(() => api('sync.resolveConflict', { id: c.id, keep: 'lost' })))}>
                Restore the other version
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div className="card-pad">
        <SyncErrorAlert error={error} />
      </div>
    </section>
  );
}
