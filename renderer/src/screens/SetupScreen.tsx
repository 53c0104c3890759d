import { useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../bridge';
import type { SessionInfo } from '../bridge/types';
import { AuthCard } from '../components/AuthCard';
import { BusyButton } from '../components/BusyButton';
import { ErrorAlert, LocalError } from '../components/ErrorAlert';
import { Field } from '../components/Field';
import { mismatch, NewPasswordFields } from '../components/NewPasswordFields';
import { RecoveryKeyPanel } from '../components/RecoveryKeyPanel';
import { enterWorkspace } from '../stores/appStore';

/** First run: create the administrator account, then show its recovery key once. */
export function SetupScreen() {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ session: SessionInfo; recoveryKey: string } | null>(null);

  if (created) {
    return (
      <AuthCard title="Your workspace is ready" wide>
        <RecoveryKeyPanel
          recoveryKey={created.recoveryKey}
          username={created.session.username}
          continueLabel="Continue to Cubby"
          onContinue={() => enterWorkspace(created.session)}
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
      const result = await api('auth.setup', { username: username.trim(), displayName: displayName.trim(), password });
      setPassword('');
      setConfirm('');
      setCreated(result);
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Set up Cubby"
      subtitle="Create the administrator account for this computer. You can invite other people once you are in."
    >
      <form onSubmit={submit} aria-busy={busy} noValidate={false}>
        <Field
          label="Username"
          autoComplete="username"
          required
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          hint="2 to 32 letters, digits, dots, dashes or underscores."
        />
        <Field label="Display name" autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <NewPasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        <LocalError message={localError} />
        <ErrorAlert error={error} />
        <div className="actions">
          <BusyButton busy={busy} busyLabel="Creating your encrypted workspace…">
            Create administrator
          </BusyButton>
        </div>
      </form>
    </AuthCard>
  );
}
