import { initialAdminState, useAdminStore } from './adminStore';
import { initialSessionState, useSessionStore } from './sessionStore';
import { initialSettingsState, useSettingsStore } from './settingsStore';

/** Lock and sign-out drop everything this window knew about its user. */
export function resetUserStores(): void {
  useSessionStore.setState(initialSessionState, true);
  useSettingsStore.setState(initialSettingsState, true);
  useAdminStore.setState(initialAdminState, true);
}
