import { create } from 'zustand';
import { api } from '../bridge';
import type { Agent, MemoryFact, ProviderConnection, SecretSummary } from '../bridge/types';
import { sameSession } from './epoch';

/**
 * The person's agents, provider connections, secrets (names and last 4 only: no value ever comes
 * back over the bridge) and memory facts, as far as this window has loaded them. In memory only;
 * dropped on lock, sign-out and demotion with the other user stores.
 */
interface LibraryState {
  agents: Agent[] | null;
  providers: ProviderConnection[] | null;
  secrets: SecretSummary[] | null;
  memory: MemoryFact[] | null;
}

export const initialLibraryState: LibraryState = { agents: null, providers: null, secrets: null, memory: null };

export const useLibraryStore = create<LibraryState>()(() => initialLibraryState);

export async function loadAgents(): Promise<void> {
  const current = sameSession();
  const agents = await api('agents.list', {});
  if (current()) useLibraryStore.setState({ agents });
}

export async function loadProviders(): Promise<void> {
  const current = sameSession();
  const providers = await api('providers.list', {});
  if (current()) useLibraryStore.setState({ providers });
}

export async function loadSecrets(): Promise<void> {
  const current = sameSession();
  const secrets = await api('secrets.list', {});
  if (current()) useLibraryStore.setState({ secrets });
}

export async function loadMemory(): Promise<void> {
  const current = sameSession();
  const memory = await api('memory.list', { limit: 500 });
  if (current()) useLibraryStore.setState({ memory });
}

/** After a change: the lists it can affect, read again (a connection changes agents and secrets' "used by"). */
export async function reloadLibrary(): Promise<void> {
  await Promise.all([loadAgents(), loadProviders(), loadSecrets()]);
}
