import type { LoginUser } from '../../bridge/types';
import { Avatar } from '../../components/Avatar';

/** The people who can sign in on this computer. Names only; main lists active accounts. */
export function UserPicker({ users, onPick }: { users: LoginUser[]; onPick: (username: string) => void }) {
  if (users.length === 0) {
    return <p className="empty">No accounts can sign in yet. If you have an invite code, use it below.</p>;
  }
  return (
    <ul className="user-list" aria-label="Choose your account">
      {users.map((u) => (
        <li key={u.username}>
          <button type="button" className="user-choice" onClick={() => onPick(u.username)}>
            <Avatar displayName={u.displayName} username={u.username} />
            <span className="user-choice-text">
              <span className="user-choice-name">{u.displayName}</span>
              <span className="user-choice-username">{u.username}</span>
            </span>
            <span className="chevron" aria-hidden="true">
              ›
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
