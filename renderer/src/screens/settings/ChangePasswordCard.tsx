import { useId, useState } from 'react';
import { api } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { useNewPasswordForm } from '../../components/useNewPasswordForm';

export function ChangePasswordCard() {
  const [current, setCurrent] = useState('');
  const { password, setPassword, confirm, setConfirm, busy, error, localError, result, submit } = useNewPasswordForm<'changed'>();
  const done = result !== null;
  const id = useId();

  const change = submit(
    async (newPassword) => {
      await api('account.changePassword', { currentPassword: current, newPassword });
      return 'changed';
    },
    { onSuccess: () => setCurrent('') },
  );

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Change password</h2>
      <p className="card-lead">Your vault is not re-encrypted; only the key that opens it is rewrapped.</p>
      <form onSubmit={change} aria-busy={busy}>
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
