import { create } from 'zustand';
import type { SessionInfo } from '../bridge/types';

/** Who is signed in to this window. In memory only; dropped on lock and sign-out. */
interface SessionState {
  session: SessionInfo | null;
  section: WorkspaceSection;
}

export type WorkspaceSection = 'home' | 'chat' | 'agents' | 'providers' | 'memory' | 'settings' | 'users' | 'audit' | 'shared' | 'groups' | 'workflows' | 'sync';

export const initialSessionState: SessionState = { session: null, section: 'home' };

export const useSessionStore = create<SessionState>()(() => initialSessionState);

export const showSection = (section: WorkspaceSection) => useSessionStore.setState({ section });
