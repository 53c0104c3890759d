import type { ButtonHTMLAttributes } from 'react';

/** A submit button that says what is happening while a slow operation (Argon2id) runs. */
export function BusyButton({
  busy,
  busyLabel,
  children,
  className = 'btn btn-primary',
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; busyLabel: string }) {
  return (
    <button type="submit" className={className} disabled={busy || disabled} aria-busy={busy} {...rest}>
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {busyLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}
