import type { SessionInfo } from '../../bridge/types';
import { showSection, type WorkspaceSection } from '../../stores/sessionStore';

const ITEMS: { id: WorkspaceSection; label: string; admin?: boolean }[] = [
  { id: 'home', label: 'Home' },
  { id: 'settings', label: 'Settings' },
  { id: 'users', label: 'Users', admin: true },
  { id: 'audit', label: 'Audit log', admin: true },
];

export function Sidebar({ session, current }: { session: SessionInfo; current: WorkspaceSection }) {
  const visible = ITEMS.filter((i) => !i.admin || session.isAdmin);
  const item = (i: (typeof ITEMS)[number]) => (
    <li key={i.id}>
      <button
        type="button"
        className={i.id === current ? 'nav-item nav-item-active' : 'nav-item'}
        aria-current={i.id === current ? 'page' : undefined}
        onClick={() => showSection(i.id)}
      >
        {i.label}
      </button>
    </li>
  );
  return (
    <nav className="sidebar" aria-label="Workspace">
      <ul>{visible.filter((i) => !i.admin).map(item)}</ul>
      {session.isAdmin ? (
        <>
          <h2 className="nav-heading">Administration</h2>
          <ul>{visible.filter((i) => i.admin).map(item)}</ul>
        </>
      ) : null}
    </nav>
  );
}
