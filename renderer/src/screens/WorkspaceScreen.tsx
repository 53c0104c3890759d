import { lazy, Suspense, useEffect, useRef } from 'react';
import { useSessionStore } from '../stores/sessionStore';
import { AuditSection } from './admin/AuditSection';
import { UsersSection } from './admin/UsersSection';
import { SettingsSection } from './settings/SettingsSection';
import { Header } from './workspace/Header';
import { HomeSection } from './workspace/HomeSection';
import { Sidebar } from './workspace/Sidebar';
import { ToolApprovalPrompt } from './tools/ToolApprovalPrompt';

// After sign-in only: chat (with the virtualizer and, through it, the Markdown chunk) and the
// agent and provider screens are chunks of their own, never on the login path.
const ChatSection = lazy(() => import('./chat/ChatSection'));
const AgentsSection = lazy(() => import('./agents/AgentsSection'));
const ProvidersSection = lazy(() => import('./agents/ProvidersSection'));
const MemorySection = lazy(() => import('./agents/MemorySection'));
const SharedAgentsSection = lazy(() => import('./sharing/SharedAgentsSection'));
const GroupsSection = lazy(() => import('./admin/GroupsSection'));
const WorkflowsSection = lazy(() => import('./workflows/WorkflowsSection'));
const SyncSection = lazy(() => import('./sync/SyncSection'));

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
  const adminOnly = section === 'users' || section === 'audit' || section === 'groups';
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
      <ToolApprovalPrompt />
      <div className="shell-body">
        <Sidebar session={session} current={shown} />
        <main className={shown === 'chat' ? 'content content-chat' : 'content'} id="content" ref={mainRef}>
          <Suspense
            fallback={
              <p className="muted" aria-busy="true">
                <span className="spinner" aria-hidden="true" /> Loading…
              </p>
            }
          >
            {shown === 'home' ? <HomeSection session={session} /> : null}
            {shown === 'chat' ? <ChatSection /> : null}
            {shown === 'agents' ? <AgentsSection /> : null}
            {shown === 'providers' ? <ProvidersSection /> : null}
            {shown === 'memory' ? <MemorySection /> : null}
            {shown === 'settings' ? <SettingsSection /> : null}
            {shown === 'users' ? <UsersSection /> : null}
            {shown === 'audit' ? <AuditSection /> : null}
            {shown === 'shared' ? <SharedAgentsSection /> : null}
            {shown === 'groups' ? <GroupsSection /> : null}
            {shown === 'workflows' ? <WorkflowsSection /> : null}
            {shown === 'sync' ? <SyncSection /> : null}
          </Suspense>
        </main>
      </div>
    </div>
  );
}
