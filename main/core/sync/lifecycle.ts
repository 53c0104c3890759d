/**
 * Turning sync on (first device, joining device, recovery), removing a device, turning off.
 * Each writes this device's state into the vault first, then the storage, so a crash in
 * between leaves a state the next round finishes (or that turning off clears).
 */
import { randomBytes } from 'node:crypto';
import { CubbyError, isCubbyError } from '../errors';
import { newSyncKey, recoveryKeys } from '../keys/syncCrypto';
import { SyncKeyring } from '../keys/syncKeyring';
import type { SyncTargetInput } from './api';
import { HybridClock } from './changes';
import { SyncEngine, type EngineDeps } from './engine';
import { joinStep } from './pairingFlow';
import { ObjectNames } from './protocol/names';
import { removalFromTuple } from './protocol/heads';
import { cleanUpRequest, postJoinRequest, type PairingGrant } from './protocol/pairing';
import { readRecovery, writeRecovery } from './protocol/recovery';
import { processStatements, publishEpochKey, RECOVERY_SIGNER, writeStatement, type DeviceInfo } from './protocol/registry';
import type { SyncState } from './protocol/state';
import { writeSnapshot } from './snapshots';
import type { SyncStorage } from './storage/types';

export interface LifecycleContext {
  state: SyncState;
  storage: SyncStorage;
  withDek: <T>(fn: (dek: Buffer) => T) => T;
}

function alreadySetUp(): CubbyError {
  return new CubbyError('VALIDATION', 'Sync is already on for this vault. Turn it off first to use another storage.');
}

function newIdentity(ctx: LifecycleContext, target: SyncTargetInput, deviceName: string, state: 'joining' | 'active', vaultId: string | null) {
  const { keys, wrapped } = ctx.withDek((dek) => SyncKeyring.newDevice(dek));
  const deviceId = randomBytes(8).toString('hex');
  ctx.state.createConfig({ target, state, deviceId, deviceName, deviceKeys: wrapped, vaultId });
  const info: DeviceInfo = { id: deviceId, name: deviceName, signPublic: keys.signPublic.toString('base64'), boxPublic: keys.boxPublic.toString('base64') };
  return { keys, deviceId, info };
}

function addSelf(state: SyncState, info: DeviceInfo): void {
  state.addDevice({ id: info.id, name: info.name, signPublic: Buffer.from(info.signPublic, 'base64'), boxPublic: Buffer.from(info.boxPublic, 'base64'), addedAt: Date.now() });
}

function storeEpochKeys(ctx: LifecycleContext, ring: SyncKeyring, keys: { epoch: number; key: Buffer }[]): void {
  for (const { epoch, key } of keys) {
    ctx.state.storeEpochKey(epoch, ctx.withDek((dek) => SyncKeyring.wrapEpochKey(dek, ring.vaultId, epoch, key)));
    ring.addEpochKey(epoch, key);
  }
  ctx.state.updateConfig({ epoch: ring.latestEpoch });
}

/** Whether the storage already holds a Cubby sync (someone's objects or a recovery object). */
async function holdsSync(storage: SyncStorage): Promise<boolean> {
  // Every sync writes its recovery object first: one folder to list, not the whole target.
  return (await storage.list('r/')).length > 0;
}

export async function setUpFirstDevice(
  ctx: LifecycleContext,
  engineDeps: Omit<EngineDeps, 'keys' | 'storage' | 'state' | 'withDek' | 'clock'>,
  input: { target: SyncTargetInput; deviceName: string; recoverySecret: Buffer },
): Promise<{ keys: SyncKeyring; engine: SyncEngine }> {
  if (ctx.state.config()) throw alreadySetUp();
  await ctx.storage.check();
  if (await holdsSync(ctx.storage)) {
    throw new CubbyError('SYNC_STORAGE_ERROR', 'This storage already holds a Cubby sync. To use it, join from a device that syncs there; otherwise choose another folder or prefix.');
  }
  const vaultId = randomBytes(16).toString('hex');
  const epoch0 = newSyncKey();
  const me = newIdentity(ctx, input.target, input.deviceName, 'active', vaultId);
  const ring = SyncKeyring.create(vaultId, me.keys);
  try {
    const recovery = await writeRecovery(ctx.storage, input.recoverySecret, vaultId, epoch0);
    ctx.state.updateConfig({ recoverySignPublic: recovery.signPublic, recoveryBoxPublic: recovery.boxPublic });
    storeEpochKeys(ctx, ring, [{ epoch: 0, key: epoch0 }]);
    addSelf(ctx.state, me.info);
    const clock = new HybridClock(me.deviceId, engineDeps.now);
    const engine = new SyncEngine({ ...engineDeps, clock, keys: ring, storage: ctx.storage, state: ctx.state, withDek: ctx.withDek });
    await writeStatement(engine.registry, { id: RECOVERY_SIGNER, key: recovery.signPrivate }, { type: 'add', device: me.info });
    await writeSnapshot(engine, { initial: true });
    await engine.writeHead();
    ctx.state.updateConfig({ firstSyncDone: true, lastSyncAt: Date.now() });
    return { keys: ring, engine };
  } catch (e) {
    // A set-up cut short leaves nothing half there: not in the storage (best effort), not here (the caller clears).
    const names = new ObjectNames(ring);
    const recovery = recoveryKeys(input.recoverySecret);
    recovery.wrapKey.fill(0);
    const ours = [recovery.objectName, ...(await ctx.storage.list(names.vaultPrefix).catch(() => [])).map((o) => o.name)];
    for (const name of ours) await ctx.storage.delete(name).catch(() => undefined);
    ring.close();
    throw e;
  }
}

export async function startJoin(ctx: LifecycleContext, input: { target: SyncTargetInput; deviceName: string }): Promise<void> {
  if (ctx.state.config()) throw alreadySetUp();
  await ctx.storage.check();
  if (!(await holdsSync(ctx.storage))) {
    throw new CubbyError('SYNC_NOT_SET_UP', 'No Cubby sync was found at this storage. Set sync up on your first device, then join it here with the same storage.');
  }
  const me = newIdentity(ctx, input.target, input.deviceName, 'joining', null);
  const request = await postJoinRequest(ctx.storage, me.info);
  ctx.state.updateConfig({ join: { request, answered: null } });
}

/** One polling step of a join. Returns the keyring once approved. */
export async function continueJoin(ctx: LifecycleContext): Promise<SyncKeyring | null> {
  const c = ctx.state.config();
  if (!c || c.state !== 'joining' || !c.join) return null;
  const join = c.join;
  const outcome = await joinStep(ctx.storage, join);
  ctx.state.updateConfig({ join });
  if (!outcome) return null;
  if (outcome === 'rejected' || outcome === 'invalid') {
    await cleanUpRequest(ctx.storage, join.request.requestId);
    ctx.state.clear();
    throw new CubbyError(
      'SYNC_PAIRING_FAILED',
      outcome === 'rejected' ? 'Your other device declined this one. Try again and approve it there.' : 'The answer from your other device did not check out, so nothing was taken from it. Try pairing again.',
    );
  }
  const ring = ctx.withDek((dek) => SyncKeyring.load(dek, outcome.vaultId, c.deviceKeys, []));
  ctx.state.updateConfig({
    vaultId: outcome.vaultId,
    recoverySignPublic: Buffer.from(outcome.recoverySignPublic, 'base64'),
    recoveryBoxPublic: Buffer.from(outcome.recoveryBoxPublic, 'base64'),
  });
  storeEpochKeys(ctx, ring, outcome.epochKeys.map((k) => ({ epoch: k.epoch, key: Buffer.from(k.key, 'base64') })));
  adoptDeviceSet(ctx.state, new ObjectNames(ring), outcome.devices);
  addSelf(ctx.state, join.request.reveal.device);
  ctx.state.updateConfig({ state: 'active', join: null, firstSyncDone: false });
  await cleanUpRequest(ctx.storage, join.request.requestId);
  return ring;
}

/**
 * The device set as the approving device knew it: its members, each one's statement chain so
 * far (taken as read), and what counts of removed ones. Statements are then read on from there.
 */
function adoptDeviceSet(state: SyncState, names: ObjectNames, devices: PairingGrant['devices']): void {
  for (const d of devices) {
    addSelf(state, d.info);
    const [n, hash] = d.statements;
    state.setStatements(d.info.id, n, hash);
    for (let k = 1; k <= n; k++) state.markStatementSeen(names.statement(`${d.info.id}:${d.info.id}`, k));
    if (n >= 1) state.markStatementSeen(names.statement(`${d.info.id}:${RECOVERY_SIGNER}`, 1));
    if (d.removed) state.markRemoved(d.info.id, removalFromTuple(d.removed));
  }
}

export async function joinWithRecovery(
  ctx: LifecycleContext,
  input: { target: SyncTargetInput; deviceName: string; recoverySecret: Buffer },
): Promise<SyncKeyring> {
  if (ctx.state.config()) throw alreadySetUp();
  await ctx.storage.check();
  const recovered = await readRecovery(ctx.storage, input.recoverySecret);
  if (!recovered) {
    throw new CubbyError('SYNC_NOT_SET_UP', 'No sync set up with this recovery key was found at this storage. Check the storage details and the recovery key.');
  }
  const me = newIdentity(ctx, input.target, input.deviceName, 'active', recovered.vaultId);
  const ring = SyncKeyring.create(recovered.vaultId, me.keys);
  ctx.state.updateConfig({ recoverySignPublic: recovered.signPublic, recoveryBoxPublic: recovered.boxPublic, firstSyncDone: false });
  storeEpochKeys(ctx, ring, [{ epoch: 0, key: recovered.epoch0 }]);
  addSelf(ctx.state, me.info);
  // Learn the devices and every later epoch (each key checked against the removal that made it) before writing anything.
  const registry = { storage: ctx.storage, keys: ring, names: new ObjectNames(ring), state: ctx.state, withDek: ctx.withDek, reject: () => undefined, recoveryBox: recovered.boxPrivate };
  const { missingEpoch } = await processStatements(registry);
  if (missingEpoch !== null) {
    ctx.state.clear();
    ring.close();
    throw new CubbyError('SYNC_OBJECT_REJECTED', 'The key of a later stage of your sync is missing or changed in the storage, so this device cannot read what was written since. Nothing was changed.');
  }
  await writeStatement(registry, { id: RECOVERY_SIGNER, key: recovered.signPrivate }, { type: 'add', device: me.info });
  return ring;
}

/**
 * Remove another device: a new epoch whose key only the remaining devices (and the recovery key)
 * get. The key goes out, and the removal is written, before this device uses the key: a failure
 * on the way leaves everything in the old epoch, and trying again starts over.
 */
export async function removeDevice(engine: SyncEngine, deviceId: string): Promise<void> {
  const { state, keys } = engine.deps;
  // Up to date first: another device may have removed one meanwhile (the epoch this one would
  // start), and what the device wrote until now should count (the cut-off is what this device read).
  const { missingEpoch } = await processStatements(engine.registry);
  if (missingEpoch !== null) throw new CubbyError('SYNC_OBJECT_REJECTED', 'This device is missing the key of a later stage of your sync, so it cannot remove a device now.');
  const c = state.config()!;
  const known = state.device(deviceId);
  if (!known || known.removedEpoch !== null || deviceId === c.deviceId) throw new CubbyError('NOT_FOUND', 'That device is not part of your sync.');
  await engine.pull();
  const target = state.device(deviceId)!;
  const newEpoch = keys.latestEpoch + 1;
  const key = SyncKeyring.newEpochKey();
  // Sealed to this device too: if the removal lands but this device stops before keeping the key, the next round fetches it.
  const recipients = state
    .devices()
    .filter((d) => d.removedEpoch === null && d.id !== deviceId)
    .map((d) => ({ id: d.id, boxPublic: d.boxPublic }));
  recipients.push({ id: RECOVERY_SIGNER, boxPublic: c.recoveryBoxPublic! });
  const removal = { epoch: newEpoch, lastSeq: target.seenSeq, lastHash: target.seenHash, lastStatement: target.statementsSeen };
  try {
    const keyHash = await publishEpochKey(engine.registry, newEpoch, key, recipients);
    const wrapped = engine.deps.withDek((dek) => SyncKeyring.wrapEpochKey(dek, keys.vaultId, newEpoch, key));
    const device = { id: target.id, name: target.name, signPublic: target.signPublic.toString('base64'), boxPublic: target.boxPublic.toString('base64') };
    await writeStatement(engine.registry, { id: c.deviceId, key: keys.signer }, { type: 'remove', device, newEpoch, lastSeq: removal.lastSeq, lastHash: removal.lastHash, lastStatement: removal.lastStatement, keyHash }, undefined, () => {
      state.storeEpochKey(newEpoch, wrapped);
      state.markRemoved(deviceId, removal);
      state.updateConfig({ epoch: newEpoch });
    });
  } catch (e) {
    key.fill(0);
    if (isCubbyError(e)) throw e;
    throw new CubbyError('SYNC_STORAGE_ERROR', 'The removal could not be finished. Sync, then try removing the device again.');
  }
  keys.addEpochKey(newEpoch, key);
  // A fresh snapshot in the new epoch: a device added later starts from it, not from the removed one's history.
  await writeSnapshot(engine);
  await engine.writeHead();
}
