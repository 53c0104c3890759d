/**
 * Which devices belong to a person's sync: signed statements ("add this device", "remove that
 * one and move to epoch n"). Each device writes its own statements as a hash chain (number n
 * names the one before by hash), signs them itself (only a device's very first statement, adding
 * itself, may be signed by the recovery key instead), and a reader takes a device's statements
 * only in chain order, only while that device is in the set.
 *
 * A removal names the removed device's last statement and segment that count (with their hashes)
 * and the hash of the new epoch's key. Cut-offs come only from removals that were themselves
 * accepted. Whatever the removed device writes after (it keeps the old keys, and maybe the
 * storage credentials) is refused; the new key, sealed to each remaining device and to the
 * recovery key, is checked against that hash.
 */
import { z } from 'zod';
import type { KeyObject } from 'node:crypto';
import { keyHashOf, openSealed, sealTo, sha256 } from '../../keys/syncCrypto';
import { SyncKeyring } from '../../keys/syncKeyring';
import type { SyncStorage } from '../storage/types';
import type { ObjectNames } from './names';
import { openObject, sealObject } from './objects';
import { Count, DeviceId, Hash, Key32 } from './schemas';
import type { SyncState } from './state';

export const RECOVERY_SIGNER = 'recovery';


export const DeviceInfoSchema = z.strictObject({ id: DeviceId, name: z.string().min(1).max(80), signPublic: Key32, boxPublic: Key32 });
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

const StatementSchema = z.strictObject({
  author: DeviceId,
  n: z.number().int().min(1).max(1_000_000),
  /** Hash of the author's statement n-1 ('' for its first). */
  prev: Hash,
  signer: z.union([DeviceId, z.literal(RECOVERY_SIGNER)]),
  type: z.enum(['add', 'remove']),
  device: DeviceInfoSchema,
  /** For a removal: the epoch it starts, what of the removed device still counts, and the new key's hash. */
  newEpoch: z.number().int().min(1).max(1_000_000).optional(),
  lastSeq: Count.optional(),
  lastHash: Hash.optional(),
  lastStatement: Count.optional(),
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
const statementName = (names: ObjectNames, author: string, signer: string, n: number) => names.statement(`${author}:${signer}`, n);

type NewStatement = Pick<Statement, 'type' | 'device' | 'newEpoch' | 'lastSeq' | 'lastHash' | 'lastStatement' | 'keyHash'>;

/**
 * Write this device's next statement, signed by itself (or, for its first, by the recovery key),
 * sealed in `epoch`. `andThen` runs in the same transaction that records it as written: what the
 * statement means for this device is kept exactly when the statement is.
 */
export async function writeStatement(
  ctx: RegistryContext,
  signer: { id: string; key: KeyObject },
  st: NewStatement,
  epoch = ctx.keys.latestEpoch,
  andThen?: () => void,
): Promise<void> {
  const me = ctx.state.config()!.deviceId;
  const self = ctx.state.device(me)!;
  const n = self.statementsSeen + 1;
  const name = statementName(ctx.names, me, signer.id, n);
  const body: Statement = { ...st, author: me, n, prev: self.statementHash, signer: signer.id, at: Date.now() };
  const bytes = sealObject({ ctx: { vaultId: ctx.keys.vaultId, kind: 'statement', position: name }, epoch, contentKey: ctx.keys.contentKey(epoch)!, signer: signer.key, body });
  // Already there: an earlier try landed (its answer was lost); the next round reads it as this device's own.
  if (!(await ctx.storage.putIfAbsent(name, bytes))) throw new Error('statement already there');
  const hash = sha256(bytes).toString('hex');
  ctx.state.db.transaction(() => {
    ctx.state.markStatementSeen(name);
    ctx.state.statementAccepted(me, n, hash);
    andThen?.();
  })();
}

/** Seal a new epoch's key to each remaining device and the recovery key, signed by this device. */
export async function publishEpochKey(ctx: RegistryContext, epoch: number, key: Buffer, recipients: { id: string; boxPublic: Buffer }[]): Promise<string> {
  const keyHash = keyHashOf(key);
  for (const r of recipients) {
    const aad = epochAad(ctx.keys.vaultId, epoch, r.id);
    const sealed = sealTo(r.boxPublic, key, aad);
    await ctx.storage.put(ctx.names.epochKey(epoch, r.id, keyHash), Buffer.concat([sealed, ctx.keys.sign(Buffer.concat([sealed, aad]))]));
  }
  return keyHash;
}

/** This device's key of a new epoch, signed by the remover and matching the removal's hash. */
async function fetchEpochKey(ctx: RegistryContext, st: Statement, sealerPublic: Buffer): Promise<boolean> {
  const epoch = st.newEpoch!;
  const config = ctx.state.config()!;
  const tries: [string, KeyObject][] = [[config.deviceId, ctx.keys.boxPrivate]];
  if (ctx.recoveryBox) tries.push([RECOVERY_SIGNER, ctx.recoveryBox]);
  for (const [recipient, box] of tries) {
    const name = ctx.names.epochKey(epoch, recipient, st.keyHash!);
    const bytes = await ctx.storage.get(name, 4096).catch(() => null);
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
  hash: string;
  bytes: Uint8Array;
  verify: (k: Buffer) => boolean;
}

export interface RegistryResult {
  removed: boolean;
  changed: boolean;
  /** A removal moved the set to an epoch whose key this device could not get (or got another one): it must not write. */
  missingEpoch: number | null;
}

async function openPending(ctx: RegistryContext): Promise<Opened[]> {
  const { state } = ctx;
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
    const st = parsed.success ? parsed.data : null;
    const selfSigned = st && (st.signer === st.author || (st.signer === RECOVERY_SIGNER && st.type === 'add' && st.device.id === st.author && st.n === 1));
    if (!st || !selfSigned || statementName(ctx.names, st.author, st.signer, st.n) !== o.name) {
      ctx.reject(o.name, bytes, 'format');
      state.markStatementSeen(o.name);
      continue;
    }
    opened.push({ name: o.name, st, hash: sha256(bytes).toString('hex'), bytes, verify: r.verify! });
  }
  return opened.sort((a, b) => a.st.author.localeCompare(b.st.author) || a.st.n - b.st.n);
}

/**
 * Read statements not seen yet and take those that check out, in each device's chain order,
 * repeating while one unlocks another (a device added, then its own statements; a new epoch's
 * key, then what was sealed in it).
 */
export async function processStatements(ctx: RegistryContext): Promise<RegistryResult> {
  const { state } = ctx;
  const result: RegistryResult = { removed: false, changed: false, missingEpoch: null };
  for (let listing = 0; listing < 16; listing++) {
    const epochsBefore = ctx.keys.latestEpoch;
    const opened = await openPending(ctx);
    let progress = true;
    while (progress) {
      progress = false;
      for (const o of opened) {
        if (state.statementSeen(o.name)) continue;
        const { st } = o;
        const author = state.device(st.author);
        const isGenesis = st.signer === RECOVERY_SIGNER;
        // The author's previous statement must be taken first (and this one must follow it).
        if (isGenesis ? author !== null && author.statementsSeen > 0 : !author || author.statementsSeen !== st.n - 1) continue;
        if (!isGenesis && st.prev !== author!.statementHash) {
          ctx.reject(o.name, o.bytes, 'fork');
          state.markStatementSeen(o.name);
          continue;
        }
        if (author && author.removedEpoch !== null && st.n > (author.removedStatements ?? 0)) {
          ctx.reject(o.name, o.bytes, 'device'); // written by a device after its removal
          state.markStatementSeen(o.name);
          continue;
        }
        const key = isGenesis ? state.config()!.recoverySignPublic : author!.signPublic;
        if (!key || !o.verify(key)) {
          ctx.reject(o.name, o.bytes, 'signature');
          state.markStatementSeen(o.name);
          continue;
        }
        if (st.type === 'add') {
          state.addDevice({ id: st.device.id, name: st.device.name, signPublic: Buffer.from(st.device.signPublic, 'base64'), boxPublic: Buffer.from(st.device.boxPublic, 'base64'), addedAt: st.at });
        } else if (st.newEpoch !== undefined && st.keyHash && st.device.id !== st.author && state.device(st.device.id)?.removedEpoch === null) {
          const removal = { epoch: st.newEpoch, lastSeq: st.lastSeq ?? 0, lastHash: st.lastHash ?? '', lastStatement: st.lastStatement ?? 0 };
          if (st.device.id === state.config()!.deviceId) {
            state.markRemoved(st.device.id, removal);
            state.updateConfig({ state: 'removed' });
            state.markStatementSeen(o.name);
            return { ...result, removed: true, changed: true };
          }
          // Two removals at once (on two devices) may both start this epoch: a different key than ours stops here.
          const ours = ctx.keys.hasEpoch(st.newEpoch) ? ctx.keys.epochKeyHash(st.newEpoch) : null;
          if (ours !== null ? ours !== st.keyHash : !(await fetchEpochKey(ctx, st, key))) {
            result.missingEpoch = Math.max(result.missingEpoch ?? 0, st.newEpoch);
            continue; // not seen: tried again next round, and this device writes nothing meanwhile
          }
          state.markRemoved(st.device.id, removal);
        } else if (!state.device(st.device.id)) {
          continue; // removes a device whose addition this device has not read yet
        }
        // (A removal of a device already removed, or a malformed one from a device in the set, changes nothing but keeps its chain going.)
        state.markStatementSeen(o.name);
        state.statementAccepted(st.author, st.n, o.hash);
        progress = true;
        result.changed = true;
      }
    }
    // A new epoch's key may open statements that were sealed in it: read them too.
    if (ctx.keys.latestEpoch === epochsBefore) break;
  }
  return result;
}
