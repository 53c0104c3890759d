import { useSessionStore } from '../stores/sessionStore';
import { AuditSection } from './admin/AuditSection';
import { UsersSection } from './admin/UsersSection';
import { SettingsSection } from './settings/SettingsSection';
import { Header } from './workspace/Header';
import { HomeSection } from './workspace/HomeSection';
import { Sidebar } from './workspace/Sidebar';

/** The signed-in shell: header, navigation and the current section. */
export function WorkspaceScreen() {
  const session = useSessionStore((s) => s.session);
  const section = useSessionStore((s) => s.section);
  if (!session) return null;
  const adminOnly = section === 'users' || section === 'audit';
  const shown = adminOnly && !session.isAdmin ? 'home' : section;
  return (
    <div className="shell">
      <Header session={session} />
      <div className="shell-body">
        <Sidebar session={session} current={shown} />
        <main className="content" id="content">
          {shown === 'home' ? <HomeSection session={session} /> : null}
          {shown === 'settings' ? <SettingsSection /> : null}
          {shown === 'users' ? <UsersSection /> : null}
          {shown === 'audit' ? <AuditSection /> : null}
        </main>
      </div>
    </div>
  );
}
