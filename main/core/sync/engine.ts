/**
 * One sync round for one open vault: read the device statements, take part in pairing, seal
 * local changes into this device's next segments, upload them, read every other device's
 * head and new segments (checking each against what this device already saw), apply them,
 * then announce this device's head. Snapshots and compaction ride along.
 *
 * Anything that fails a check is set aside (quarantined) and reported; nothing of it is
 * applied, and this device never uploads another device's objects.
 */
import { z } from 'zod';
import type { Db } from '../db/sqlcipher';
import { CubbyError, isCubbyError } from '../errors';
import { sha256 } from '../keys/syncCrypto';
import type { SyncKeyring } from '../keys/syncKeyring';
import type { SyncProgress } from './api';
import { applyRemoteChanges, captureChanges, countDeletions, type HybridClock, type RowChange } from './changes';
import { epochOf, MAX_OBJECT_BYTES, MAX_PLAIN_BODY, openObject, sealObject } from './protocol/objects';
import { ObjectNames } from './protocol/names';
import { processStatements, type RegistryContext } from './protocol/registry';
import type { DeviceRow, HeadBody, SnapshotManifest, SyncState } from './protocol/state';
import { adoptRemovalClaims, HeadSchema, removalClaims } from './protocol/heads';
import { pairingStep } from './pairingFlow';
import { applyDeviceSnapshot, bootstrapFromSnapshot, compactOwn, plausibleSnapshot, writeSnapshot } from './snapshots';
import type { SyncStorage } from './storage/types';

/** The outline of a batch; the change layer checks every field and clock before applying (checkBatch). */
const RowChangeSchema = z.looseObject({ tbl: z.string().max(64), key: z.string().max(512) });
export const ChangesBody = z.strictObject({ changes: z.array(RowChangeSchema).max(1_000_000) });

/** Own segments between snapshots: a new device replays at most this many of each device. */
export const SNAPSHOT_EVERY = 200;

export interface EngineDeps {
  db: Db;
  storage: SyncStorage;
  keys: SyncKeyring;
  state: SyncState;
  clock: HybridClock;
  /** Run with the live DEK (synchronously), to wrap a new key for the vault. */
  withDek: <T>(fn: (dek: Buffer) => T) => T;
  progress: (p: SyncProgress | null) => void;
  /** Whether a remote batch deletes enough to wait for the person (count, rows synced now). */
  isMassDeletion?: (count: number, rows: number) => boolean;
  /** Own segments between snapshots (default SNAPSHOT_EVERY). */
  snapshotEvery?: number;
  /** How long compaction waits for a device that has not read a snapshot (default 30 days). */
  compactionGraceMs?: number;
  now?: () => number;
}

export const defaultMassDeletion = (count: number, rows: number) => count >= 50 || (count >= 10 && count > rows * 0.3);

export type RejectReason = 'format' | 'signature' | 'decrypt' | 'epoch' | 'rollback' | 'fork' | 'missing' | 'too-large' | 'device';

const REASON_TEXT: Record<RejectReason, string> = {
  format: 'was damaged or cut short',
  signature: 'did not check out against the device it claims to come from (changed, moved, replayed or from elsewhere)',
  decrypt: 'did not check out against your sync key (changed, moved, replayed or from another vault)',
  epoch: 'used a key epoch it should not',
  rollback: 'was older than one already seen (the storage went back in time)',
  fork: 'conflicts with what that device wrote before (a copied device?)',
  missing: 'is missing from the storage',
  'too-large': 'was larger than any Cubby object',
  device: 'came from a device that is not part of your sync',
};

export class SyncEngine {
  readonly names: ObjectNames;
  private readonly now: () => number;

  constructor(readonly deps: EngineDeps) {
    this.names = new ObjectNames(deps.keys);
    this.now = deps.now ?? Date.now;
  }

  get registry(): RegistryContext {
    return {
      storage: this.deps.storage,
      keys: this.deps.keys,
      names: this.names,
      state: this.deps.state,
      withDek: this.deps.withDek,
      reject: (name, bytes, reason) => this.reject(name, bytes, reason as RejectReason),
    };
  }

  /** Record an object set aside; true the first time (so the person is told once). */
  reject(name: string, bytes: Uint8Array, reason: RejectReason): boolean {
    const digest = sha256(bytes).toString('hex');
    return this.deps.state.quarantine(name, digest, 'SYNC_OBJECT_REJECTED', `A sync object ${REASON_TEXT[reason]}. It was set aside and not applied.`);
  }

  async syncOnce(): Promise<void> {
    const { state } = this.deps;
    const { removed, missingEpoch } = await processStatements(this.registry);
    if (removed) return;
    if (missingEpoch !== null) {
      // Writing on in the old epoch would let the removed device read it: stop until the key is there.
      throw new CubbyError(
        'SYNC_OBJECT_REJECTED',
        'A device was removed from your sync, but this device’s copy of the new key is missing or changed in the storage. Sync is stopped here so nothing is written under the old key; add this device again from another one.',
      );
    }
    await pairingStep(this);
    const config = state.config()!;
    if (config.state !== 'active') return;
    this.headsRead.clear();
    this.aheadEpoch = null;
    for (const d of this.activePeers()) await this.readHead(d);
    if (this.aheadEpoch !== null) {
      throw new CubbyError(
        'SYNC_OBJECT_REJECTED',
        'Another of your devices writes under a newer key that this device does not have (a device was removed and this one missed it). Sync is stopped here so nothing is written under the old key; add this device again from another one.',
      );
    }
    this.sealLocalChanges();
    await this.upload();
    const started = config.firstSyncDone || (await bootstrapFromSnapshot(this));
    await this.pull();
    if (state.config()!.state === 'removed') return;
    // A first sync that could not read its snapshot tries again next round.
    if (!state.config()!.firstSyncDone && started) state.updateConfig({ firstSyncDone: true });
    this.sealLocalChanges(); // what pulling made pending (e.g. a cascade) goes out in this round
    await this.upload();
    const snap = state.config()!.snapshot;
    if (state.config()!.seq - (snap?.vector[config.deviceId]?.[0] ?? 0) >= (this.deps.snapshotEvery ?? SNAPSHOT_EVERY)) await writeSnapshot(this);
    await this.writeHead();
    await compactOwn(this);
    state.updateConfig({ lastSyncAt: this.now() });
    this.deps.progress(null);
  }

  /** Local changes into sealed segments in the outbox, in one transaction with the capture. */
  sealLocalChanges(): number {
    const { db, state, keys, clock } = this.deps;
    let written = 0;
    db.transaction(() => {
      const changes = captureChanges(db, clock);
      if (!changes.length) return;
      let { seq, lastHash } = state.config()!;
      const me = state.config()!.deviceId;
      for (const batch of splitBySize(changes)) {
        seq++;
        const epoch = keys.latestEpoch;
        const bytes = sealObject({
          ctx: { vaultId: keys.vaultId, kind: 'segment', position: `${me}:${seq}:${lastHash}` },
          epoch,
          contentKey: keys.contentKey(epoch)!,
          signer: keys.signer,
          body: { changes: batch },
        });
        state.addToOutbox(seq, this.names.segment(me, seq), bytes);
        lastHash = sha256(bytes).toString('hex');
        written++;
      }
      state.updateConfig({ seq, lastHash, epoch: keys.latestEpoch });
    })();
    return written;
  }

  /** Upload sealed segments in order. A name already holding other bytes means another copy of this device wrote it. */
  async upload(): Promise<void> {
    const { storage, state } = this.deps;
    const pending = state.outbox();
    let done = 0;
    for (const o of pending) {
      if (pending.length > 3) this.deps.progress({ phase: 'upload', done: done++, total: pending.length });
      if (!(await storage.putIfAbsent(o.name, o.bytes))) {
        const there = await storage.get(o.name, MAX_OBJECT_BYTES.segment);
        if (!there || !Buffer.from(there).equals(o.bytes)) {
          throw new CubbyError(
            'SYNC_OBJECT_REJECTED',
            'Another copy of this device is writing to your sync (was this computer copied?). Sync stopped here; remove this device from another one and join again.',
          );
        }
      }
      state.sent(o.seq);
    }
  }

  async writeHead(): Promise<void> {
    const { state, keys, storage } = this.deps;
    const c = state.config()!;
    const seen: Record<string, number> = {};
    for (const d of state.devices()) if (d.id !== c.deviceId) seen[d.id] = d.seenSeq;
    const head: HeadBody = { device: c.deviceId, seq: c.seq, hash: c.lastHash, epoch: keys.latestEpoch, seen, snapshot: c.snapshot, removed: removalClaims(state), at: this.now() };
    const epoch = keys.latestEpoch;
    await storage.put(
      this.names.head(c.deviceId),
      sealObject({ ctx: { vaultId: keys.vaultId, kind: 'head', position: c.deviceId }, epoch, contentKey: keys.contentKey(epoch)!, signer: keys.signer, body: head }),
    );
  }

  /** Other devices this one reads: added and not stopped for a fork; a removed one only up to its cut-off. */
  peers(): DeviceRow[] {
    const me = this.deps.state.config()!.deviceId;
    return this.deps.state.devices().filter((d) => d.id !== me && !d.blockedCode && (d.removedEpoch === null || d.seenSeq < (d.removedAfter ?? 0)));
  }

  /** Active devices: the ones whose acknowledgement compaction waits for. */
  activePeers(): DeviceRow[] {
    const me = this.deps.state.config()!.deviceId;
    return this.deps.state.devices().filter((d) => d.id !== me && d.removedEpoch === null && !d.blockedCode);
  }

  /** Heads read in this round (each once). */
  private readonly headsRead = new Map<string, HeadBody | null>();
  /** Set when an active device's head is sealed in an epoch this device has no key for. */
  private aheadEpoch: number | null = null;

  /** Fetch and check a device's head (once a round); rollback and fork are rejected (and a fork stops that device). */
  async readHead(d: DeviceRow): Promise<HeadBody | null> {
    if (this.headsRead.has(d.id)) return this.headsRead.get(d.id)!;
    const head = await this.fetchHead(d);
    this.headsRead.set(d.id, head);
    return head;
  }

  private async fetchHead(d: DeviceRow): Promise<HeadBody | null> {
    const name = this.names.head(d.id);
    const bytes = await this.fetch(name, 'head');
    if (!bytes) return d.head;
    const claimed = epochOf(bytes, 'head');
    if (d.removedEpoch === null && claimed !== null && claimed > this.deps.keys.latestEpoch) {
      // Only a device that holds a newer key can have sealed this, if its signature holds.
      const verified = openObject(bytes, { ctx: { vaultId: this.deps.keys.vaultId, kind: 'head', position: d.id }, keyFor: () => null, signerPublic: d.signPublic });
      if (!verified.ok && verified.reason === 'epoch') this.aheadEpoch = claimed;
      return d.head;
    }
    const opened = openObject<unknown>(bytes, {
      ctx: { vaultId: this.deps.keys.vaultId, kind: 'head', position: d.id },
      keyFor: this.deps.keys.contentKey,
      signerPublic: d.signPublic,
    });
    const parsed = opened.ok ? HeadSchema.safeParse(opened.body) : null;
    if (!opened.ok || !parsed?.success) {
      this.reject(name, bytes, opened.ok ? 'format' : opened.reason);
      return d.head;
    }
    const head = parsed.data;
    if (head.device !== d.id || head.seq < d.headSeq) {
      this.reject(name, bytes, head.device !== d.id ? 'device' : 'rollback');
      return d.head;
    }
    if (d.seenSeq > 0 && head.seq === d.seenSeq && head.hash !== d.seenHash) {
      this.reject(name, bytes, 'fork');
      this.deps.state.block(d.id, 'fork');
      return null;
    }
    this.deps.state.setHead(d.id, head, this.now());
    if (d.removedEpoch === null) adoptRemovalClaims(this.deps.state, head, opened.epoch, this.deps.keys.latestEpoch);
    return head;
  }

  /** Get an object; one over its kind's size limit is set aside without being read whole. */
  async fetch(name: string, kind: keyof typeof MAX_OBJECT_BYTES): Promise<Uint8Array | null> {
    try {
      return await this.deps.storage.get(name, MAX_OBJECT_BYTES[kind]);
    } catch (e) {
      if (isCubbyError(e) && e.code === 'SYNC_OBJECT_REJECTED') {
        this.reject(name, Buffer.from(name), 'too-large');
        return null;
      }
      throw e;
    }
  }

  async pull(): Promise<void> {
    const { state, storage } = this.deps;
    const listed = new Set((await storage.list(this.names.segments)).map((o) => o.name));
    const work: { d: DeviceRow; head: HeadBody | null }[] = [];
    for (const d of this.peers()) work.push({ d, head: await this.readHead(d) });
    const total = work.reduce((n, w) => n + Math.max(0, (w.head?.seq ?? 0) - w.d.seenSeq), 0);
    const caughtUp = new Set<string>();
    let done = 0;
    for (const { d, head } of work) {
      if (state.device(d.id)?.blockedCode) continue;
      let deletedThisRound = 0;
      for (;;) {
        const cur = state.device(d.id)!;
        const next = cur.seenSeq + 1;
        if (cur.removedEpoch !== null && next > (cur.removedAfter ?? 0)) break;
        const name = this.names.segment(d.id, next);
        if (!listed.has(name)) {
          // Away longer than compaction waited: that device's snapshot covers what is gone.
          const snap = head?.snapshot;
          if (head && head.seq >= next && snap && (snap.vector[d.id]?.[0] ?? 0) >= next && !caughtUp.has(d.id) && plausibleSnapshot(state, snap)) {
            caughtUp.add(d.id);
            if (await applyDeviceSnapshot(this, state.device(d.id)!, snap)) continue;
          }
          if (head && head.seq >= next) this.reject(name, Buffer.from(`${d.id}:${next}`), 'missing');
          break;
        }
        const bytes = await this.fetch(name, 'segment');
        if (!bytes) break;
        const opened = openObject<unknown>(bytes, {
          ctx: { vaultId: this.deps.keys.vaultId, kind: 'segment', position: `${d.id}:${next}:${cur.seenHash}` },
          keyFor: this.deps.keys.contentKey,
          signerPublic: d.signPublic,
        });
        if (!opened.ok || opened.epoch < cur.seenEpoch) {
          this.reject(name, bytes, opened.ok ? 'epoch' : opened.reason);
          break;
        }
        // A removed device's last segment that counts must be the one its remover saw.
        if (cur.removedEpoch !== null && next === cur.removedAfter && cur.removedHash && sha256(bytes).toString('hex') !== cur.removedHash) {
          this.reject(name, bytes, 'fork');
          state.block(d.id, 'fork');
          break;
        }
        const parsed = ChangesBody.safeParse(opened.body);
        if (!parsed.success) {
          this.reject(name, bytes, 'format');
          break;
        }
        let changes = parsed.data.changes as RowChange[];
        const held = state.held(d.id);
        // What the deletions would remove here, cascades included, added up over this round's segments of the device.
        const deletions = countDeletions(changes) > 0 ? rowsDeletedBy(this.deps.db, changes) : 0;
        deletedThisRound += deletions;
        if (held?.deviceId === d.id && held.seq === next) {
          if (!held.decision) break;
          if (held.decision === 'discard') changes = changes.filter((c) => !c.del);
          deletedThisRound = 0;
        } else if (deletions > 0 && (this.deps.isMassDeletion ?? defaultMassDeletion)(deletedThisRound, state.liveRowCount())) {
          state.hold(d.id, next, deletedThisRound);
          break;
        }
        const hash = sha256(bytes).toString('hex');
        try {
          this.deps.db.transaction(() => {
            applyRemoteChanges(this.deps.db, changes, this.deps.clock, d.id);
            state.setSeen(d.id, next, hash, opened.epoch);
            if (held?.deviceId === d.id) state.release(d.id);
          })();
        } catch (e) {
          // A batch the change layer refuses (unknown table, a clock not of its device, ...): nothing of it applied.
          if (!isCubbyError(e) || e.code !== 'SYNC_OBJECT_REJECTED') throw e;
          this.reject(name, bytes, 'format');
          break;
        }
        this.deps.progress({ phase: 'download', done: ++done, total: Math.max(total, done) });
      }
    }
  }
}

/** Rows a batch's tombstones remove here: each row, and the messages and run records that go with a conversation or run. */
function rowsDeletedBy(db: Db, changes: readonly RowChange[]): number {
  let n = 0;
  const messages = db.prepare('SELECT count(*) FROM messages WHERE conversation_id = ?').pluck();
  const steps = db.prepare('SELECT (SELECT count(*) FROM run_steps WHERE run_id = ?1) + (SELECT count(*) FROM run_logs WHERE run_id = ?1)').pluck();
  for (const c of changes) {
    if (!c.del) continue;
    n++;
    if (c.tbl === 'conversations') n += messages.get(c.key) as number;
    else if (c.tbl === 'runs') n += steps.get(c.key) as number;
  }
  return n;
}

/** Segments stay well under the object limit once compressed; a huge first capture becomes many. */
function* splitBySize(changes: RowChange[]): Generator<RowChange[]> {
  let batch: RowChange[] = [];
  let size = 0;
  for (const c of changes) {
    const n = JSON.stringify(c).length;
    if (batch.length && size + n > MAX_PLAIN_BODY / 2) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(c);
    size += n;
  }
  if (batch.length) yield batch;
}

export type { SnapshotManifest };
