import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { newDeviceKeys, sealTo, sha256 } from '../../main/core/keys/syncCrypto';
import { captureChanges, HybridClock, snapshotChanges } from '../../main/core/sync/changes';
import { SyncEngine } from '../../main/core/sync/engine';
import { openObject, sealObject } from '../../main/core/sync/protocol/objects';
import { SyncState } from '../../main/core/sync/protocol/state';
import { createConversation, listConversations } from '../../main/core/vault/conversations';
import { appendMessage } from '../../main/core/vault/messages';
import { kept } from './attackWorld';
import { MemoryStorage } from './memoryStorage';
import { FOLDER_TARGET, newInstall, pair, settle, type Install } from './world';

/**
 * A removed device keeps the old keys, its signing key and maybe the storage credentials. Each
 * case is an attack found in review: after its removal it must not get anything applied, added
 * or read by the devices that remain or come later (one restored from the recovery key included).
 */
const target = FOLDER_TARGET('/memory');
const opened: Install[] = [];
afterAll(async () => {
  for (const i of opened) await i.close();
});

async function world() {
  const storage = new MemoryStorage();
  const mk = async () => {
    const i = await newInstall(() => storage);
    opened.push(i);
    return i;
  };
  const desk = await mk();
  const laptop = await mk();
  await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
  await pair(desk, laptop, target);
  createConversation(laptop.session, { agentId: null, agentName: 'x', title: 'laptop before removal' });
  await settle(laptop, desk);
  const L = kept(laptop);
  return { storage, mk, desk, laptop, L };
}

async function removeLaptop(w: Awaited<ReturnType<typeof world>>) {
  await w.desk.sync.removeDevice(w.L.id);
  await w.desk.sync.syncNow();
}

const titles = (i: Install) => listConversations(i.session).map((c) => c.title);

describe('a removed device', () => {
  it('cannot add a device of its own with a backdated statement', async () => {
    const w = await world();
    await removeLaptop(w);
    const x = newDeviceKeys();
    // Well formed: the next link of its own chain, as it would write it.
    const self = w.L.state.device(w.L.id)!;
    const n = self.statementsSeen + 1;
    const name = w.L.names.statement(`${w.L.id}:${w.L.id}`, n);
    const body = {
      author: w.L.id, n, prev: self.statementHash, signer: w.L.id, type: 'add', at: 1,
      device: { id: 'eeeeeeeeeeeeeeee', name: 'Desk 2', signPublic: x.signPublic.toString('base64'), boxPublic: x.boxPublic.toString('base64') },
    };
    await w.storage.put(name, sealObject({ ctx: { vaultId: w.L.ring.vaultId, kind: 'statement', position: name }, epoch: 0, contentKey: w.L.ring.contentKey(0)!, signer: w.L.ring.signer, body }));
    await w.desk.sync.syncNow();
    expect((await w.desk.sync.devices()).map((d) => d.name)).toEqual(['Desk']);
    const rescue = await w.mk();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: w.desk.recoveryKey });
    await rescue.sync.syncNow();
    expect((await rescue.sync.devices()).map((d) => d.name).sort()).toEqual(['Desk', 'Rescue']);
  });

  it('cannot feed a later device a snapshot of its own', async () => {
    const w = await world();
    await removeLaptop(w);
    createConversation(w.laptop.session, { agentId: null, agentName: 'x', title: 'INJECTED BY REMOVED DEVICE' });
    captureChanges(vaultOf(w.laptop.session), new HybridClock(w.L.id));
    const changes = [...snapshotChanges(vaultOf(w.laptop.session))];
    const deskId = w.desk.sync.status().thisDevice!.id;
    const vaultId = w.L.ring.vaultId;
    const manifest = { id: 999, chunks: 1, vector: { [deskId]: [1_000_000, ''], [w.L.id]: [1_000_000, ''] }, at: Date.now() };
    await w.storage.put(
      w.L.names.snapshotChunk(w.L.id, 999, 0),
      sealObject({ ctx: { vaultId, kind: 'snapshot', position: `${w.L.id}:999:0:1` }, epoch: 0, contentKey: w.L.ring.contentKey(0)!, signer: w.L.ring.signer, body: { changes } }),
    );
    await w.storage.put(
      w.L.names.head(w.L.id),
      sealObject({
        ctx: { vaultId, kind: 'head', position: w.L.id }, epoch: 0, contentKey: w.L.ring.contentKey(0)!, signer: w.L.ring.signer,
        body: { device: w.L.id, seq: 1_000_000, hash: '', epoch: 0, seen: {}, snapshot: manifest, removed: {}, at: Date.now() },
      }),
    );
    const rescue = await w.mk();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: w.desk.recoveryKey });
    await rescue.sync.syncNow();
    expect(titles(rescue)).toContain('laptop before removal');
    expect(titles(rescue)).not.toContain('INJECTED BY REMOVED DEVICE');
    expect(rescue.digest()).toBe(w.desk.digest());
  });

  it('cannot plant the recovery key’s copy of the new epoch key', async () => {
    const w = await world();
    await removeLaptop(w);
    const mine = randomBytes(32);
    const aad = Buffer.from(`cubby-sync|${w.L.ring.vaultId}|epoch-key|1|recovery`);
    // It cannot tell which copy is the recovery key's: it overwrites every copy of the new key.
    const copies = [...w.storage.objects.keys()].filter((k) => k.startsWith(w.L.names.epochKeys));
    expect(copies.length).toBeGreaterThan(0);
    for (const k of copies) await w.storage.put(k, Buffer.concat([sealTo(w.L.c.recoveryBoxPublic!, mine, aad), w.L.ring.sign(Buffer.from('x'))]));
    const rescue = await w.mk();
    await expect(rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: w.desk.recoveryKey })).rejects.toMatchObject({ code: 'SYNC_OBJECT_REJECTED' });
    expect(rescue.sync.status().state).toBe('off');
  });

  it('cannot stop the others with a malformed statement', async () => {
    const w = await world();
    await removeLaptop(w);
    const name = w.L.names.statement(`${w.L.id}:x`, 1);
    await w.storage.put(
      name,
      sealObject({ ctx: { vaultId: w.L.ring.vaultId, kind: 'statement', position: name }, epoch: 0, contentKey: w.L.ring.contentKey(0)!, signer: w.L.ring.signer, body: { signer: { evil: 1 }, type: 'add', at: 1 } }),
    );
    createConversation(w.desk.session, { agentId: null, agentName: 'x', title: 'desk goes on' });
    await w.desk.sync.syncNow();
    await w.desk.sync.syncNow();
    expect(w.desk.sync.status()).toMatchObject({ state: 'idle', error: null });
    expect(w.desk.sync.status().warnings.length).toBeGreaterThan(0);
  });

  it('deleting its removal statement does not bring it back for a device added later', async () => {
    const w = await world();
    const before = new Set([...w.storage.objects.keys()].filter((k) => k.startsWith(w.L.names.statements)));
    await w.desk.sync.removeDevice(w.L.id);
    for (const k of [...w.storage.objects.keys()]) if (k.startsWith(w.L.names.statements) && !before.has(k)) await w.storage.delete(k);
    // It writes on in the old epoch, as if nothing happened.
    createConversation(w.laptop.session, { agentId: null, agentName: 'x', title: 'WRITTEN AFTER REMOVAL' });
    const engine = new SyncEngine({
      db: vaultOf(w.laptop.session), storage: w.storage, keys: w.L.ring, state: w.L.state, clock: new HybridClock(w.L.id),
      withDek: (fn) => w.laptop.session.withDek(fn as never), progress: () => undefined,
    });
    engine.sealLocalChanges();
    await engine.upload();
    await engine.writeHead();
    await w.desk.sync.syncNow();
    const phone = await w.mk();
    await pair(w.desk, phone, target, 'Phone');
    await settle(phone, w.desk);
    expect(titles(phone)).toContain('laptop before removal');
    expect(titles(phone)).not.toContain('WRITTEN AFTER REMOVAL');
    expect((await phone.sync.devices()).map((d) => d.name).sort()).toEqual(['Desk', 'Phone']);
  });

  it('deleting a remaining device’s copy of the new key stops that device instead of letting it write in the old epoch', async () => {
    const w = await world();
    const phone = await w.mk();
    await pair(w.desk, phone, target, 'Phone');
    await settle(w.desk, w.laptop, phone);
    const phoneId = phone.sync.status().thisDevice!.id;
    await w.desk.sync.removeDevice(w.L.id);
    void phoneId;
    for (const k of [...w.storage.objects.keys()]) if (k.startsWith(w.L.names.epochKeys)) await w.storage.delete(k); // every copy of the new key
    const conv = createConversation(phone.session, { agentId: null, agentName: 'x', title: 'phone after removal' });
    appendMessage(phone.session, conv.id, { role: 'user', content: 'PHONE SECRET AFTER REMOVAL', status: 'complete' });
    await phone.sync.syncNow();
    expect(phone.sync.status().error?.code).toBe('SYNC_OBJECT_REJECTED');
    // Nothing the laptop can open holds the phone's new message.
    let prev = '';
    const pc = new SyncState(vaultOf(phone.session)).config()!;
    for (let seq = 1; seq <= pc.seq; seq++) {
      const bytes = w.storage.objects.get(w.L.names.segment(phoneId, seq));
      if (!bytes) continue;
      const o = openObject<unknown>(bytes, { ctx: { vaultId: w.L.ring.vaultId, kind: 'segment', position: `${phoneId}:${seq}:${prev}` }, keyFor: w.L.ring.contentKey, signerPublic: null });
      prev = sha256(bytes).toString('hex');
      expect(o.ok && JSON.stringify(o.body).includes('PHONE SECRET AFTER REMOVAL')).toBe(false);
    }
  });
});
