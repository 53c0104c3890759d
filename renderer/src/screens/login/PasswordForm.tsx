import { useState, type FormEvent, type ReactNode } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { LoginUser } from '../../bridge/types';
import { Avatar } from '../../components/Avatar';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { useCountdown } from '../../components/useCountdown';
import { enterWorkspace } from '../../stores/appStore';
import { LockoutNotice } from './LockoutNotice';

/** Password for a known person: used by the login screen and the lock screen. */
export function PasswordForm({
  user,
  submitLabel = 'Sign in',
  onRecover,
  footer,
}: {
  user: LoginUser;
  submitLabel?: string;
  onRecover: () => void;
  footer?: ReactNode;
}) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const waiting = useCountdown(lockedUntil) > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (waiting) return;
    setBusy(true);
    setError(null);
    try {
      const session = await api('auth.login', { username: user.username, password });
      setPassword('');
      enterWorkspace(session);
    } catch (err) {
      const failure = asBridgeError(err);
      setPassword('');
      if (failure.code === 'ACCOUNT_LOCKED') {
        setLockedUntil(Date.now() + (failure.retryAfterMs ?? 30_000));
      } else {
        setLockedUntil(null);
        setError(failure);
      }
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-busy={busy}>
      <div className="who">
        <Avatar displayName={user.displayName} username={user.username} size="lg" />
        <div>
          <div className="who-name">{user.displayName}</div>
          <div className="who-username">{user.username}</div>
        </div>
      </div>
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        autoFocus
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {lockedUntil !== null ? <LockoutNotice until={lockedUntil} /> : null}
      <ErrorAlert error={error}>
        {error?.code === 'KEYCHAIN_ENTRY_MISSING' ? (
          <button type="button" className="btn btn-small" onClick={onRecover}>
            Use recovery key
          </button>
        ) : null}
      </ErrorAlert>
      <div className="actions">
        <BusyButton busy={busy} busyLabel="Signing in…" disabled={waiting || password.length === 0}>
          {submitLabel}
        </BusyButton>
      </div>
      {footer}
    </form>
  );
}
