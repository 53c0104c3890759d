import { formatWait, useCountdown } from '../../components/useCountdown';

/** The backoff after failed sign-ins, counting down live; the caller disables sign-in meanwhile. */
export function LockoutNotice({ until }: { until: number }) {
  const left = useCountdown(until);
  return (
    <div className="alert alert-warn" role="alert" data-code="ACCOUNT_LOCKED">
      <p>
        <strong>Too many failed attempts.</strong>{' '}
        {left > 0 ? (
          <>
            You can try again in{' '}
            <span role="timer" aria-live="off" data-testid="lockout-countdown">
              {formatWait(left)}
            </span>
            , or ask your administrator to clear the lockout.
          </>
        ) : (
          'You can try again now.'
        )}
      </p>
    </div>
  );
}
