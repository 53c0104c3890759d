import '../../styles/sync.css';
import { useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { SetByOrganization } from '../../components/SetByOrganization';
import { useBusyAction } from '../../components/useBusyAction';
import { usePolicyStore } from '../../stores/policyStore';
import { loadSyncStatus, syncAction, useSyncStore } from '../../stores/syncStore';
import { SyncConflicts } from './SyncConflicts';
import { SyncDevices } from './SyncDevices';
import { MassDeletionHold, PairRequests, SyncWarnings } from './SyncNotices';
import { SyncSetupForm } from './SyncSetupForm';
import { SyncStatusCard } from './SyncStatusCard';
import { SyncErrorAlert } from './syncErrors';

function TurnOffDialog({ onClose }: { onClose: () => void }) {
  const { busy, error, run } = useBusyAction();
  const turnOff = async () => {
    if (await run(() => syncAction(() => api('sync.turnOff', {})))) onClose();
  };
  return (
    <Dialog title="Turn off sync on this device?" onClose={onClose}>
      <p>This computer stops sending and receiving changes. Your vault here keeps everything it has; the storage and your other devices are left as they are.</p>
      <SyncErrorAlert error={error} />
      <div className="actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <BusyButton type="button" className="btn btn-danger" busy={busy} busyLabel="Turning off…" onClick={() => void turnOff()}>
          Turn off sync
        </BusyButton>
      </div>
    </Dialog>
  );
}

/** This device asked to join: the code to compare on a device that already syncs. */
function JoinWaiting({ code }: { code: string | null }) {
  const id = useId();
  const { busy, error, run } = useBusyAction();
  return (
    <section className="card sync-join" aria-labelledby={`${id}-title`} aria-busy="true">
      <h2 id={`${id}-title`}>Approve this device on another one</h2>
      {code ? (
        <>
          <p>On a computer that already syncs, open Sync. It shows a request from this device with a code. Approve it only if it is exactly this code:</p>
          <p className="sync-code" data-testid="join-code" aria-label={`Code ${code.split('').join(' ')}`}>
            {code}
          </p>
        </>
      ) : (
        <p>This device asked to join. On a computer that already syncs, open Sync and approve it if the code there matches the one shown here when you asked.</p>
      )}
      <p className="muted">
        <span className="spinner" aria-hidden="true" /> Waiting for approval… This page moves on by itself.
      </p>
      <SyncErrorAlert error={error} />
      <div className="actions">
        <button type="button" className="btn" disabled={busy} onClick={() => run(() => syncAction(() => api('sync.turnOff', {})))}>
          Cancel
        </button>
      </div>
    </section>
  );
}

/** Settings of this person's sync: set it up or join, then status, devices, conflicts. */
export default function SyncSection() {
  const status = useSyncStore((s) => s.status);
  const loadError = useSyncStore((s) => s.loadError);
  const joinCode = useSyncStore((s) => s.status?.joinCode ?? null);
  const allowSync = usePolicyStore((s) => s.policy?.allowSync);
  const [turningOff, setTurningOff] = useState(false);
  const forbidden = allowSync?.value === false;

  useEffect(() => {
    if (!forbidden) void loadSyncStatus();
  }, [forbidden]);

  let body;
  if (forbidden) {
    body = (
      <p className="card muted">
        Your organization does not allow sync on this computer.
        <SetByOrganization />
      </p>
    );
  } else if (loadError) {
    body = <SyncErrorAlert error={loadError} />;
  } else if (!status) {
    body = (
      <p className="muted" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  } else if (status.state === 'off') {
    body = <SyncSetupForm />;
  } else if (status.state === 'waiting-for-approval') {
    body = <JoinWaiting code={joinCode} />;
  } else {
    body = (
      <>
        {status.state === 'removed' ? (
          <div className="alert alert-warn" role="alert">
            <p>This device was removed from your sync on another device. It no longer receives changes. Turn sync off here, then join again if you want it back.</p>
          </div>
        ) : null}
        <MassDeletionHold status={status} />
        <SyncWarnings status={status} />
        <SyncStatusCard status={status} />
        <PairRequests status={status} />
        <SyncConflicts />
        <SyncDevices />
        <div className="actions">
          <button type="button" className="btn btn-danger-outline" onClick={() => setTurningOff(true)}>
            Turn off sync…
          </button>
        </div>
        {turningOff ? <TurnOffDialog onClose={() => setTurningOff(false)} /> : null}
      </>
    );
  }

  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title" className="page-title" tabIndex={-1}>
        Sync
      </h1>
      <p className="page-lead">Keep this vault the same on your other computers, end-to-end encrypted. Only you can see or change your sync.</p>
      <div className="stack">{body}</div>
    </section>
  );
}
