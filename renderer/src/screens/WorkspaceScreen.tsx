import { useEffect, useRef } from 'react';
import { useSessionStore } from '../stores/sessionStore';
import { AuditSection } from './admin/AuditSection';
import { UsersSection } from './admin/UsersSection';
import { SettingsSection } from './settings/SettingsSection';
import { Header } from './workspace/Header';
import { HomeSection } from './workspace/HomeSection';
import { Sidebar } from './workspace/Sidebar';

/**
 * The signed-in shell: header, navigation and the current section. On arrival (sign-in, unlock)
 * focus has nowhere to be — the form that had it is gone — so it goes to the section's heading;
 * likewise when a section is replaced under the person (a demotion closes the admin pages). A
 * section chosen in the sidebar leaves focus on the sidebar.
 */
export function WorkspaceScreen() {
  const session = useSessionStore((s) => s.session);
  const section = useSessionStore((s) => s.section);
  const mainRef = useRef<HTMLElement>(null);
  const adminOnly = section === 'users' || section === 'audit';
  const shown = adminOnly && !session?.isAdmin ? 'home' : section;
  const signedIn = session !== null;

  useEffect(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [shown, signedIn]);

  if (!session) return null;
  return (
    <div className="shell">
      <Header session={session} />
      <div className="shell-body">
        <Sidebar session={session} current={shown} />
        <main className="content" id="content" ref={mainRef}>
          {shown === 'home' ? <HomeSection session={session} /> : null}
          {shown === 'settings' ? <SettingsSection /> : null}
          {shown === 'users' ? <UsersSection /> : null}
          {shown === 'audit' ? <AuditSection /> : null}
        </main>
      </div>
    </div>
  );
}
