import { useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { UserSummary } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { loadUsers } from '../../stores/adminStore';

/** Deleting crypto-shreds the vault, so the admin types the username to confirm. */
export function DeleteUserDialog({ user, onClose }: { user: UserSummary; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const matches = typed.trim().toLowerCase() === user.username.toLowerCase();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      await api('admin.users.delete', { userId: user.id, confirmUsername: typed.trim() });
      await loadUsers().catch(() => undefined);
      onClose();
    } catch (err) {
      setError(asBridgeError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Delete ${user.displayName}?`} onClose={onClose}>
      <form onSubmit={submit} aria-busy={busy}>
        <div className="alert alert-danger">
          <p>
            <strong>This permanently destroys {user.displayName}’s data.</strong> Their encrypted vault — agents,
            conversations, settings and keys — is erased from this computer and cannot be recovered, not even with a
            recovery key.
          </p>
        </div>
        <Field
          label={
            <>
              Type <strong className="mono">{user.username}</strong> to confirm
            </>
          }
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <ErrorAlert error={error} />
        <div className="actions actions-split">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Deleting…" className="btn btn-danger" disabled={!matches}>
            Delete account and data
          </BusyButton>
        </div>
      </form>
    </Dialog>
  );
}
