import { create } from 'zustand';
import { api, asBridgeError, bridge, type BridgeCallError } from '../bridge';
import type { SyncConflict, SyncDevice, SyncStatus } from '../bridge/types';
import { sameSession } from './epoch';

/**
 * The person's sync as main reports it: the status (kept current by sync.changed), the device
 * list and the open conflicts. Never a storage credential or a recovery key: the forms that take
 * them hold them only until they are sent. In memory only; dropped on lock and sign-out.
 */
interface SyncState {
  status: SyncStatus | null;
  /** Why the status could not be read (NOT_SUPPORTED, POLICY_FORBIDS, ...). */
  loadError: BridgeCallError | null;
  devices: SyncDevice[] | null;
  conflicts: SyncConflict[] | null;
}

export const initialSyncState: SyncState = { status: null, loadError: null, devices: null, conflicts: null };

export const useSyncStore = create<SyncState>()(() => initialSyncState);

/** Take a status main answered; what the device and conflict lists show follows it. */
export function applySyncStatus(status: SyncStatus): void {
  const before = useSyncStore.getState().status;
  useSyncStore.setState({ status, loadError: null });
  if (status.state === 'off') {
    useSyncStore.setState({ devices: null, conflicts: null });
    return;
  }
  if (status.state === 'waiting-for-approval') return;
  // Progress ticks change nothing here: the lists are read again when a sync ends or a count moves
  // (an approved request is a new device).
  const ended = before?.lastSyncAt !== status.lastSyncAt || before?.state !== status.state || before?.pairRequests.length !== status.pairRequests.length;
  if (ended || useSyncStore.getState().devices === null) void loadSyncDevices().catch(() => undefined);
  if (before?.conflictCount !== status.conflictCount || useSyncStore.getState().conflicts === null) void loadSyncConflicts().catch(() => undefined);
}

export async function loadSyncStatus(): Promise<void> {
  const current = sameSession();
  try {
    const status = await api('sync.status', {});
    if (current()) applySyncStatus(status);
  } catch (e) {
    if (current()) useSyncStore.setState({ loadError: asBridgeError(e) });
  }
}

export async function loadSyncDevices(): Promise<void> {
  const current = sameSession();
  const devices = await api('sync.devices', {});
  if (current()) useSyncStore.setState({ devices });
}

export async function loadSyncConflicts(): Promise<void> {
  const current = sameSession();
  const conflicts = await api('sync.conflicts', {});
  if (current()) useSyncStore.setState({ conflicts });
}

/** Run a sync action whose answer is the new status. */
export async function syncAction(action: () => Promise<SyncStatus>): Promise<void> {
  const current = sameSession();
  const status = await action();
  if (current()) applySyncStatus(status);
}

let listening = false;

/** Subscribe once per window: main sends sync.changed only to this person's windows. */
export function listenForSyncEvents(): void {
  if (listening) return;
  listening = true;
  bridge.on('sync.changed', (status) => {
    if (useSyncStore.getState().status !== null) applySyncStatus(status);
  });
}
