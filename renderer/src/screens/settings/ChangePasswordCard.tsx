import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { mismatch, NewPasswordFields } from '../../components/NewPasswordFields';

export function ChangePasswordCard() {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    setLocalError(mismatch(password, confirm));
    if (password !== confirm) return;
    setBusy(true);
    try {
      await api('account.changePassword', { currentPassword: current, newPassword: password });
      setDone(true);
      setCurrent('');
      setPassword('');
      setConfirm('');
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Change password</h2>
      <p className="card-lead">Your vault is not re-encrypted; only the key that opens it is rewrapped.</p>
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <NewPasswordFields label="New password" password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        <LocalError message={localError} />
        <ErrorAlert error={error} />
        <div className="actions">
          <span className="status-text" role="status">
            {done ? 'Password changed.' : ''}
          </span>
          <BusyButton busy={busy} busyLabel="Changing password…">
            Change password
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
