import { useState, type FormEvent } from 'react';
import { api } from '../../bridge';
import { AuthCard } from '../../components/AuthCard';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { NewVaultCard } from '../../components/NewVaultCard';
import { useNewPasswordForm, type NewVault } from '../../components/useNewPasswordForm';

const CODE = /^\s*\d{4}[\s-]?\d{4}\s*$/;
/** Errors about the code or the name send the person back to the first step. */
const STEP_ONE_ERRORS = new Set(['INVITE_INVALID', 'USERNAME_INVALID', 'ACCOUNT_LOCKED', 'NOT_FOUND']);

/** Redeem an invite: username and 8-digit code, then a password, then the recovery key once. */
export function InviteForm({ onBack }: { onBack: () => void }) {
  const [step, setStep] = useState<'code' | 'password'>('code');
  const [username, setUsername] = useState('');
  const [code, setCode] = useState('');
  const { password, setPassword, confirm, setConfirm, busy, error, setError, localError, setLocalError, result, submit } =
    useNewPasswordForm<NewVault>();

  if (result) return <NewVaultCard title={`Welcome, ${result.session.displayName}`} vault={result} />;

  const next = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!CODE.test(code)) {
      setLocalError('An invite code has 8 digits, like 1234-5678. Check the code your administrator gave you.');
      return;
    }
    setLocalError(null);
    setStep('password');
  };

  const redeem = submit((password) => api('auth.redeemInvite', { username: username.trim(), code: code.trim(), password }), {
    onSuccess: () => setCode(''),
    onError: (failure) => {
      if (STEP_ONE_ERRORS.has(failure.code)) setStep('code');
    },
  });

  if (step === 'code') {
    return (
      <AuthCard title="Join with an invite code" subtitle="Your administrator gave you a username and an 8-digit code.">
        <form onSubmit={next}>
          <Field label="Username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} hint="The username your administrator chose for you." />
          <Field
            label="Invite code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            className="mono"
            placeholder="1234-5678"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <LocalError message={localError} />
          <ErrorAlert error={error} />
          <div className="actions actions-split">
            <button type="button" className="btn btn-ghost" onClick={onBack}>
              Back
            </button>
            <button type="submit" className="btn btn-primary">
              Next
            </button>
          </div>
        </form>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose your password" subtitle={<>For <strong>{username.trim()}</strong>. Only you will know it.</>}>
      <form onSubmit={redeem} aria-busy={busy}>
        <NewPasswordFields autoFocus password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} />
        <LocalError message={localError} />
        <ErrorAlert error={error} />
        <div className="actions actions-split">
          <button type="button" className="btn btn-ghost" onClick={() => setStep('code')}>
            Back
          </button>
          <BusyButton busy={busy} busyLabel="Creating your encrypted workspace…">
            Create my account
          </BusyButton>
        </div>
      </form>
    </AuthCard>
  );
}
