import { create } from 'zustand';
import { api, asBridgeError, bridge, onBridgeClosed } from '../bridge';
import type { LoginUser, SessionInfo } from '../bridge/types';
import { sameSession } from './epoch';
import { resetUserStores } from './reset';
import { initialAdminState, useAdminStore } from './adminStore';
import { useSessionStore } from './sessionStore';
import { listenForChatEvents } from './chatStore';
import { listenForSharingEvents } from './sharingStore';
import { listenForSyncEvents } from './syncStore';

/**
 * Which screen the window shows, from main's app.status. It holds no user data beyond the
 * names on the login picker, which main shows to anyone at this computer anyway.
 */
export type Phase = 'loading' | 'setup' | 'login' | 'locked' | 'workspace' | 'disconnected';

interface AppState {
  phase: Phase;
  users: LoginUser[];
  lockedUser: LoginUser | null;
  /** The user picked on the login screen, so recovery and the picker can start from it. */
  chosenUsername: string | null;
  error: string | null;
}

export const useAppStore = create<AppState>()(() => ({
  phase: 'loading',
  users: [],
  lockedUser: null,
  chosenUsername: null,
  error: null,
}));

export async function refreshStatus(opts: { preferPicker?: boolean } = {}): Promise<void> {
  const current = sameSession();
  try {
    const status = await api('app.status', {});
    // Asked before a lock: the answer is stale, and the lock's own refresh follows.
    if (!current()) return;
    if (status.session) {
      useSessionStore.setState({ session: status.session });
      useAppStore.setState({ phase: 'workspace', users: status.users, lockedUser: null, error: null });
      return;
    }
    const locked = opts.preferPicker ? null : status.lockedUser;
    useAppStore.setState({
      phase: !status.setUp ? 'setup' : locked ? 'locked' : 'login',
      users: status.users,
      lockedUser: locked,
      error: null,
    });
  } catch (e) {
    useAppStore.setState({ phase: 'disconnected', error: asBridgeError(e).message });
  }
}

/** Main bound this window to a session (sign-in, setup, invite, recovery). */
export function enterWorkspace(session: SessionInfo): void {
  useSessionStore.setState({ session, section: 'home' });
  useAppStore.setState({ phase: 'workspace', lockedUser: null, chosenUsername: null, error: null });
}

/** An admin changed this person's role: no longer an admin, the admin pages and what they loaded go. */
export function applySessionChange(session: SessionInfo): void {
  const { section } = useSessionStore.getState();
  const adminPage = section === 'users' || section === 'audit' || section === 'groups';
  useSessionStore.setState({ session, section: !session.isAdmin && adminPage ? 'home' : section });
  if (!session.isAdmin) useAdminStore.setState(initialAdminState, true);
}

export function chooseUser(username: string | null): void {
  useAppStore.setState({ chosenUsername: username });
}

/** Lock this window: main closes the vault; the 'session.locked' event drops the stores. */
export async function lockWindow(opts: { thenPicker?: boolean } = {}): Promise<void> {
  resetUserStores();
  try {
    await api('auth.lock', {});
  } finally {
    await refreshStatus({ preferPicker: opts.thenPicker ?? false });
  }
}

export async function signOut(): Promise<void> {
  resetUserStores();
  try {
    await api('auth.signOut', {});
  } finally {
    chooseUser(null);
    await refreshStatus({ preferPicker: true });
  }
}

let started = false;

/** Listen for main's lock events and load the first screen. */
export function startApp(): void {
  if (started) return;
  started = true;
  bridge.on('session.locked', (payload) => {
    resetUserStores();
    void refreshStatus({ preferPicker: payload.reason === 'signed-out' });
  });
  bridge.on('session.changed', ({ session }) => applySessionChange(session));
  listenForChatEvents();
  listenForSharingEvents();
  listenForSyncEvents();
  onBridgeClosed(() => {
    resetUserStores();
    useAppStore.setState({
      phase: 'disconnected',
      error: 'The connection to Cubby was lost. Open Cubby again from the link it printed.',
    });
  });
  void refreshStatus();
}
