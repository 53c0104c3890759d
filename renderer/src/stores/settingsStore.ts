import { create } from 'zustand';
import { api } from '../bridge';
import { sameSession } from './epoch';

/** The signed-in user's settings as far as this window has read them. In memory only. */
export const NOTES_KEY = 'display.notes';

interface SettingsState {
  notes: string | null;
}

export const initialSettingsState: SettingsState = { notes: null };

export const useSettingsStore = create<SettingsState>()(() => initialSettingsState);

export async function loadNotes(): Promise<void> {
  const current = sameSession();
  const { value } = await api('settings.get', { key: NOTES_KEY });
  if (current()) useSettingsStore.setState({ notes: value ?? '' });
}

export async function saveNotes(notes: string): Promise<void> {
  const current = sameSession();
  await api('settings.set', { key: NOTES_KEY, value: notes });
  if (current()) useSettingsStore.setState({ notes });
}
