/**
 * Snapshots and compaction. A snapshot is the whole synced state of one device at a point
 * named by a vector (per device, the last segment it includes), sealed in chunks; the device's
 * head announces it. A new device starts from the fullest snapshot it finds, then reads only
 * the segments after it. Once every active device has read past a device's snapshot (or a
 * grace period passed), that device deletes its own older segments and snapshots; a device
 * only ever deletes objects it wrote.
 */
import { isCubbyError } from '../errors';
import { applyRemoteChanges, captureChanges, snapshotChanges, type RowChange } from './changes';
import { ChangesBody, type SyncEngine } from './engine';
import { openObject, sealObject, MAX_PLAIN_BODY } from './protocol/objects';
import type { DeviceRow, SnapshotManifest, SyncState } from './protocol/state';

export const COMPACTION_GRACE_MS = 30 * 24 * 3600_000;

interface StoredManifest extends SnapshotManifest {
  /** Snapshots of this device not deleted yet (older ones). */
  superseded?: { id: number; chunks: number }[];
}

/**
 * `initial`: the first device's first snapshot. Its existing rows get their clocks (captured)
 * but go out in the snapshot alone, not also as segments.
 */
export async function writeSnapshot(engine: SyncEngine, opts: { initial?: boolean } = {}): Promise<void> {
  const { db, state, keys, storage } = engine.deps;
  if (opts.initial) db.transaction(() => void captureChanges(db, engine.deps.clock))();
  else {
    engine.sealLocalChanges();
    await engine.upload();
  }
  const c = state.config()!;
  const id = c.seq;
  const vector: Record<string, [number, string]> = { [c.deviceId]: [c.seq, c.lastHash] };
  for (const d of state.devices()) if (d.id !== c.deviceId && d.seenSeq > 0) vector[d.id] = [d.seenSeq, d.seenHash];
  // One synchronous pass: the rows and the vector describe the same moment.
  const chunks: RowChange[][] = [];
  let batch: RowChange[] = [];
  let size = 0;
  for (const change of snapshotChanges(db)) {
    const n = JSON.stringify(change).length;
    if (batch.length && size + n > MAX_PLAIN_BODY / 2) {
      chunks.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(change);
    size += n;
  }
  chunks.push(batch);
  const epoch = keys.latestEpoch;
  for (let i = 0; i < chunks.length; i++) {
    engine.deps.progress({ phase: 'upload', done: i, total: chunks.length });
    const bytes = sealObject({
      ctx: { vaultId: keys.vaultId, kind: 'snapshot', position: `${c.deviceId}:${id}:${i}:${chunks.length}` },
      epoch,
      contentKey: keys.contentKey(epoch)!,
      signer: keys.signer,
      body: { changes: chunks[i] },
    });
    await storage.put(engine.names.snapshotChunk(c.deviceId, id, i), bytes);
  }
  const previous = c.snapshot as StoredManifest | null;
  const superseded = [...(previous?.superseded ?? []), ...(previous && previous.id !== id ? [{ id: previous.id, chunks: previous.chunks }] : [])];
  const manifest: StoredManifest = { id, chunks: chunks.length, vector, at: Date.now(), superseded };
  state.updateConfig({ snapshot: manifest });
}

/** No position in it goes past what that device's own verified head (or its removal) says. */
export function plausibleSnapshot(state: SyncState, m: SnapshotManifest): boolean {
  const me = state.config()!;
  return Object.entries(m.vector).every(([id, [seq]]) => {
    if (id === me.deviceId) return seq <= me.seq;
    const d = state.device(id);
    if (!d) return false;
    return d.removedEpoch !== null ? seq <= (d.removedAfter ?? 0) : seq <= d.headSeq;
  });
}

/**
 * First sync of a device that joined: apply the fullest snapshot a device still in the set
 * announces, whose positions no device's own head contradicts. True when done (or there is
 * none); false to try again next round.
 */
export async function bootstrapFromSnapshot(engine: SyncEngine): Promise<boolean> {
  const { state } = engine.deps;
  // Every head first: a remaining device's head may report a removal this device never read.
  for (const d of engine.peers()) await engine.readHead(d);
  let best: { device: DeviceRow; manifest: SnapshotManifest } | null = null;
  const coverage = (m: SnapshotManifest) => Object.values(m.vector).reduce((n, [seq]) => n + seq, 0);
  for (const d of engine.activePeers()) {
    const snap = state.device(d.id)?.head?.snapshot;
    if (snap && plausibleSnapshot(state, snap) && (!best || coverage(snap) > coverage(best.manifest))) best = { device: d, manifest: snap };
  }
  if (best) return applyDeviceSnapshot(engine, best.device, best.manifest);
  // None announced: start from the segments. Announced but none usable yet: try again next round.
  return !engine.activePeers().some((d) => state.device(d.id)?.head?.snapshot);
}

/**
 * Fetch, check and apply one device's snapshot, then take its positions. Also how a device that
 * was away longer than compaction waits catches up. False when it could not (tried again later).
 */
export async function applyDeviceSnapshot(engine: SyncEngine, device: DeviceRow, manifest: SnapshotManifest): Promise<boolean> {
  const { keys } = engine.deps;
  const applied: RowChange[][] = [];
  for (let i = 0; i < manifest.chunks; i++) {
    engine.deps.progress({ phase: 'download', done: i, total: manifest.chunks });
    const name = engine.names.snapshotChunk(device.id, manifest.id, i);
    const bytes = await engine.fetch(name, 'snapshot');
    if (!bytes) return false; // compacted meanwhile or missing: the next round tries again
    const opened = openObject<unknown>(bytes, {
      ctx: { vaultId: keys.vaultId, kind: 'snapshot', position: `${device.id}:${manifest.id}:${i}:${manifest.chunks}` },
      keyFor: keys.contentKey,
      signerPublic: device.signPublic,
    });
    const parsed = opened.ok ? ChangesBody.safeParse(opened.body) : null;
    if (!opened.ok || !parsed?.success) {
      engine.reject(name, bytes, opened.ok ? 'format' : opened.reason);
      return false;
    }
    applied.push(parsed.data.changes as RowChange[]);
  }
  try {
    await applySnapshot(engine, applied, manifest);
    return true;
  } catch (e) {
    if (!isCubbyError(e) || e.code !== 'SYNC_OBJECT_REJECTED') throw e;
    engine.reject(engine.names.snapshotChunk(device.id, manifest.id, 0), Buffer.from(`${device.id}:${manifest.id}`), 'format');
    return false;
  }
}

/**
 * One transaction per chunk, yielding between them: a first sync of a big vault must not hold
 * main (and every window's calls) for its whole length. The positions are taken last, so a first
 * sync cut short starts over, and applying a chunk again changes nothing.
 */
async function applySnapshot(engine: SyncEngine, applied: RowChange[][], manifest: SnapshotManifest): Promise<void> {
  const { state } = engine.deps;
  for (let i = 0; i < applied.length; i++) {
    engine.deps.progress({ phase: 'apply', done: i, total: applied.length });
    // A snapshot holds every device's clocks, not only its writer's.
    applyRemoteChanges(engine.deps.db, applied[i]!, engine.deps.clock, null);
    await new Promise((r) => setImmediate(r));
  }
  engine.deps.db.transaction(() => {
    for (const [id, [seq, hash]] of Object.entries(manifest.vector)) {
      const d = state.device(id);
      if (d && d.seenSeq < seq && id !== state.config()!.deviceId) state.setSeen(id, seq, hash, 0);
    }
  })();
}

/** Delete this device's segments and older snapshots that every active device has read past. */
export async function compactOwn(engine: SyncEngine, now = Date.now(), graceMs = engine.deps.compactionGraceMs ?? COMPACTION_GRACE_MS): Promise<number> {
  const { state, storage } = engine.deps;
  const c = state.config()!;
  const snap = c.snapshot as StoredManifest | null;
  if (!snap) return 0;
  const covered = snap.vector[c.deviceId]?.[0] ?? 0;
  // A device that has read past the snapshot, or has not been heard from for the grace period
  // (lost, or sync turned off there), does not hold compaction back: it catches up from a snapshot.
  const waitsFor = (d: DeviceRow) => (d.head?.seen[c.deviceId] ?? 0) < covered && now - (d.lastHeardAt ?? d.addedAt) <= graceMs;
  if (engine.activePeers().some(waitsFor)) return 0;
  let deleted = 0;
  const mine = new Set((await storage.list(engine.names.segments)).map((o) => o.name));
  // Oldest first, so a round cut short leaves no older segment behind a gap.
  let through = c.compactedThrough;
  try {
    for (let seq = through + 1; seq <= covered; seq++) {
      const name = engine.names.segment(c.deviceId, seq);
      if (mine.has(name)) {
        await storage.delete(name);
        deleted++;
      }
      through = seq;
    }
  } finally {
    if (through !== c.compactedThrough) state.updateConfig({ compactedThrough: through });
  }
  for (const old of snap.superseded ?? []) {
    for (let i = 0; i < old.chunks; i++) await storage.delete(engine.names.snapshotChunk(c.deviceId, old.id, i));
    deleted += old.chunks;
  }
  if (snap.superseded?.length) state.updateConfig({ snapshot: { ...snap, superseded: [] } as SnapshotManifest });
  return deleted;
}
