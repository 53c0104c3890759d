import { useId } from 'react';
import { api } from '../../bridge';
import type { SyncStatus } from '../../bridge/types';
import { formatDateTime } from '../../components/formatTime';
import { useBusyAction } from '../../components/useBusyAction';
import { syncAction } from '../../stores/syncStore';
import { SYNC_NEXT_STEP, SyncErrorAlert } from './syncErrors';

const PHASE: Record<NonNullable<SyncStatus['progress']>['phase'], string> = { upload: 'Uploading', download: 'Downloading', apply: 'Applying changes' };

/** The one line that says where sync stands. */
export function statusLine(s: SyncStatus): string {
  switch (s.state) {
    case 'syncing':
      return s.firstSync ? 'First sync in progress…' : 'Syncing…';
    case 'paused':
      return 'Paused. Nothing is sent or received until you resume.';
    case 'error':
      return `Sync failed: ${s.error?.message ?? 'an error occurred.'}`;
    case 'waiting-for-approval':
      return 'Waiting for approval from another device.';
    case 'removed':
      return 'This device was removed from sync.';
    case 'off':
      return 'Sync is off.';
    case 'idle':
      return s.lastSyncAt ? `Up to date. Last synced ${formatDateTime(s.lastSyncAt)}.` : 'Up to date.';
  }
}

/** Status, first-sync progress, pause/resume and sync now, and the banners that need a decision. */
export function SyncStatusCard({ status }: { status: SyncStatus }) {
  const id = useId();
  const { busy, error, run } = useBusyAction();
  const act = (fn: () => Promise<SyncStatus>) => run(() => syncAction(fn));
  const p = status.progress;
  const percent = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Status</h2>
      <p className="sync-status" role="status" data-state={status.state}>
        {statusLine(status)}
      </p>
      {status.target ? <p className="hint">Encrypted copy: {status.target.label}</p> : null}
      {status.state === 'error' && status.error && SYNC_NEXT_STEP[status.error.code] ? (
        <p className="hint" data-code={status.error.code}>
          {SYNC_NEXT_STEP[status.error.code]}
        </p>
      ) : null}
      {p && (status.firstSync || status.state === 'syncing') ? (
        <div className="sync-progress">
          <div
            className="sync-progress-bar"
            role="progressbar"
            aria-label={status.firstSync ? 'First sync' : 'Sync progress'}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${PHASE[p.phase]}: ${p.done} of ${p.total}`}
          >
            <span style={{ width: `${percent}%` }} />
          </div>
          <p className="hint">
            {PHASE[p.phase]}: {p.done.toLocaleString()} of {p.total.toLocaleString()}
          </p>
        </div>
      ) : null}
      <div className="actions">
        {status.state === 'paused' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => act(() => api('sync.resume', {}))}>
            Resume
          </button>
        ) : (
          <button type="button" className="btn" disabled={busy} onClick={() => act(() => api('sync.pause', {}))}>
            Pause
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={busy || status.state === 'paused' || status.state === 'syncing'} onClick={() => act(() => api('sync.syncNow', {}))}>
          Sync now
        </button>
      </div>
      <SyncErrorAlert error={error} />
    </section>
  );
}
