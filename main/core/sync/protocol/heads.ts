/**
 * A device's head: its latest segment (seq, hash) and epoch, what it has read of each other
 * device (its acknowledgements, for compaction), its latest snapshot, and the devices it knows
 * were removed (so a device that never saw a removal statement, say one the removed device
 * deleted from the storage, still learns of it from the remaining devices). Checked field by
 * field: a head is written by a device, and read by every other.
 */
import { z } from 'zod';
import { Count, DeviceId, Hash } from './schemas';
import type { DeviceRow, SyncState } from './state';


export const SnapshotManifestSchema = z.strictObject({
  id: Count,
  chunks: z.number().int().min(1).max(100_000),
  vector: z.record(DeviceId, z.tuple([Count, Hash])),
  at: z.number(),
  superseded: z.array(z.strictObject({ id: Count, chunks: z.number().int().min(1).max(100_000) })).max(1000).optional(),
});

export const HeadSchema = z.strictObject({
  device: DeviceId,
  seq: Count,
  hash: Hash,
  epoch: Count,
  seen: z.record(DeviceId, Count),
  snapshot: SnapshotManifestSchema.nullable(),
  /** Removed devices: [epoch of the removal, last segment that counts and its hash, last statement that counts]. */
  removed: z.record(DeviceId, z.tuple([Count, Count, Hash, Count])),
  at: z.number(),
});
export type HeadBody = z.infer<typeof HeadSchema>;

/** What counts of a removed device, as heads and pairing grants carry it. */
export type RemovalTuple = [epoch: number, lastSeq: number, lastHash: string, lastStatement: number];

export function removalTuple(d: DeviceRow): RemovalTuple | null {
  return d.removedEpoch === null ? null : [d.removedEpoch, d.removedAfter ?? 0, d.removedHash ?? '', d.removedStatements ?? 0];
}

export function removalFromTuple([epoch, lastSeq, lastHash, lastStatement]: RemovalTuple) {
  return { epoch, lastSeq, lastHash, lastStatement };
}

export function removalClaims(state: SyncState): HeadBody['removed'] {
  const out: HeadBody['removed'] = {};
  for (const d of state.devices()) {
    const t = removalTuple(d);
    if (t) out[d.id] = t;
  }
  return out;
}

/**
 * Removals a head reports, from a device still in the set and sealed in the newest epoch this
 * device holds (a removal starts an epoch, and a removed device never gets its key): this device
 * takes those it did not know. A claim that this device itself was removed cannot be true while
 * it holds that epoch's key, and is ignored.
 */
export function adoptRemovalClaims(state: SyncState, head: HeadBody, headEpoch: number, latestEpoch: number): void {
  if (headEpoch < 1 || headEpoch !== latestEpoch) return;
  const me = state.config()!.deviceId;
  for (const [id, claim] of Object.entries(head.removed)) {
    const d = state.device(id);
    if (!d || id === me || d.removedEpoch !== null || claim[0] < 1 || claim[0] > headEpoch) continue;
    state.markRemoved(id, removalFromTuple(claim));
  }
}
