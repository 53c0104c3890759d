/**
 * Which devices belong to a person's sync: signed statements ("add this device", "remove that
 * one and move to epoch n"), each written by one device under its own numbering. A statement
 * counts only if it opens under an epoch key at its own name (author and number are bound to
 * it), is well formed, and is signed by a device in the set or by the recovery key.
 *
 * A removal names the removed device's last statement and segment the remover had seen, and a
 * hash of the new epoch's key. Whatever the removed device writes after (it keeps the old keys
 * and maybe the storage credentials) is refused, whenever a device reads it; the new key, sealed
 * to each remaining device and to the recovery key, is checked against that hash.
 */
import { z } from 'zod';
import type { KeyObject } from 'node:crypto';
import { openSealed, sealTo, sha256 } from '../../keys/syncCrypto';
import { SyncKeyring } from '../../keys/syncKeyring';
import type { SyncStorage } from '../storage/types';
import type { ObjectNames } from './names';
import { openObject, sealObject } from './objects';
import type { SyncState } from './state';

export const RECOVERY_SIGNER = 'recovery';

const DeviceId = z.string().regex(/^[0-9a-f]{16}$/);
const Key32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const DeviceInfoSchema = z.strictObject({ id: DeviceId, name: z.string().min(1).max(80), signPublic: Key32, boxPublic: Key32 });
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

const StatementSchema = z.strictObject({
  author: DeviceId,
  n: z.number().int().min(1).max(1_000_000),
  signer: z.union([DeviceId, z.literal(RECOVERY_SIGNER)]),
  type: z.enum(['add', 'remove']),
  device: DeviceInfoSchema,
  /** For a removal: the epoch that starts with it, the removed device's last segment and statement that count, and the new key's hash. */
  newEpoch: z.number().int().min(1).max(1_000_000).optional(),
  lastSeq: z.number().int().min(0).optional(),
  lastStatement: z.number().int().min(0).optional(),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  at: z.number(),
});
export type Statement = z.infer<typeof StatementSchema>;

export interface RegistryContext {
  storage: SyncStorage;
  keys: SyncKeyring;
  names: ObjectNames;
  state: SyncState;
  /** Run with the live DEK (synchronously), to wrap a new key for the vault. */
  withDek: <T>(fn: (dek: Buffer) => T) => T;
  /** A statement or key object was set aside: the engine records it and warns. */
  reject: (name: string, bytes: Uint8Array, reason: string) => void;
  /** A device restored from the recovery key reads each epoch's key sealed to the recovery key. */
  recoveryBox?: KeyObject;
}

const epochAad = (vaultId: string, epoch: number, recipient: string) => Buffer.from(`cubby-sync|${vaultId}|epoch-key|${epoch}|${recipient}`);
const keyHashOf = (key: Buffer) => sha256('cubby-sync-epoch-key|', key).toString('hex');

type NewStatement = Pick<Statement, 'type' | 'device' | 'newEpoch' | 'lastSeq' | 'lastStatement' | 'keyHash'>;

/** Write a statement as this device, signed by `signer` (this device, or the recovery key), sealed in `epoch`. */
export async function writeStatement(ctx: RegistryContext, signer: { id: string; key: KeyObject }, st: NewStatement, epoch = ctx.keys.latestEpoch): Promise<void> {
  const config = ctx.state.config()!;
  const n = config.statements + 1;
  const name = ctx.names.statement(`${config.deviceId}:${signer.id}`, n);
  const body: Statement = { ...st, author: config.deviceId, n, signer: signer.id, at: Date.now() };
  const bytes = sealObject({ ctx: { vaultId: ctx.keys.vaultId, kind: 'statement', position: name }, epoch, contentKey: ctx.keys.contentKey(epoch)!, signer: signer.key, body });
  await ctx.storage.put(name, bytes);
  ctx.state.updateConfig({ statements: n });
  ctx.state.markStatementSeen(name);
  ctx.state.statementAccepted(config.deviceId, n);
}

/** Seal a new epoch's key to each remaining device and the recovery key, signed by this device. */
export async function publishEpochKey(ctx: RegistryContext, epoch: number, key: Buffer, recipients: { id: string; boxPublic: Buffer }[]): Promise<string> {
  for (const r of recipients) {
    const aad = epochAad(ctx.keys.vaultId, epoch, r.id);
    const sealed = sealTo(r.boxPublic, key, aad);
    await ctx.storage.put(ctx.names.epochKey(epoch, r.id), Buffer.concat([sealed, ctx.keys.sign(Buffer.concat([sealed, aad]))]));
  }
  return keyHashOf(key);
}

/** This device's key of a new epoch, signed by the remover and matching the removal's hash. */
async function fetchEpochKey(ctx: RegistryContext, st: Statement, sealerPublic: Buffer): Promise<boolean> {
  const epoch = st.newEpoch!;
  const config = ctx.state.config()!;
  const tries: [string, KeyObject][] = [[config.deviceId, ctx.keys.boxPrivate]];
  if (ctx.recoveryBox) tries.push([RECOVERY_SIGNER, ctx.recoveryBox]);
  for (const [recipient, box] of tries) {
    const name = ctx.names.epochKey(epoch, recipient);
    const bytes = await ctx.storage.get(name, 4096);
    if (!bytes) continue;
    const b = Buffer.from(bytes);
    const aad = epochAad(ctx.keys.vaultId, epoch, recipient);
    const sealed = b.subarray(0, Math.max(0, b.length - 64));
    const key = b.length > 96 && SyncKeyring.verify(sealerPublic, Buffer.concat([sealed, aad]), b.subarray(b.length - 64)) ? openSealed(box, sealed, aad) : null;
    if (!key || keyHashOf(key) !== st.keyHash) {
      key?.fill(0);
      ctx.reject(name, bytes, 'signature');
      continue;
    }
    ctx.state.storeEpochKey(epoch, ctx.withDek((dek) => SyncKeyring.wrapEpochKey(dek, ctx.keys.vaultId, epoch, key)));
    ctx.keys.addEpochKey(epoch, key);
    if (epoch > config.epoch) ctx.state.updateConfig({ epoch });
    return true;
  }
  return false;
}

interface Opened {
  name: string;
  st: Statement;
  epoch: number;
  bytes: Uint8Array;
  verify: (k: Buffer) => boolean;
}

export interface RegistryResult {
  removed: boolean;
  changed: boolean;
  /** A removal moved the set to an epoch whose key this device could not get: it must not write. */
  missingEpoch: number | null;
}

/**
 * Read statements not seen yet and apply those that check out, repeating while one unlocks
 * another (a device added, then its own statements).
 */
export async function processStatements(ctx: RegistryContext): Promise<RegistryResult> {
  const { state } = ctx;
  const result: RegistryResult = { removed: false, changed: false, missingEpoch: null };
  const opened: Opened[] = [];
  for (const o of await ctx.storage.list(ctx.names.statements)) {
    if (state.statementSeen(o.name)) continue;
    const bytes = await ctx.storage.get(o.name, 64 * 1024).catch(() => null);
    if (!bytes) continue;
    const r = openObject<unknown>(bytes, { ctx: { vaultId: ctx.keys.vaultId, kind: 'statement', position: o.name }, keyFor: ctx.keys.contentKey, signerPublic: null });
    if (!r.ok) {
      // A statement of an epoch this device has no key for is not for it (yet): not an attack.
      if (r.reason !== 'epoch') {
        ctx.reject(o.name, bytes, r.reason);
        state.markStatementSeen(o.name);
      }
      continue;
    }
    const parsed = StatementSchema.safeParse(r.body);
    if (!parsed.success || ctx.names.statement(`${parsed.data.author}:${parsed.data.signer}`, parsed.data.n) !== o.name) {
      ctx.reject(o.name, bytes, 'format');
      state.markStatementSeen(o.name);
      continue;
    }
    opened.push({ name: o.name, st: parsed.data, epoch: r.epoch, bytes, verify: r.verify! });
  }
  opened.sort((a, b) => a.epoch - b.epoch || a.st.at - b.st.at || a.name.localeCompare(b.name));

  // Cut-offs from every removal whose signature holds against its signer's real key, whenever it is read.
  const keyOf = (id: string): Buffer | null => {
    if (id === RECOVERY_SIGNER) return state.config()!.recoverySignPublic;
    const known = state.device(id)?.signPublic;
    if (known) return known;
    const added = opened.find((o) => o.st.type === 'add' && o.st.device.id === id);
    return added ? Buffer.from(added.st.device.signPublic, 'base64') : null;
  };
  const cutoff = new Map<string, number>();
  for (const d of state.devices()) if (d.removedStatements !== null) cutoff.set(d.id, d.removedStatements);
  for (const o of opened) {
    const signer = keyOf(o.st.signer);
    if (o.st.type === 'remove' && o.st.signer !== RECOVERY_SIGNER && signer && o.verify(signer)) {
      cutoff.set(o.st.device.id, Math.min(cutoff.get(o.st.device.id) ?? Infinity, o.st.lastStatement ?? 0));
    }
  }

  let progress = true;
  while (progress) {
    progress = false;
    for (const o of opened) {
      if (state.statementSeen(o.name)) continue;
      const { st } = o;
      if (st.n > (cutoff.get(st.author) ?? Infinity)) {
        ctx.reject(o.name, o.bytes, 'device'); // written by a device after its removal
        state.markStatementSeen(o.name);
        continue;
      }
      const signerRow = st.signer === RECOVERY_SIGNER ? null : state.device(st.signer);
      const key = st.signer === RECOVERY_SIGNER ? state.config()!.recoverySignPublic : signerRow?.signPublic ?? null;
      if (!key) continue; // signer not known yet: maybe added by a statement read later in this loop
      if ((signerRow && signerRow.removedEpoch !== null && st.author !== st.signer) || !o.verify(key)) {
        ctx.reject(o.name, o.bytes, 'signature');
        state.markStatementSeen(o.name);
        continue;
      }
      if (st.type === 'add') {
        state.addDevice({ id: st.device.id, name: st.device.name, signPublic: Buffer.from(st.device.signPublic, 'base64'), boxPublic: Buffer.from(st.device.boxPublic, 'base64'), addedAt: st.at });
      } else {
        if (st.signer === RECOVERY_SIGNER || st.newEpoch === undefined || !st.keyHash) {
          ctx.reject(o.name, o.bytes, 'format');
          state.markStatementSeen(o.name);
          continue;
        }
        if (st.device.id === state.config()!.deviceId) {
          state.markRemoved(st.device.id, st.newEpoch, st.lastSeq ?? 0, st.lastStatement ?? 0);
          state.updateConfig({ state: 'removed' });
          state.markStatementSeen(o.name);
          return { ...result, removed: true, changed: true };
        }
        if (!ctx.keys.hasEpoch(st.newEpoch) && !(await fetchEpochKey(ctx, st, key))) {
          result.missingEpoch = Math.max(result.missingEpoch ?? 0, st.newEpoch);
          continue; // not seen: tried again next round, and this device writes nothing meanwhile
        }
        state.markRemoved(st.device.id, st.newEpoch, st.lastSeq ?? 0, st.lastStatement ?? 0);
      }
      state.markStatementSeen(o.name);
      state.statementAccepted(st.author, st.n);
      progress = true;
      result.changed = true;
    }
  }
  return result;
}
