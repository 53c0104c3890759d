import { useState } from 'react';
import { api } from '../bridge';
import { AuthCard } from '../components/AuthCard';
import { BusyButton } from '../components/BusyButton';
import { ErrorAlert, LocalError } from '../components/ErrorAlert';
import { Field } from '../components/Field';
import { NewPasswordFields } from '../components/NewPasswordFields';
import { NewVaultCard } from '../components/NewVaultCard';
import { useNewPasswordForm, type NewVault } from '../components/useNewPasswordForm';

/** First run: create the administrator account, then show its recovery key once. */
export function SetupScreen() {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const { password, setPassword, confirm, setConfirm, busy, error, localError, result, submit } = useNewPasswordForm<NewVault>();

  if (result) return <NewVaultCard title="Your workspace is ready" vault={result} />;

  const create = submit((password) => api('auth.setup', { username: username.trim(), displayName: displayName.trim(), password }));

  return (
    <AuthCard
      title="Set up Cubby"
      subtitle="Create the administrator account for this computer. You can invite other people once you are in."
    >
      <form onSubmit={create} aria-busy={busy} noValidate={false}>
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
