/**
 * The SyncService of one open session: loads this device's sync state from the vault, runs a
 * round on a timer (never on the caller's path except "Sync now"), one round at a time, and
 * ends with the session: timer stopped, keys zeroed, storage closed. Every failure becomes a
 * status with a stable code and a plain message.
 */
import type { Session } from '../accounts/session';
import { vaultOf } from '../accounts/session';
import { CubbyError, isCubbyError } from '../errors';
import type { ErrorCode } from '../errorCodes';
import { SyncKeyring } from '../keys/syncKeyring';
import type { SyncConflict, SyncDevice, SyncProgress, SyncService, SyncStatus, SyncTargetInput } from './api';
import { countConflicts, listConflicts, resolveConflict, HybridClock, type ConflictEntry, type SyncValue } from './changes';
import { SyncEngine } from './engine';
import { continueJoin, joinWithRecovery, removeDevice, setUpFirstDevice, startJoin, type LifecycleContext } from './lifecycle';
import { approvePairing, readyRequests, rejectPairing } from './pairingFlow';
import { SyncState } from './protocol/state';
import type { SyncStorage } from './storage/types';

export interface SyncServiceDeps {
  openStorage: (target: SyncTargetInput) => SyncStorage;
  /** Checks a typed recovery key against this person's vault; returns its secret bytes (the caller zeroes them). */
  recoverySecret: (session: Session, text: string, mustMatchVault: boolean) => Buffer;
  /** Throws POLICY_FORBIDS where machine policy forbids sync or this kind of target. */
  checkPolicy: (target: SyncTargetInput | null) => void;
  targetLabel: (target: SyncTargetInput) => string;
  intervalMs: number;
  snapshotEvery?: number;
  compactionGraceMs?: number;
  /** Runs a round in turn with the rounds of the person's other open session, if any. */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  now?: () => number;
}

export class SessionSync implements SyncService {
  private readonly state: SyncState;
  private storage: SyncStorage | null = null;
  private keys: SyncKeyring | null = null;
  private engine: SyncEngine | null = null;
  private clock: HybridClock | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstRound: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private progress: SyncProgress | null = null;
  private error: { code: ErrorCode; message: string } | null = null;
  private readonly listeners = new Set<(s: SyncStatus) => void>();
  private closed = false;
  /** Without a runtime's turns (tests): this service's own. */
  private turn: Promise<unknown> = Promise.resolve();
  private readonly ownTurns = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = this.turn.catch(() => undefined).then(fn);
    this.turn = run;
    return run;
  };

  constructor(
    private readonly session: Session,
    private readonly deps: SyncServiceDeps,
  ) {
    this.state = new SyncState(vaultOf(session));
    session.onClose(() => this.close());
    const c = this.state.config();
    if (c) {
      this.storage = deps.openStorage(c.target);
      if (c.state === 'active') this.load();
      // A first round soon after sign-in, then on the interval.
      this.firstRound = setTimeout(() => void this.runRound().catch(() => undefined), Math.min(2000, deps.intervalMs));
      this.firstRound.unref?.();
    }
    this.schedule();
  }

  private get lifecycle(): LifecycleContext {
    if (!this.storage) throw notSetUp();
    return { state: this.state, storage: this.storage, withDek: (fn) => this.session.withDek(fn as never) };
  }

  private load(): void {
    const c = this.state.config()!;
    this.keys?.close();
    this.keys = this.session.withDek((dek) => SyncKeyring.load(dek, c.vaultId!, c.deviceKeys, this.state.wrappedEpochKeys()));
    this.makeEngine(this.keys);
  }

  private makeEngine(keys: SyncKeyring): void {
    // The session may have ended during the await that produced these keys: nothing may keep them.
    if (this.closed || !this.session.isOpen) {
      keys.close();
      return;
    }
    const c = this.state.config()!;
    this.keys = keys;
    this.clock = new HybridClock(c.deviceId, this.deps.now);
    this.engine = new SyncEngine({
      db: vaultOf(this.session),
      storage: this.storage!,
      keys,
      state: this.state,
      clock: this.clock,
      withDek: (fn) => this.session.withDek(fn as never),
      progress: (p) => {
        this.progress = p;
        this.emit();
      },
      now: this.deps.now,
      snapshotEvery: this.deps.snapshotEvery,
      compactionGraceMs: this.deps.compactionGraceMs,
    });
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setInterval(() => void this.runRound().catch(() => undefined), this.deps.intervalMs);
    this.timer.unref?.();
  }

  /** One round at a time; a failure is kept for the status, never thrown at the timer. */
  private runRound(): Promise<void> {
    if (this.round) return this.round;
    if (this.closed || !this.session.isOpen) return Promise.resolve();
    const c = this.state.config();
    if (this.closed || !c || c.paused || c.state === 'removed') return Promise.resolve();
    const exclusive = this.deps.exclusive ?? this.ownTurns;
    this.round = exclusive(async () => {
      try {
        // Read again: the person's other session may have changed it while this round waited its turn.
        const cur = this.state.config();
        if (this.closed || !cur || cur.paused || cur.state === 'removed') return;
        this.deps.checkPolicy(cur.target);
        if (cur.state === 'joining') {
          const ring = await continueJoin(this.lifecycle);
          if (ring) this.makeEngine(ring);
          else return;
        }
        if (!this.engine) return; // set-up still writing its first snapshot
        this.refreshKeys();
        await this.engine.syncOnce();
        this.error = null;
      } catch (e) {
        if (this.closed) return;
        this.error = isCubbyError(e) ? { code: e.code, message: e.message } : { code: 'SYNC_STORAGE_ERROR', message: 'Sync stopped on an unexpected error. It will try again.' };
      } finally {
        this.round = null;
        this.progress = null;
        this.emit();
      }
    });
    return this.round;
  }

  status(): SyncStatus {
    const c = this.state.config();
    const held = this.state.held();
    const heldDevice = held ? this.state.device(held.deviceId) : null;
    return {
      state: !c ? 'off' : c.state === 'removed' ? 'removed' : c.state === 'joining' ? 'waiting-for-approval' : c.paused ? 'paused' : this.round ? 'syncing' : this.error ? 'error' : 'idle',
      target: c ? { kind: c.target.kind, label: this.deps.targetLabel(c.target) } : null,
      thisDevice: c ? { id: c.deviceId, name: c.deviceName } : null,
      progress: this.progress,
      firstSync: !!c && !c.firstSyncDone,
      lastSyncAt: c?.lastSyncAt ?? null,
      error: this.error,
      warnings: c ? this.state.warnings().map((w) => ({ code: w.code as ErrorCode, message: w.message, at: w.at })) : [],
      pendingMassDeletion: held && !held.decision ? { count: held.count, deviceName: heldDevice?.name ?? 'another device' } : null,
      conflictCount: countConflicts(vaultOf(this.session), { longTextOnly: true }),
      joinCode: c?.join?.answered?.code ?? null,
      pairRequests: c?.state === 'active' ? readyRequests(this.state) : [],
    };
  }

  private emit(): void {
    if (this.closed || !this.session.isOpen) return;
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  onChange(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private begin(target: SyncTargetInput): void {
    this.deps.checkPolicy(target);
    if (this.state.config()) throw new CubbyError('VALIDATION', 'Sync is already on for this vault. Turn it off first to use another storage.');
    void this.storage?.close();
    this.storage = this.deps.openStorage(target);
  }

  /** A failed start leaves nothing behind: no half state in the vault (sync was off before it, see begin()). */
  private async undoOnFailure<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.state.clear();
      this.engine = null;
      throw e;
    }
  }

  async setUp(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }): Promise<SyncStatus> {
    this.deps.checkPolicy(input.target);
    const secret = this.deps.recoverySecret(this.session, input.recoveryKey, true);
    try {
      this.begin(input.target);
      await this.undoOnFailure(async () => {
        const { keys } = await setUpFirstDevice(this.lifecycle, { db: vaultOf(this.session), now: this.deps.now, progress: (p) => ((this.progress = p), this.emit()) }, {
          target: input.target,
          deviceName: input.deviceName,
          recoverySecret: secret,
        });
        this.makeEngine(keys);
      });
    } finally {
      secret.fill(0);
    }
    this.emit();
    return this.status();
  }

  async join(input: { target: SyncTargetInput; deviceName: string }): Promise<SyncStatus> {
    this.begin(input.target);
    await this.undoOnFailure(() => startJoin(this.lifecycle, input));
    // Give an unlocked device a moment to answer, so the code often shows at once.
    for (let i = 0; i < 3 && !this.state.config()?.join?.answered; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await this.runRound();
    }
    this.emit();
    return this.status();
  }

  async joinWithRecoveryKey(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }): Promise<SyncStatus> {
    this.deps.checkPolicy(input.target);
    const secret = this.deps.recoverySecret(this.session, input.recoveryKey, false);
    try {
      this.begin(input.target);
      const ring = await this.undoOnFailure(() => joinWithRecovery(this.lifecycle, { ...input, recoverySecret: secret }));
      this.makeEngine(ring);
    } finally {
      secret.fill(0);
    }
    void this.runRound();
    return this.status();
  }

  /** The person's other session (a background one) may have moved to a new epoch: take its keys. */
  private refreshKeys(): void {
    const keys = this.keys;
    if (keys) this.session.withDek((dek) => keys.refresh(dek, this.state.wrappedEpochKeys()));
  }

  /** A change to the device set, in turn with every round of this person's sessions, on fresh keys. */
  private changeDevices(action: (engine: SyncEngine) => Promise<void>): Promise<void> {
    const engine = this.active();
    const exclusive = this.deps.exclusive ?? ((fn) => fn());
    // (Rounds run in the same turns: none is running while this does.)
    return exclusive(async () => {
      this.refreshKeys();
      await action(engine);
    }).finally(() => this.emit());
  }

  private active(): SyncEngine {
    const c = this.state.config();
    if (!c || c.state !== 'active' || !this.engine) throw notSetUp();
    return this.engine;
  }

  approvePairing(requestId: string): Promise<void> {
    return this.changeDevices((engine) => approvePairing(engine, requestId));
  }

  rejectPairing(requestId: string): Promise<void> {
    return this.changeDevices((engine) => rejectPairing(engine, requestId));
  }

  async syncNow(): Promise<SyncStatus> {
    if (!this.state.config()) throw notSetUp();
    await this.runRound();
    return this.status();
  }

  pause(): void {
    if (!this.state.config()) throw notSetUp();
    this.state.updateConfig({ paused: true });
    this.emit();
  }

  resume(): void {
    if (!this.state.config()) throw notSetUp();
    this.state.updateConfig({ paused: false });
    this.emit();
    void this.runRound();
  }

  async devices(): Promise<SyncDevice[]> {
    const c = this.state.config();
    if (!c) return [];
    return this.state
      .devices()
      .filter((d) => d.removedEpoch === null)
      .map((d) => ({ id: d.id, name: d.name, thisDevice: d.id === c.deviceId, addedAt: d.addedAt, lastSeenAt: d.id === c.deviceId ? c.lastSyncAt : d.lastHeardAt }));
  }

  removeDevice(deviceId: string): Promise<void> {
    return this.changeDevices((engine) => removeDevice(engine, deviceId));
  }

  conflicts(): SyncConflict[] {
    const me = this.state.config()?.deviceId;
    const nameOf = (id: string) => (id === me ? 'this device' : (this.state.device(id)?.name ?? 'another device'));
    return listConflicts(vaultOf(this.session), { longTextOnly: true }).map((e: ConflictEntry) => ({
      id: String(e.id),
      what: e.what,
      lostValue: shown(e.lostValue),
      currentValue: shown(e.currentValue),
      lostDeviceName: nameOf(e.lostDevice),
      at: e.at,
    }));
  }

  resolveConflict(id: string, keep: 'current' | 'lost'): void {
    // Conflict ids are row numbers of this vault: anything else names nothing here.
    if (!/^[1-9]\d{0,15}$/.test(id)) throw new CubbyError('NOT_FOUND', 'That conflict is no longer there.');
    resolveConflict(vaultOf(this.session), Number(id), keep);
    this.emit();
  }

  async decideMassDeletion(apply: boolean): Promise<void> {
    // The one the status shows (the first still waiting); another device's comes next.
    const held = this.state.held();
    if (!held) throw new CubbyError('NOT_FOUND', 'There is no held deletion to decide on.');
    this.state.decide(held.deviceId, apply ? 'apply' : 'discard');
    await this.runRound();
  }

  dismissWarnings(): void {
    this.state.dismissWarnings();
    this.emit();
  }

  async turnOff(): Promise<void> {
    await this.round?.catch(() => undefined);
    this.state.clear();
    this.keys?.close();
    this.keys = null;
    this.engine = null;
    await this.storage?.close();
    this.storage = null;
    this.error = null;
    this.emit();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.firstRound) clearTimeout(this.firstRound);
    this.timer = null;
    this.keys?.close();
    this.keys = null;
    this.listeners.clear();
    void this.storage?.close().catch(() => undefined);
  }
}

/** A kept version as text for the conflicts list. */
function shown(v: SyncValue | Record<string, SyncValue>): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if ('b64' in v && typeof v.b64 === 'string') return '(file)';
  return JSON.stringify(v);
}

function notSetUp(): CubbyError {
  return new CubbyError('SYNC_NOT_SET_UP', 'Sync is not on for this vault.');
}
