import { useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SessionInfo } from '../../bridge/types';
import { AuthCard } from '../../components/AuthCard';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { mismatch, NewPasswordFields } from '../../components/NewPasswordFields';
import { RecoveryKeyPanel } from '../../components/RecoveryKeyPanel';
import { enterWorkspace } from '../../stores/appStore';

/** Forgotten password or lost keychain entry: recovery key + new password, then a new recovery key. */
export function RecoverForm({ initialUsername, onBack }: { initialUsername: string; onBack: () => void }) {
  const [username, setUsername] = useState(initialUsername);
  const [recoveryKey, setRecoveryKey] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState<{ session: SessionInfo; recoveryKey: string } | null>(null);

  if (done) {
    return (
      <AuthCard title="Your password is changed" wide>
        <div className="alert alert-success" role="status">
          <p>Your new password is set, and your old recovery key no longer works.</p>
        </div>
        <RecoveryKeyPanel
          recoveryKey={done.recoveryKey}
          username={done.session.username}
          continueLabel="Continue to Cubby"
          heading="Save your new recovery key"
          onContinue={() => enterWorkspace(done.session)}
        />
      </AuthCard>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setLocalError(mismatch(password, confirm));
    if (password !== confirm) return;
    setBusy(true);
    try {
      const result = await api('auth.recover', { username: username.trim(), recoveryKey: recoveryKey.trim(), newPassword: password });
      setRecoveryKey('');
      setPassword('');
      setConfirm('');
      setDone(result);
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Use your recovery key" subtitle="Set a new password with the recovery key you saved. You will get a new recovery key.">
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="Username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus={!initialUsername} />
        <Field
          label="Recovery key"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus={!!initialUsername}
          className="mono"
          placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
          value={recoveryKey}
          onChange={(e) => setRecoveryKey(e.target.value)}
          hint="The 36-character key you saved when your account was created or last recovered."
        />
        <NewPasswordFields label="New password" password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        <LocalError message={localError} />
        <ErrorAlert error={error} />
        <div className="actions actions-split">
          <button type="button" className="btn btn-ghost" onClick={onBack}>
            Back
          </button>
          <BusyButton busy={busy} busyLabel="Restoring access…">
            Set new password
          </BusyButton>
        </div>
      </form>
    </AuthCard>
  );
}
