import { create } from 'zustand';
import { api, bridge } from '../bridge';
import type { Conversation, SharedAgentSummary } from '../bridge/types';
import { atLeast } from '../../../main/core/sharing/levels';
import { sameSession } from './epoch';

/**
 * The shared agents this person may at least see, with their level ("Shared with me"), and which
 * agent a new chat starts with. Main sends shared.changed (no payload) when access may have
 * changed; the list is then read again, so a revocation reaches an open window. In memory only;
 * dropped on lock and sign-out with the other user stores.
 */
interface SharingState {
  shared: SharedAgentSummary[] | null;
  /** The agent picked for a new chat: '' (the first of one's own), an own agent's id, or `shared:<id>`. */
  newChatChoice: string;
}

export const initialSharingState: SharingState = { shared: null, newChatChoice: '' };

export const useSharingStore = create<SharingState>()(() => initialSharingState);

export const SHARED_PREFIX = 'shared:';

/** Newer loads win: a shared.changed that arrives while a load is on its way asks again. */
let loadCount = 0;

export async function loadShared(): Promise<void> {
  const current = sameSession();
  const mine = ++loadCount;
  const shared = await api('shared.list', {});
  if (current() && mine === loadCount) useSharingStore.setState({ shared });
}

export function chooseNewChatAgent(choice: string): void {
  useSharingStore.setState({ newChatChoice: choice });
}

/** Start a new chat with shared agent `id` (the caller shows the chat section). */
export function chooseSharedAgent(id: string): void {
  chooseNewChatAgent(`${SHARED_PREFIX}${id}`);
}

/**
 * Whether a conversation's shared agent can no longer be used: deleted, or this person's access
 * revoked or lowered below use. Unknown (list not loaded yet) counts as usable: main checks again.
 */
export function sharedAgentGone(conversation: Pick<Conversation, 'sharedAgentId'> | null, shared: SharedAgentSummary[] | null): boolean {
  if (!conversation?.sharedAgentId || shared === null) return false;
  const agent = shared.find((a) => a.id === conversation.sharedAgentId);
  return !agent || !atLeast(agent.level, 'use');
}

let listening = false;

/** Subscribe once per window: main sends shared.changed only to signed-in windows. */
export function listenForSharingEvents(): void {
  if (listening) return;
  listening = true;
  bridge.on('shared.changed', () => {
    if (useSharingStore.getState().shared !== null) void loadShared().catch(() => undefined);
  });
  // An answer stopped because access went: the list is stale even if the event has not come yet.
  bridge.on('chat.finished', (e) => {
    if (e.error?.code === 'ACCESS_REVOKED') void loadShared().catch(() => undefined);
  });
}
