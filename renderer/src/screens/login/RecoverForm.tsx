import { useState } from 'react';
import { api } from '../../bridge';
import { AuthCard } from '../../components/AuthCard';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { NewVaultCard } from '../../components/NewVaultCard';
import { useNewPasswordForm, type NewVault } from '../../components/useNewPasswordForm';

/** Forgotten password or lost keychain entry: recovery key + new password, then a new recovery key. */
export function RecoverForm({ initialUsername, onBack }: { initialUsername: string; onBack: () => void }) {
  const [username, setUsername] = useState(initialUsername);
  const [recoveryKey, setRecoveryKey] = useState('');
  const { password, setPassword, confirm, setConfirm, busy, error, localError, result, submit } = useNewPasswordForm<NewVault>();

  if (result) {
    return (
      <NewVaultCard title="Your password is changed" heading="Save your new recovery key" vault={result}>
        <div className="alert alert-success" role="status">
          <p>Your new password is set, and your old recovery key no longer works.</p>
        </div>
      </NewVaultCard>
    );
  }

  const recover = submit(
    (newPassword) => api('auth.recover', { username: username.trim(), recoveryKey: recoveryKey.trim(), newPassword }),
    { onSuccess: () => setRecoveryKey('') },
  );

  return (
    <AuthCard title="Use your recovery key" subtitle="Set a new password with the recovery key you saved. You will get a new recovery key.">
      <form onSubmit={recover} aria-busy={busy}>
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
