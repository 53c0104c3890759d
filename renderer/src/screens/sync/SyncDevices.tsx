import { useId, useState } from 'react';
import { api } from '../../bridge';
import type { SyncDevice } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { BusyButton } from '../../components/BusyButton';
import { formatDateTime } from '../../components/formatTime';
import { useBusyAction } from '../../components/useBusyAction';
import { loadSyncDevices, syncAction, useSyncStore } from '../../stores/syncStore';
import { SyncErrorAlert } from './syncErrors';

function RemoveDialog({ device, onClose }: { device: SyncDevice; onClose: () => void }) {
  const { busy, error, run } = useBusyAction(loadSyncDevices);
  const remove = async () => {
    if (await run(() => syncAction(() => api('sync.removeDevice', { deviceId: device.id })))) onClose();
  };
  return (
    <Dialog title={`Remove ${device.name}?`} onClose={onClose}>
      <p>
        {device.name} stops receiving your changes. Cubby makes a new sync key that {device.name} never gets, so it cannot read anything synced from now on, even
        if it still reaches the storage.
      </p>
      <p className="hint">
        What it already has stays on it. If it is lost or no longer yours, also change the storage’s access key or password, so it cannot write there either.
        To sync there again later, join from it again and approve it here.
      </p>
      <SyncErrorAlert error={error} />
      <div className="actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <BusyButton type="button" className="btn btn-danger" busy={busy} busyLabel="Removing…" onClick={() => void remove()}>
          Remove device
        </BusyButton>
      </div>
    </Dialog>
  );
}

/** Every device in this person's sync, with when each was last heard from. */
export function SyncDevices() {
  const id = useId();
  const devices = useSyncStore((s) => s.devices);
  const [removing, setRemoving] = useState<SyncDevice | null>(null);
  return (
    <section className="card card-flush" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Devices</h2>
      </div>
      {devices === null ? <p className="card-pad muted">Loading devices…</p> : null}
      <ul className="item-list" aria-labelledby={`${id}-title`}>
        {(devices ?? []).map((d) => (
          <li key={d.id} className="item-row sync-device">
            <span className="item-text">
              <span className="item-name">
                {d.name} {d.thisDevice ? <span className="badge badge-info">This device</span> : null}
              </span>
              <span className="item-note">
                Added {formatDateTime(d.addedAt)} · {d.thisDevice ? 'Syncing from here' : d.lastSeenAt ? `Last heard from ${formatDateTime(d.lastSeenAt)}` : 'Not heard from yet'}
              </span>
            </span>
            {!d.thisDevice ? (
              <span className="cell-actions">
                <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Remove ${d.name}`} onClick={() => setRemoving(d)}>
                  Remove
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {removing ? <RemoveDialog device={removing} onClose={() => setRemoving(null)} /> : null}
    </section>
  );
}
