import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { RecoveryKeyPanel } from '../../components/RecoveryKeyPanel';
import { useSessionStore } from '../../stores/sessionStore';

/** Issue a new recovery key (the old one stops working); asks for the password, shows the key once. */
export function RecoveryKeyCard() {
  const username = useSessionStore((s) => s.session?.username ?? '');
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Recovery key</h2>
      <p className="card-lead">
        Lost your recovery key, or think someone else has seen it? Make a new one. The old key stops working at once.
      </p>
      <div className="actions">
        <button type="button" className="btn" onClick={() => setOpen(true)}>
          Create a new recovery key…
        </button>
      </div>
      {open ? <RenewDialog username={username} onClose={() => setOpen(false)} /> : null}
    </section>
  );
}

function RenewDialog({ username, onClose }: { username: string; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [key, setKey] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { recoveryKey } = await api('account.renewRecoveryKey', { password });
      setPassword('');
      setKey(recoveryKey);
    } catch (err) {
      setError(asBridgeError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New recovery key" onClose={onClose}>
      {key ? (
        <RecoveryKeyPanel recoveryKey={key} username={username} heading="Save your new recovery key" continueLabel="Done" onContinue={onClose} />
      ) : (
        <form onSubmit={submit} aria-busy={busy}>
          <p>Enter your password to confirm it is you.</p>
          <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <ErrorAlert error={error} />
          <div className="actions actions-split">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <BusyButton busy={busy} busyLabel="Creating key…" disabled={!password}>
              Create new key
            </BusyButton>
          </div>
        </form>
      )}
    </Dialog>
  );
}
