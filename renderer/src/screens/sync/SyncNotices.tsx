import { useId } from 'react';
import { api } from '../../bridge';
import type { SyncStatus } from '../../bridge/types';
import { formatDateTime } from '../../components/formatTime';
import { useBusyAction } from '../../components/useBusyAction';
import { syncAction } from '../../stores/syncStore';
import { SyncErrorAlert } from './syncErrors';

/** Objects set aside because they failed their checks: shown until the person dismisses them. */
export function SyncWarnings({ status }: { status: SyncStatus }) {
  const { busy, error, run } = useBusyAction();
  if (status.warnings.length === 0) return null;
  return (
    <div className="alert alert-warn sync-banner" role="region" aria-label="Sync warnings">
      <p>
        <strong>Cubby set aside {status.warnings.length === 1 ? 'something' : `${status.warnings.length} things`} from your storage that failed its checks.</strong> None
        of it was applied to your vault or sent anywhere.
      </p>
      <ul>
        {status.warnings.map((w, i) => (
          <li key={`${w.at}-${i}`} data-code={w.code}>
            {formatDateTime(w.at)}: {w.message}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => run(() => syncAction(() => api('sync.dismissWarnings', {})))}>
          Dismiss warnings
        </button>
      </div>
      <SyncErrorAlert error={error} />
    </div>
  );
}

/** Another device deleted a lot at once: nothing of it is applied until the person decides. */
export function MassDeletionHold({ status }: { status: SyncStatus }) {
  const { busy, error, run } = useBusyAction();
  const held = status.pendingMassDeletion;
  if (!held) return null;
  const decide = (apply: boolean) => run(() => syncAction(() => api('sync.decideMassDeletion', { apply })));
  return (
    <div className="alert alert-danger sync-banner" role="region" aria-label="Deletion waiting for you">
      <p>
        <strong>
          {held.deviceName} deleted {held.count.toLocaleString()} {held.count === 1 ? 'item' : 'items'} at once.
        </strong>{' '}
        Cubby has not deleted anything here yet. Apply it if you meant to; otherwise keep your items and they come back on {held.deviceName} too.
      </p>
      <div className="actions">
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => decide(true)}>
          Apply the deletion
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => decide(false)}>
          Keep my items
        </button>
      </div>
      <SyncErrorAlert error={error} />
    </div>
  );
}

/** New devices asking to join: approve only when the code matches the one the new device shows. */
export function PairRequests({ status }: { status: SyncStatus }) {
  const id = useId();
  const { busy, error, run } = useBusyAction();
  if (status.pairRequests.length === 0) return null;
  return (
    <section className="card card-flush sync-pair" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Devices asking to join</h2>
      </div>
      <p className="card-pad hint">
        Approve a device only if it is yours and it shows exactly the same code. Approving gives it your sync key: it can read everything in your vault.
      </p>
      <ul className="item-list">
        {status.pairRequests.map((r) => (
          <li key={r.id} className="item-row">
            <span className="item-text">
              <span className="item-name">{r.deviceName}</span>
              <span className="item-note">Asked {formatDateTime(r.at)}</span>
            </span>
            <span className="sync-code sync-code-small" aria-label={`Code ${r.code.split('').join(' ')}`} data-testid="pair-request-code">
              {r.code}
            </span>
            <span className="cell-actions">
              <button type="button" className="btn btn-small btn-primary" disabled={busy} aria-label={`Approve ${r.deviceName}`} onClick={() => run(() => syncAction(() => api('sync.approvePairing', { requestId: r.id })))}>
                Approve
              </button>
              <button type="button" className="btn btn-small" disabled={busy} aria-label={`Reject ${r.deviceName}`} onClick={() => run(() => syncAction(() => api('sync.rejectPairing', { requestId: r.id })))}>
                Reject
              </button>
            </span>
          </li>
        ))}
      </ul>
      <div className="card-pad">
        <SyncErrorAlert error={error} />
      </div>
    </section>
  );
}
