import { initialAdminState, useAdminStore } from './adminStore';
import { initialChatState, resetChatRuns, useChatStore } from './chatStore';
import { endSessionEpoch } from './epoch';
import { initialImageState, useImageStore } from './imageStore';
import { initialLibraryState, useLibraryStore } from './libraryStore';
import { initialSessionState, useSessionStore } from './sessionStore';
import { initialSettingsState, useSettingsStore } from './settingsStore';
import { initialSharingState, useSharingStore } from './sharingStore';
import { initialSyncState, useSyncStore } from './syncStore';

/** Lock and sign-out drop everything this window knew about its user. */
export function resetUserStores(): void {
  endSessionEpoch();
  resetChatRuns();
  useSessionStore.setState(initialSessionState, true);
  useSettingsStore.setState(initialSettingsState, true);
  useAdminStore.setState(initialAdminState, true);
  useLibraryStore.setState(initialLibraryState, true);
  useChatStore.setState(initialChatState, true);
  useImageStore.setState(initialImageState, true);
  useSharingStore.setState(initialSharingState, true);
  useSyncStore.setState(initialSyncState, true);
}
