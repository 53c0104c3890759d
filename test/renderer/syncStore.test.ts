import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../preload/contract';
import { FakeBridge } from './fakeBridge';

/**
 * The sync store (issue 12) against a fake window.cubby: main's sync.changed moves an open
 * window's status, progress ticks do not re-read the lists but an ended sync, a new device or a
 * moved conflict count does, the join code goes once the device is approved, and a lock empties
 * everything (a status asked for before the lock is dropped when it arrives after).
 */
const bridge = new FakeBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/appStore') &
  typeof import('../../renderer/src/stores/syncStore') &
  typeof import('../../renderer/src/stores/reset');
let s: Stores;

beforeAll(async () => {
  s = {
    ...(await import('../../renderer/src/stores/appStore')),
    ...(await import('../../renderer/src/stores/syncStore')),
    ...(await import('../../renderer/src/stores/reset')),
  };
  s.startApp();
});

const settle = () => new Promise((r) => setTimeout(r, 0));
const status = (over: Partial<SyncStatus> = {}): SyncStatus => ({
  state: 'idle',
  target: { kind: 's3', label: 'S3 bucket notes' },
  thisDevice: { id: 'aaaaaaaaaaaaaaaa', name: 'Desk' },
  progress: null,
  firstSync: false,
  lastSyncAt: 1000,
  joinCode: null,
  error: null,
  warnings: [],
  pendingMassDeletion: null,
  conflictCount: 0,
  pairRequests: [],
  ...over,
});
const LOCKED_STATUS = { setUp: true, users: [{ username: 'ada', displayName: 'Ada' }], session: null, lockedUser: { username: 'ada', displayName: 'Ada' } };
const count = (channel: string) => bridge.calls.filter((c) => c === channel).length;

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.answer('app.status', LOCKED_STATUS).answer('sync.devices', []).answer('sync.conflicts', []);
  s.resetUserStores();
});

describe('sync store', () => {
  it('ignores sync.changed until the screen has loaded, then follows it', async () => {
    bridge.emit('sync.changed', status({ state: 'paused' }));
    await settle();
    expect(s.useSyncStore.getState().status).toBeNull();

    bridge.answer('sync.status', status());
    await s.loadSyncStatus();
    bridge.emit('sync.changed', status({ state: 'paused' }));
    await settle();
    expect(s.useSyncStore.getState().status?.state).toBe('paused');
  });

  it('progress ticks do not re-read the lists; an ended sync, a new device or a conflict does', async () => {
    bridge.answer('sync.status', status());
    await s.loadSyncStatus();
    await settle();
    const devices = count('sync.devices');
    const conflicts = count('sync.conflicts');
    expect(devices).toBe(1);

    for (let done = 1; done <= 5; done++) bridge.emit('sync.changed', status({ state: 'syncing', progress: { phase: 'upload', done, total: 5 } }));
    await settle();
    expect(count('sync.devices')).toBe(devices + 1); // idle → syncing, once
    bridge.emit('sync.changed', status({ lastSyncAt: 2000 }));
    await settle();
    expect(count('sync.devices')).toBe(devices + 2);
    bridge.emit('sync.changed', status({ lastSyncAt: 2000, pairRequests: [{ id: 'r1', deviceName: 'Laptop', code: '123456', at: 1 }] }));
    await settle();
    expect(count('sync.devices')).toBe(devices + 3);
    expect(count('sync.conflicts')).toBe(conflicts);
    bridge.emit('sync.changed', status({ lastSyncAt: 2000, conflictCount: 1, pairRequests: [{ id: 'r1', deviceName: 'Laptop', code: '123456', at: 1 }] }));
    await settle();
    expect(count('sync.conflicts')).toBe(conflicts + 1);
  });

  it('shows the join code main reports while waiting for approval, and none after', async () => {
    bridge.answer('sync.status', status({ state: 'waiting-for-approval' }));
    await s.loadSyncStatus();
    expect(s.useSyncStore.getState().status?.joinCode).toBeNull();
    bridge.emit('sync.changed', status({ state: 'waiting-for-approval', joinCode: '246810' }));
    await settle();
    expect(s.useSyncStore.getState().status?.joinCode).toBe('246810');
    bridge.emit('sync.changed', status({ state: 'syncing', firstSync: true, progress: { phase: 'download', done: 1, total: 9 } }));
    await settle();
    expect(s.useSyncStore.getState().status?.joinCode).toBeNull();
  });

  it('a lock empties the store, and a status asked for before it is not kept', async () => {
    bridge.answer('sync.status', status());
    await s.loadSyncStatus();
    await settle();
    expect(s.useSyncStore.getState().devices).toEqual([]);

    bridge.hold('sync.status');
    const late = s.loadSyncStatus();
    bridge.emit('session.locked', { reason: 'idle' });
    await settle();
    expect(s.useSyncStore.getState()).toEqual(s.initialSyncState);
    await bridge.release('sync.status');
    await late;
    expect(s.useSyncStore.getState().status).toBeNull();
  });

  it('a refused status (policy, no sync in this build) is kept as the reason', async () => {
    bridge.fail('sync.status', 'INTERNAL', 'Sync is not available.');
    await s.loadSyncStatus();
    expect(s.useSyncStore.getState().loadError?.message).toBe('Sync is not available.');
    expect(s.useSyncStore.getState().status).toBeNull();
  });
});
