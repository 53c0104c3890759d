import { useEffect, useRef, useState } from 'react';
import { copySecret, downloadText } from './copyText';

/**
 * Shows a new recovery key once. The person must confirm they saved it before going on; the
 * key lives only in this component's state and is gone when it unmounts.
 */
export function RecoveryKeyPanel({
  recoveryKey,
  username,
  continueLabel = 'Continue',
  heading = 'Save your recovery key',
  onContinue,
}: {
  recoveryKey: string;
  username: string;
  continueLabel?: string;
  heading?: string;
  onContinue: () => void;
}) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<null | boolean>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The form that produced the key is gone; start reading (and tabbing) from the heading.
  useEffect(() => headingRef.current?.focus(), []);

  const fileText = [
    'Cubby recovery key',
    `Account: ${username}`,
    '',
    recoveryKey,
    '',
    'Keep this somewhere safe and private. With it, anyone can set a new password for this account.',
    '',
  ].join('\n');

  return (
    <section className="recovery" aria-labelledby="recovery-title">
      <h2 id="recovery-title" ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      <p>
        If you forget your password, or this computer loses its keychain, this key is the only way back into your
        workspace. <strong>It is shown only once.</strong> Keep it where only you can reach it: on paper, or in a
        file outside any folder others at this computer use.
      </p>
      <output className="recovery-key" aria-label="Recovery key" data-testid="recovery-key">
        {/* Groups wrap as wholes; the text (and a copy by hand) is still the key with its dashes. */}
        {recoveryKey.split('-').map((group, i, all) => (
          <span key={i} className="key-group">
            {group}
            {i < all.length - 1 ? '-' : ''}
          </span>
        ))}
      </output>
      <div className="row">
        <button
          type="button"
          className="btn"
          onClick={async () => setCopied(await copySecret(recoveryKey))}
        >
          Copy
        </button>
        <button type="button" className="btn" onClick={() => downloadText(`cubby-recovery-key-${username}.txt`, fileText)}>
          Save as text file
        </button>
        <span className="status-text" role="status">
          {copied === true ? 'Copied to the clipboard.' : copied === false ? 'Could not copy; select the key and copy it by hand.' : ''}
        </span>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        I have saved my recovery key somewhere safe
      </label>
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={!saved} onClick={onContinue}>
          {continueLabel}
        </button>
      </div>
    </section>
  );
}
