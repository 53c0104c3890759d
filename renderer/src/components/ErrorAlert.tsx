import type { ReactNode } from 'react';
import type { BridgeCallError } from '../bridge';
import type { ErrorCode } from '../bridge/types';
import { SetByOrganization } from './SetByOrganization';

/** What to do next, where main's message does not already say it. */
const NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  WRONG_CREDENTIALS: 'Check the password (and Caps Lock), then try again.',
  RECOVERY_KEY_INVALID: 'Copy it again from the file or paper where you saved it.',
  LOCKED: 'Sign in again to continue.',
  INTERNAL: '',
};

/** An error the person can act on: main's message plus the next step, announced by screen readers. */
export function ErrorAlert({ error, children }: { error: BridgeCallError | null; children?: ReactNode }) {
  if (!error) return null;
  const next = NEXT_STEP[error.code];
  return (
    <div className="alert alert-error" role="alert" data-code={error.code}>
      <p>
        {error.message}
        {next ? ` ${next}` : ''}
        {error.code === 'POLICY_FORBIDS' ? <SetByOrganization /> : null}
      </p>
      {children}
    </div>
  );
}

export function LocalError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
    </div>
  );
}
