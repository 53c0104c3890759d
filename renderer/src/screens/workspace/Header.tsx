import { useState } from 'react';
import type { SessionInfo } from '../../bridge/types';
import { Avatar } from '../../components/Avatar';
import { lockWindow, signOut } from '../../stores/appStore';

/** Who is signed in, and the ways to leave: lock, hand over to someone else, sign out. */
export function Header({ session }: { session: SessionInfo }) {
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  return (
    <header className="topbar">
      <div className="brand" aria-hidden="true">
        <span className="brand-mark">C</span>
        <span className="brand-name">Cubby</span>
      </div>
      <div className="topbar-user">
        <span className="visually-hidden">Signed in as</span>
        <Avatar displayName={session.displayName} username={session.username} size="sm" />
        <span>
          <span className="topbar-name" data-testid="signed-in-name">
            {session.displayName}
          </span>
          <span className="topbar-role" data-testid="signed-in-role">{session.isAdmin ? 'Administrator' : session.username}</span>
        </span>
      </div>
      <div className="topbar-actions">
        <button type="button" className="btn btn-small" disabled={busy} onClick={run(() => lockWindow())}>
          Lock
        </button>
        <button type="button" className="btn btn-small" disabled={busy} onClick={run(() => lockWindow({ thenPicker: true }))}>
          Switch user
        </button>
        <button type="button" className="btn btn-small" disabled={busy} onClick={run(signOut)}>
          Sign out
        </button>
      </div>
    </header>
  );
}
