/**
 * Which devices belong to a person's sync: signed statements ("add this device", "remove that
 * one and move to epoch n"), each written by the device that made it. A statement counts only
 * if it opens under an epoch key and is signed by a device that is in (and not removed from)
 * the set, or by the recovery key. A removal comes with the new epoch's key sealed to every
 * remaining device and to the recovery key, so the removed device cannot read what follows.
 */
import { sealObject, openObject } from './objects';
import type { ObjectNames } from './names';
import type { SyncState } from './state';
import type { SyncStorage } from '../storage/types';
import { SyncKeyring } from '../../keys/syncKeyring';
import { sha256 } from '../../keys/syncCrypto';
import type { KeyObject } from 'node:crypto';

export const RECOVERY_SIGNER = 'recovery';

export interface DeviceInfo {
  id: string;
  name: string;
  signPublic: string; // base64
  boxPublic: string; // base64
}

export interface Statement {
  signer: string;
  type: 'add' | 'remove';
  device: DeviceInfo;
  /** For a removal: the epoch that starts with it, and the removed device's last segment that counts. */
  newEpoch?: number;
  lastSeq?: number;
  at: number;
}

export interface RegistryContext {
  storage: SyncStorage;
  keys: SyncKeyring;
  names: ObjectNames;
  state: SyncState;
  /** Run with the live DEK (synchronously), to wrap a new key for the vault. */
  withDek: <T>(fn: (dek: Buffer) => T) => T;
  /** A statement was set aside: the engine records it and warns. */
  reject: (name: string, bytes: Uint8Array, reason: string) => void;
}

const epochAad = (vaultId: string, epoch: number, recipient: string) => Buffer.from(`cubby-sync|${vaultId}|epoch-key|${epoch}|${recipient}`);

export async function writeStatement(ctx: RegistryContext, signer: { id: string; key: KeyObject }, st: Omit<Statement, 'signer' | 'at'>): Promise<void> {
  const config = ctx.state.config()!;
  const n = config.statements + 1;
  const name = ctx.names.statement(`${config.deviceId}:${signer.id}`, n);
  const epoch = ctx.keys.latestEpoch;
  const bytes = sealObject({
    ctx: { vaultId: ctx.keys.vaultId, kind: 'statement', position: name },
    epoch: st.type === 'remove' ? st.newEpoch! - 1 : epoch,
    contentKey: ctx.keys.contentKey(st.type === 'remove' ? st.newEpoch! - 1 : epoch)!,
    signer: signer.key,
    body: { ...st, signer: signer.id, at: Date.now() } satisfies Statement,
  });
  await ctx.storage.put(name, bytes);
  ctx.state.updateConfig({ statements: n });
  ctx.state.markStatementSeen(name);
}

/** Seal an epoch's key to each remaining device and the recovery key, signed by this device. */
export async function publishEpochKey(ctx: RegistryContext, epoch: number, recipients: { id: string; boxPublic: Buffer }[]): Promise<void> {
  for (const r of recipients) {
    const aad = epochAad(ctx.keys.vaultId, epoch, r.id);
    const sealed = ctx.keys.sealEpochKeyTo(epoch, r.boxPublic, aad);
    await ctx.storage.put(ctx.names.epochKey(epoch, r.id), Buffer.concat([sealed, ctx.keys.sign(Buffer.concat([sealed, aad]))]));
  }
}

/** Fetch this device's key of a new epoch, sealed by the device that removed another. */
async function fetchEpochKey(ctx: RegistryContext, epoch: number, sealerPublic: Buffer): Promise<boolean> {
  const config = ctx.state.config()!;
  const name = ctx.names.epochKey(epoch, config.deviceId);
  const bytes = await ctx.storage.get(name, 4096);
  if (!bytes) return false;
  const b = Buffer.from(bytes);
  const aad = epochAad(ctx.keys.vaultId, epoch, config.deviceId);
  const sealed = b.subarray(0, b.length - 64);
  if (b.length < 64 + 32 || !SyncKeyring.verify(sealerPublic, Buffer.concat([sealed, aad]), b.subarray(b.length - 64))) {
    ctx.reject(name, bytes, 'signature');
    return false;
  }
  const key = ctx.keys.openSealedToMe(sealed, aad);
  if (!key) {
    ctx.reject(name, bytes, 'decrypt');
    return false;
  }
  ctx.state.storeEpochKey(epoch, ctx.withDek((dek) => SyncKeyring.wrapEpochKey(dek, ctx.keys.vaultId, epoch, key)));
  ctx.keys.addEpochKey(epoch, key);
  if (epoch > config.epoch) ctx.state.updateConfig({ epoch });
  return true;
}

/** The key a recovered device reads for each epoch after the first. */
export function recoveryEpochAad(vaultId: string, epoch: number): Buffer {
  return epochAad(vaultId, epoch, RECOVERY_SIGNER);
}

function signerKey(ctx: RegistryContext, signer: string): Buffer | null {
  if (signer === RECOVERY_SIGNER) return ctx.state.config()!.recoverySignPublic;
  const d = ctx.state.device(signer);
  return d && d.removedEpoch === null ? d.signPublic : null;
}

/**
 * Read statements not seen yet and apply those that check out, repeating while one unlocks
 * another (a device added, then its own statements). Returns whether this device was removed.
 */
export async function processStatements(ctx: RegistryContext): Promise<{ removed: boolean; changed: boolean }> {
  const listed = await ctx.storage.list(ctx.names.statements);
  let pending = listed.filter((o) => !ctx.state.statementSeen(o.name));
  let changed = false;
  const bodies = new Map<string, { st: Statement; verify: (k: Buffer) => boolean; bytes: Uint8Array }>();
  for (const o of pending) {
    const bytes = await ctx.storage.get(o.name, 64 * 1024).catch(() => null);
    if (!bytes) continue;
    const opened = openObject<Statement>(bytes, {
      ctx: { vaultId: ctx.keys.vaultId, kind: 'statement', position: o.name },
      keyFor: ctx.keys.contentKey,
      signerPublic: null,
    });
    if (!opened.ok) {
      // A statement of an epoch this device has no key for is not for it (yet): not an attack.
      if (opened.reason !== 'epoch') ctx.reject(o.name, bytes, opened.reason);
      continue;
    }
    bodies.set(o.name, { st: opened.body, verify: opened.verify!, bytes });
  }
  pending = pending.filter((o) => bodies.has(o.name));
  pending.sort((a, b) => bodies.get(a.name)!.st.at - bodies.get(b.name)!.st.at);
  let progress = true;
  while (progress) {
    progress = false;
    for (const o of pending) {
      if (ctx.state.statementSeen(o.name)) continue;
      const { st, verify, bytes } = bodies.get(o.name)!;
      const key = signerKey(ctx, st.signer);
      if (!key) continue; // signer unknown so far: maybe added by a later statement
      if (!verify(key)) {
        ctx.reject(o.name, bytes, 'signature');
        ctx.state.markStatementSeen(o.name);
        continue;
      }
      if (st.type === 'add') {
        ctx.state.addDevice({
          id: st.device.id,
          name: st.device.name,
          signPublic: Buffer.from(st.device.signPublic, 'base64'),
          boxPublic: Buffer.from(st.device.boxPublic, 'base64'),
          addedAt: st.at,
        });
      } else if (st.type === 'remove' && typeof st.newEpoch === 'number') {
        ctx.state.markRemoved(st.device.id, st.newEpoch, st.lastSeq ?? 0);
        const me = ctx.state.config()!;
        if (st.device.id === me.deviceId) {
          ctx.state.updateConfig({ state: 'removed' });
          ctx.state.markStatementSeen(o.name);
          return { removed: true, changed: true };
        }
        if (!ctx.keys.hasEpoch(st.newEpoch) && !(await fetchEpochKey(ctx, st.newEpoch, key))) continue; // retry next time
      }
      ctx.state.markStatementSeen(o.name);
      progress = true;
      changed = true;
    }
  }
  return { removed: false, changed };
}

export function statementDigest(bytes: Uint8Array): string {
  return sha256(bytes).toString('hex');
}
