import { useState, type FormEvent } from 'react';
import { asBridgeError, type BridgeCallError } from '../bridge';
import type { SessionInfo } from '../bridge/types';
import { mismatch } from './NewPasswordFields';

/** What setup, invite redemption and recovery return: a signed-in session and its new recovery key. */
export interface NewVault {
  session: SessionInfo;
  recoveryKey: string;
}

/**
 * State and submit flow of a form that sets a new password (with NewPasswordFields): the two fields
 * must match, then `call` runs with the password; on success both fields are emptied and its value is
 * kept as `result`; on failure the bridge error is shown and the fields stay as typed.
 */
export function useNewPasswordForm<T>() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [result, setResult] = useState<T | null>(null);

  /** The form's onSubmit. `onSuccess` clears the caller's own secrets; `onError` reacts to a failure. */
  const submit =
    (
      call: (password: string) => Promise<T>,
      { onSuccess, onError }: { onSuccess?: () => void; onError?: (failure: BridgeCallError) => void } = {},
    ) =>
    async (e: FormEvent) => {
      e.preventDefault();
      setError(null);
      setResult(null);
      setLocalError(mismatch(password, confirm));
      if (password !== confirm) return;
      setBusy(true);
      try {
        const value = await call(password);
        setPassword('');
        setConfirm('');
        onSuccess?.();
        setResult(value);
      } catch (err) {
        const failure = asBridgeError(err);
        setError(failure);
        onError?.(failure);
      } finally {
        setBusy(false);
      }
    };

  return { password, setPassword, confirm, setConfirm, busy, error, setError, localError, setLocalError, result, submit };
}
