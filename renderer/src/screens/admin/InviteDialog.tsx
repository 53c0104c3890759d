import { useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { copySecret } from '../../components/copyText';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { formatDateTime } from '../../components/formatTime';
import { loadUsers } from '../../stores/adminStore';

/** 12345678 → 1234-5678, easier to read aloud and type. */
export const formatInviteCode = (code: string) => code.replace(/^(\d{4})(\d{4})$/, '$1-$2');

/** Create an invite: the person's username, display name and role; then the code to hand them. */
export function InviteDialog({ onClose }: { onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [invite, setInvite] = useState<{ code: string; expiresAt: number; username: string } | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api('admin.invites.create', { username: username.trim(), displayName: displayName.trim(), role });
      setInvite({ code: created.code, expiresAt: created.expiresAt, username: username.trim() });
      void loadUsers().catch(() => undefined);
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={invite ? 'Invite created' : 'Invite someone'} onClose={onClose}>
      {invite ? (
        <div>
          <p>
            Give this code to <strong>{invite.username}</strong> in person. They choose “I have an invite code” on the
            sign-in screen, enter their username and this code, then pick their own password.
          </p>
          <output className="invite-code" aria-label="Invite code" data-testid="invite-code">
            {formatInviteCode(invite.code)}
          </output>
          <p className="hint">Valid until {formatDateTime(invite.expiresAt)}. It works once.</p>
          <div className="actions actions-split">
            <span className="row">
              <button type="button" className="btn" autoFocus onClick={async () => setCopied(await copySecret(formatInviteCode(invite.code)))}>
                Copy code
              </button>
              <span className="status-text" role="status">
                {copied === true ? 'Copied.' : copied === false ? 'Could not copy; read the code out instead.' : ''}
              </span>
            </span>
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} aria-busy={busy}>
          <Field label="Username" autoComplete="off" required value={username} onChange={(e) => setUsername(e.target.value)} hint="What they will sign in with: 2 to 32 letters, digits, dots, dashes or underscores." />
          <Field label="Display name" autoComplete="off" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as 'user' | 'admin')}>
              <option value="user">User</option>
              <option value="admin">Administrator</option>
            </select>
          </div>
          <ErrorAlert error={error} />
          <div className="actions actions-split">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <BusyButton busy={busy} busyLabel="Creating invite…">
              Create invite
            </BusyButton>
          </div>
        </form>
      )}
    </Dialog>
  );
}
