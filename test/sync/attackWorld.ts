/** What the removed-device attack tests share: what a device keeps, forged statements, and reading as the attacker. */
import { vaultOf } from '../../main/core/accounts/session';
import { newDeviceKeys, sha256 } from '../../main/core/keys/syncCrypto';
import type { DeviceKeys } from '../../main/core/keys/syncCrypto';
import { SyncKeyring } from '../../main/core/keys/syncKeyring';
import { HybridClock } from '../../main/core/sync/changes';
import { SyncEngine } from '../../main/core/sync/engine';
import { ObjectNames } from '../../main/core/sync/protocol/names';
import { openObject, sealObject } from '../../main/core/sync/protocol/objects';
import { SyncState } from '../../main/core/sync/protocol/state';
import { listConversations } from '../../main/core/vault/conversations';
import { MemoryStorage } from './memoryStorage';
import { FOLDER_TARGET, newInstall, type Install } from './world';
import type { KeyObject } from 'node:crypto';

export const target = FOLDER_TARGET('/memory');
export const opened: Install[] = [];
export const titles = (i: Install) => listConversations(i.session).map((c) => c.title);
export const b64 = (b: Buffer) => b.toString('base64');
export const info = (id: string, k: DeviceKeys, name = 'x') => ({ id, name, signPublic: b64(k.signPublic), boxPublic: b64(k.boxPublic) });

export function mkFactory(storage: MemoryStorage) {
  return async () => { const i = await newInstall(() => storage); opened.push(i); return i; };
}

/** What a device keeps (epoch keys, signing key, names) read straight out of its vault. */
export function kept(i: Install) {
  const state = new SyncState(vaultOf(i.session));
  const c = state.config()!;
  const ring = i.session.withDek((dek) => SyncKeyring.load(dek, c.vaultId!, c.deviceKeys, state.wrappedEpochKeys()));
  return { state, c, ring, names: new ObjectNames(ring), id: c.deviceId, install: i };
}
export type Kept = ReturnType<typeof kept>;

/** A statement sealed in `epoch` with an old key the attacker holds, signed by `signer`. */
export function statement(K: Kept, epoch: number, author: string, signerId: string, n: number, signer: KeyObject, body: Record<string, unknown>) {
  const name = K.names.statement(`${author}:${signerId}`, n);
  const full = { author, n, prev: '', signer: signerId, at: 1, ...body };
  return { name, bytes: sealObject({ ctx: { vaultId: K.ring.vaultId, kind: 'statement', position: name }, epoch, contentKey: K.ring.contentKey(epoch)!, signer, body: full }) };
}

/** The removed device writes on as if nothing happened (its own engine, no statement processing). */
export async function writeAsRemoved(K: Kept, storage: MemoryStorage) {
  const engine = new SyncEngine({ db: vaultOf(K.install.session), storage, keys: K.ring, state: K.state, clock: new HybridClock(K.id), withDek: (fn) => K.install.session.withDek(fn as never), progress: () => undefined });
  engine.sealLocalChanges(); await engine.upload(); await engine.writeHead();
}

/** Whether the attacker, with its keyring, opens any of `deviceId`'s segments holding `needle`. */
export function canRead(K: Kept, storage: MemoryStorage, deviceId: string, maxSeq: number, needle: string, extraKeys: Record<number, Buffer> = {}) {
  const keyFor = (e: number) => ringWith(K, extraKeys).contentKey(e);
  let prev = ''; let found = false;
  for (let seq = 1; seq <= maxSeq; seq++) {
    const bytes = storage.objects.get(K.names.segment(deviceId, seq));
    if (!bytes) continue;
    const o = openObject<unknown>(bytes, { ctx: { vaultId: K.ring.vaultId, kind: 'segment', position: `${deviceId}:${seq}:${prev}` }, keyFor, signerPublic: null });
    prev = sha256(bytes).toString('hex');
    if (o.ok && JSON.stringify(o.body).includes(needle)) found = true;
  }
  return found;
}
function ringWith(K: Kept, extra: Record<number, Buffer>) {
  const r = SyncKeyring.create(K.ring.vaultId, newDeviceKeys());
  for (const { epoch, key } of K.ring.exportEpochKeys()) r.addEpochKey(epoch, Buffer.from(key, 'base64'));
  for (const [e, k] of Object.entries(extra)) r.addEpochKey(Number(e), Buffer.from(k));
  return r;
}
