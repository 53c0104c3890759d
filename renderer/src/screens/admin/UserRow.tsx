import type { UserSummary } from '../../bridge/types';
import { Avatar } from '../../components/Avatar';
import { formatDateTime, formatTime } from '../../components/formatTime';

export interface RowActions {
  setRole(user: UserSummary, role: 'admin' | 'user'): void;
  setDisabled(user: UserSummary, disabled: boolean): void;
  clearLockout(user: UserSummary): void;
  remove(user: UserSummary): void;
}

function StatusBadge({ user }: { user: UserSummary }) {
  if (user.status === 'invited') {
    const expired = user.invite?.expired ?? true;
    return (
      <>
        <span className={expired ? 'badge badge-muted' : 'badge badge-info'}>{expired ? 'Invite expired' : 'Invited'}</span>
        {user.invite && !expired ? <span className="cell-note">until {formatDateTime(user.invite.expiresAt)}</span> : null}
      </>
    );
  }
  return user.status === 'active' ? <span className="badge badge-ok">Active</span> : <span className="badge badge-warn">Disabled</span>;
}

/** One account in the admin table. */
export function UserRow({ user, busy, actions }: { user: UserSummary; busy: boolean; actions: RowActions }) {
  return (
    <tr data-username={user.username}>
      <th scope="row">
        <span className="user-cell">
          <Avatar displayName={user.displayName} username={user.username} size="sm" />
          <span>
            <span className="user-cell-name">{user.displayName}</span>
            <span className="cell-note">{user.username}</span>
          </span>
        </span>
      </th>
      <td>
        <select
          aria-label={`Role for ${user.username}`}
          value={user.role}
          disabled={busy}
          onChange={(e) => actions.setRole(user, e.target.value as 'admin' | 'user')}
        >
          <option value="user">User</option>
          <option value="admin">Administrator</option>
        </select>
      </td>
      <td>
        <StatusBadge user={user} />
      </td>
      <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : <span className="muted">Never</span>}</td>
      <td>
        {user.lockedUntil ? (
          <span className="lockout-cell">
            <span className="badge badge-warn">Until {formatTime(user.lockedUntil)}</span>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => actions.clearLockout(user)} aria-label={`Clear lockout for ${user.username}`}>
              Clear
            </button>
          </span>
        ) : (
          <span className="muted">None</span>
        )}
      </td>
      <td className="cell-actions">
        {user.status !== 'invited' ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => actions.setDisabled(user, user.status === 'active')}
            aria-label={`${user.status === 'active' ? 'Disable' : 'Enable'} ${user.username}`}
          >
            {user.status === 'active' ? 'Disable' : 'Enable'}
          </button>
        ) : null}
        <button type="button" className="btn btn-small btn-danger-outline" disabled={busy} onClick={() => actions.remove(user)} aria-label={`Delete ${user.username}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
