import { randomBytes } from 'node:crypto';
import type { Session } from '../../main/core/accounts/session';
import { CubbyError } from '../../main/core/errors';
import type { SyncConflict, SyncDevice, SyncRuntime, SyncService, SyncStatus, SyncTargetInput } from '../../main/core/sync/api';

/**
 * Tests only: a SyncRuntime with one in-memory service per person, so the bridge and the screen
 * can be tested before the engine exists. Each service starts syncing, with one other device, one
 * conflict and two pair requests of its own (random ids), answers NOT_FOUND for any other id,
 * moves between states as the real one would (set up, pause, turn off...) and records every call
 * with the session it was made for. It stores nothing and talks to no storage.
 */
export interface FakeSyncCall {
  userId: string;
  method: keyof SyncService;
  args: unknown[];
}

const hexId = () => randomBytes(8).toString('hex');

export class FakeSyncService implements SyncService {
  readonly devicesList: SyncDevice[];
  conflictList: SyncConflict[];
  private current: SyncStatus;
  private readonly listeners = new Set<(s: SyncStatus) => void>();
  /** Extra fields a careless engine might put on its status (the bridge must strip them). */
  leak: Record<string, unknown> = {};

  constructor(
    readonly userId: string,
    private readonly record: (call: FakeSyncCall) => void,
  ) {
    const thisId = hexId();
    this.devicesList = [
      { id: thisId, name: 'Desk', thisDevice: true, addedAt: 1, lastSeenAt: 2 },
      { id: hexId(), name: 'Laptop', thisDevice: false, addedAt: 3, lastSeenAt: null },
    ];
    this.conflictList = [{ id: hexId(), what: 'Memory fact', lostValue: 'old', currentValue: 'new', lostDeviceName: 'Laptop', at: 4 }];
    this.current = {
      state: 'idle',
      target: { kind: 'folder', label: 'Folder' },
      thisDevice: { id: thisId, name: 'Desk' },
      progress: null,
      firstSync: false,
      lastSyncAt: 5,
      joinCode: null,
      error: null,
      warnings: [],
      pendingMassDeletion: null,
      conflictCount: 1,
      pairRequests: [
        { id: hexId(), deviceName: 'Phone', code: '123456', at: 6 },
        { id: hexId(), deviceName: 'Tablet', code: '654321', at: 7 },
      ],
    };
  }

  private call(method: keyof SyncService, ...args: unknown[]): void {
    this.record({ userId: this.userId, method, args });
  }

  /** Change the status and tell the listeners, as the engine would. */
  update(change: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...change };
    for (const l of this.listeners) l(this.status());
  }

  status(): SyncStatus {
    return { ...this.current, ...this.leak } as SyncStatus;
  }
  async setUp(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }) {
    this.call('setUp', input);
    this.update({ state: 'idle', target: { kind: input.target.kind, label: `Fake ${input.target.kind}` }, thisDevice: { id: this.devicesList[0]!.id, name: input.deviceName } });
    return this.status();
  }
  async join(input: { target: SyncTargetInput; deviceName: string }) {
    this.call('join', input);
    this.update({ state: 'waiting-for-approval', joinCode: '246810' });
    return { ...this.status(), ...this.leak };
  }
  async joinWithRecoveryKey(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }) {
    this.call('joinWithRecoveryKey', input);
    this.update({ state: 'idle' });
    return this.status();
  }
  private pairRequest(id: string) {
    const request = this.current.pairRequests.find((r) => r.id === id);
    if (!request) throw new CubbyError('NOT_FOUND', 'That pairing request is gone.');
    return request;
  }
  async approvePairing(id: string) {
    this.call('approvePairing', id);
    const request = this.pairRequest(id);
    this.devicesList.push({ id: hexId(), name: request.deviceName, thisDevice: false, addedAt: Date.now(), lastSeenAt: null });
    this.update({ pairRequests: this.current.pairRequests.filter((r) => r.id !== id) });
  }
  async rejectPairing(id: string) {
    this.call('rejectPairing', id);
    this.pairRequest(id);
    this.update({ pairRequests: this.current.pairRequests.filter((r) => r.id !== id) });
  }
  async syncNow() {
    this.call('syncNow');
    return this.status();
  }
  pause() {
    this.call('pause');
    this.update({ state: 'paused', progress: null });
  }
  resume() {
    this.call('resume');
    this.update({ state: 'idle' });
  }
  async devices() {
    this.call('devices');
    return this.devicesList.map((d) => ({ ...d, ...this.leak }));
  }
  async removeDevice(id: string) {
    this.call('removeDevice', id);
    const at = this.devicesList.findIndex((d) => d.id === id && !d.thisDevice);
    if (at < 0) throw new CubbyError('NOT_FOUND', 'That device is not in your sync.');
    this.devicesList.splice(at, 1);
    this.update({});
  }
  conflicts() {
    this.call('conflicts');
    return this.conflictList;
  }
  resolveConflict(id: string, keep: 'current' | 'lost') {
    this.call('resolveConflict', id, keep);
    if (!this.conflictList.some((c) => c.id === id)) throw new CubbyError('NOT_FOUND', 'That conflict is gone.');
    this.conflictList = this.conflictList.filter((c) => c.id !== id);
    this.update({ conflictCount: this.conflictList.length });
  }
  async decideMassDeletion(apply: boolean) {
    this.call('decideMassDeletion', apply);
    this.update({ pendingMassDeletion: null });
  }
  dismissWarnings() {
    this.call('dismissWarnings');
    this.update({ warnings: [] });
  }
  async turnOff() {
    this.call('turnOff');
    this.update({ state: 'off', target: null, thisDevice: null, progress: null });
  }
  onChange(listener: (s: SyncStatus) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  listenerCount(): number {
    return this.listeners.size;
  }
}

export class FakeSyncRuntime implements SyncRuntime {
  readonly calls: FakeSyncCall[] = [];
  readonly services = new Map<string, FakeSyncService>();
  /** The sessions forSession was asked for, in order. */
  readonly sessions: Session[] = [];

  forSession(session: Session): SyncService {
    this.sessions.push(session);
    return this.of(session.user.id);
  }

  of(userId: string): FakeSyncService {
    let service = this.services.get(userId);
    if (!service) {
      service = new FakeSyncService(userId, (c) => this.calls.push(c));
      this.services.set(userId, service);
    }
    return service;
  }
}
