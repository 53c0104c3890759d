import { initialAdminState, useAdminStore } from './adminStore';
import { endSessionEpoch } from './epoch';
import { initialSessionState, useSessionStore } from './sessionStore';
import { initialSettingsState, useSettingsStore } from './settingsStore';

/** Lock and sign-out drop everything this window knew about its user. */
export function resetUserStores(): void {
  endSessionEpoch();
  useSessionStore.setState(initialSessionState, true);
  useSettingsStore.setState(initialSettingsState, true);
  useAdminStore.setState(initialAdminState, true);
}
