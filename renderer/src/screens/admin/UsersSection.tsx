import { useEffect, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { UserSummary } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { loadUsers, useAdminStore } from '../../stores/adminStore';
import { DeleteUserDialog } from './DeleteUserDialog';
import { InviteDialog } from './InviteDialog';
import { UserRow, type RowActions } from './UserRow';

/** Admin: every account on this computer and what can be done to it. */
export function UsersSection() {
  const users = useAdminStore((s) => s.users);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const [deleting, setDeleting] = useState<UserSummary | null>(null);

  useEffect(() => {
    loadUsers().catch((e) => setError(asBridgeError(e)));
  }, []);

  const run = (user: UserSummary, action: () => Promise<unknown>) => {
    setBusyId(user.id);
    setError(null);
    action()
      .then(loadUsers)
      .catch((e) => {
        setError(asBridgeError(e));
        return loadUsers().catch(() => undefined);
      })
      .finally(() => setBusyId(null));
  };

  const actions: RowActions = {
    setRole: (user, role) => run(user, () => api('admin.users.setRole', { userId: user.id, role })),
    setDisabled: (user, disabled) => run(user, () => api('admin.users.setDisabled', { userId: user.id, disabled })),
    clearLockout: (user) => run(user, () => api('admin.users.clearLockout', { userId: user.id })),
    remove: (user) => setDeleting(user),
  };

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <div>
          <h1 id="users-title" className="page-title" tabIndex={-1}>
            Users
          </h1>
          <p className="page-lead">People who can sign in on this computer. Each has their own encrypted vault.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>
          Invite someone
        </button>
      </div>
      <ErrorAlert error={error} />
      <div className="card card-flush">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Lockout</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users === null ? (
              <tr>
                <td colSpan={6} className="muted">
                  Loading…
                </td>
              </tr>
            ) : (
              users.map((u) => <UserRow key={u.id} user={u} busy={busyId === u.id} actions={actions} />)
            )}
          </tbody>
        </table>
      </div>
      {inviting ? <InviteDialog onClose={() => setInviting(false)} /> : null}
      {deleting ? <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} /> : null}
    </section>
  );
}
