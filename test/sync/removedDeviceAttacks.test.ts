import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { newDeviceKeys, openSealed, sealTo, sha256, signBytes } from '../../main/core/keys/syncCrypto';
import { defaultPolicy } from '../../main/core/policy/effective';
import { captureChanges, HybridClock } from '../../main/core/sync/changes';
import { sealObject } from '../../main/core/sync/protocol/objects';
import { createSyncRuntime } from '../../main/core/sync/runtime';
import { createConversation } from '../../main/core/vault/conversations';
import { appendMessage } from '../../main/core/vault/messages';
import { canRead, info, kept, mkFactory, opened, statement, target, titles, writeAsRemoved } from './attackWorld';
import { MemoryStorage } from './memoryStorage';
import { pair, settle } from './world';

/**
 * The second security review's attacks, each of which worked before its fix: a removed device
 * (old keys, its signing key, the storage credentials) or the storage tries to stay in, to get
 * its writes applied, or to read what remaining devices write after the removal.
 */
afterAll(async () => {
  for (const i of opened) await i.close();
});

async function devices(n: number) {
  const storage = new MemoryStorage();
  const mk = mkFactory(storage);
  const all = [];
  for (let i = 0; i < n; i++) all.push(await mk());
  const [desk, ...others] = all;
  await desk!.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk!.recoveryKey });
  const names = ['Laptop', 'Phone', 'Tablet'];
  for (let i = 0; i < others.length; i++) await pair(desk!, others[i]!, target, names[i]);
  await settle(...all);
  return { storage, mk, desk: desk!, laptop: others[0]!, phone: others[1]!, tablet: others[2]! };
}

const secret = (i: ReturnType<typeof kept>['install'], title: string, text: string) =>
  appendMessage(i.session, createConversation(i.session, { agentId: null, agentName: 'x', title }).id, { role: 'user', content: text, status: 'complete' });

describe('a removed device, after the second review', () => {
  it('cannot cancel its removal with removals of its own that nobody can accept (no forged cut-off)', async () => {
    const { storage, mk, desk, laptop, phone } = await devices(3);
    const L = kept(laptop);
    await desk.sync.removeDevice(L.id);
    const D = kept(desk);
    const x = newDeviceKeys();
    const y = newDeviceKeys();
    const A = statement(L, 0, 'aaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaa2', 1, y.signPrivate, { type: 'add', device: info('aaaaaaaaaaaaaaa1', x) });
    const B = statement(L, 0, 'aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa1', 1, x.signPrivate, {
      type: 'remove', device: info(D.id, newDeviceKeys(), 'Desk'), newEpoch: 1, lastStatement: 1, keyHash: '0'.repeat(64),
    });
    await storage.put(A.name, A.bytes);
    await storage.put(B.name, B.bytes);
    createConversation(laptop.session, { agentId: null, agentName: 'x', title: 'WRITTEN AFTER REMOVAL' });
    await writeAsRemoved(L, storage);
    secret(phone, 'phone after removal', 'PHONE SECRET AFTER REMOVAL');
    for (let i = 0; i < 3; i++) await phone.sync.syncNow();
    const P = kept(phone);
    expect((await phone.sync.devices()).map((d) => d.name)).not.toContain('Laptop');
    expect(titles(phone)).not.toContain('WRITTEN AFTER REMOVAL');
    expect(canRead(L, storage, P.id, P.c.seq, 'PHONE SECRET AFTER REMOVAL')).toBe(false);
    const rescue = await mk();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: desk.recoveryKey });
    await rescue.sync.syncNow();
    secret(rescue, 'rescue', 'RESCUE SECRET');
    await rescue.sync.syncNow();
    const R = kept(rescue);
    expect(titles(rescue)).not.toContain('WRITTEN AFTER REMOVAL');
    expect(canRead(L, storage, R.id, R.c.seq, 'RESCUE SECRET')).toBe(false);
  });

  it('cannot slip in a statement in another device’s name (author ≠ signer)', async () => {
    const { storage, mk, desk, laptop } = await devices(2);
    const L = kept(laptop);
    const D = kept(desk);
    await desk.sync.removeDevice(L.id);
    const x = newDeviceKeys();
    const A = statement(L, 0, D.id, L.id, 999, L.ring.signer, { type: 'add', device: info('ccccccccccccccc1', x, 'Desk 2') });
    await storage.put(A.name, A.bytes);
    const K = randomBytes(32);
    const B = statement(L, 0, 'ccccccccccccccc1', 'ccccccccccccccc1', 1, x.signPrivate, {
      type: 'remove', device: info('ddddddddddddddd1', newDeviceKeys(), 'Nobody'), newEpoch: 7, lastSeq: 0, lastStatement: 0, keyHash: sha256('cubby-sync-epoch-key|', K).toString('hex'),
    });
    await storage.put(B.name, B.bytes);
    const aad = Buffer.from(`cubby-sync|${L.ring.vaultId}|epoch-key|7|recovery`);
    const sealed = sealTo(L.c.recoveryBoxPublic!, Buffer.from(K), aad);
    await storage.put(L.names.epochKey(7, 'recovery', sha256('cubby-sync-epoch-key|', K).toString('hex')), Buffer.concat([sealed, signBytes(x.signPrivate, Buffer.concat([sealed, aad]))]));
    const rescue = await mk();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: desk.recoveryKey });
    await rescue.sync.syncNow();
    secret(rescue, 'rescue', 'RESCUE SECRET');
    await rescue.sync.syncNow();
    const R = kept(rescue);
    expect((await rescue.sync.devices()).map((d) => d.name)).not.toContain('Desk 2');
    expect(canRead(L, storage, R.id, R.c.seq, 'RESCUE SECRET', { 7: K })).toBe(false);
  });

  it('cannot rewrite its segments up to its cut-off for a device that lagged behind', async () => {
    const { storage, desk, laptop, phone } = await devices(3);
    createConversation(laptop.session, { agentId: null, agentName: 'x', title: 'laptop real' });
    await laptop.sync.syncNow();
    await desk.sync.syncNow(); // the desk reads it; the phone is offline
    const L = kept(laptop);
    await desk.sync.removeDevice(L.id);
    const lastSeq = kept(desk).state.device(L.id)!.removedAfter!;
    const seenByPhone = kept(phone).state.device(L.id)!;
    expect(seenByPhone.seenSeq).toBe(lastSeq - 1);
    createConversation(laptop.session, { agentId: null, agentName: 'x', title: 'INJECTED AFTER REMOVAL' });
    const changes = captureChanges(vaultOf(laptop.session), new HybridClock(L.id));
    await storage.put(
      L.names.segment(L.id, lastSeq),
      sealObject({ ctx: { vaultId: L.ring.vaultId, kind: 'segment', position: `${L.id}:${lastSeq}:${seenByPhone.seenHash}` }, epoch: 0, contentKey: L.ring.contentKey(0)!, signer: L.ring.signer, body: { changes } }),
    );
    await phone.sync.syncNow();
    await phone.sync.syncNow();
    expect(titles(phone)).not.toContain('INJECTED AFTER REMOVAL');
  });

  it('is not read on by a device that missed two removals, nor by one removed in between', async () => {
    const { storage, desk, laptop, phone, tablet } = await devices(4);
    await desk.sync.removeDevice(kept(laptop).id); // epoch 1
    await tablet.sync.syncNow();
    await desk.sync.removeDevice(kept(tablet).id); // epoch 2, sealed in epoch 1
    const T = kept(tablet);
    secret(phone, 'phone', 'PHONE SECRET AFTER BOTH REMOVALS');
    await phone.sync.syncNow();
    const P = kept(phone);
    expect(canRead(T, storage, P.id, P.c.seq, 'PHONE SECRET AFTER BOTH REMOVALS')).toBe(false);
  });

  it('two removals started on two devices do not give a removed device a key of the new epoch', async () => {
    const { storage, desk, laptop, phone, tablet } = await devices(4);
    const L = kept(laptop);
    await desk.sync.removeDevice(L.id);
    await phone.sync.removeDevice(kept(tablet).id).catch(() => undefined);
    await settle(desk, phone);
    secret(phone, 'phone', 'PHONE SECRET');
    await settle(desk, phone);
    const P = kept(phone);
    const extra: Record<number, Buffer> = {};
    // Whatever copy of a new key there is, the laptop tries to open it.
    for (const [name, bytes] of storage.objects) {
      if (!name.startsWith(L.names.epochKeys)) continue;
      for (let e = 1; e <= 3; e++) {
        const aad = Buffer.from(`cubby-sync|${L.ring.vaultId}|epoch-key|${e}|${L.id}`);
        const k = openSealed(L.ring.boxPrivate, bytes.subarray(0, bytes.length - 64), aad);
        if (k) extra[e] = k;
      }
    }
    expect(Object.keys(extra)).toEqual([]);
    expect(canRead(L, storage, P.id, P.c.seq, 'PHONE SECRET', extra)).toBe(false);
  });

  it('a person’s two sessions (background and window) both move to the new epoch', async () => {
    const { storage, desk, laptop, phone } = await devices(3);
    const bg = phone.accounts.openBackgroundSession(phone.session);
    const runtime2 = createSyncRuntime(phone.accounts, defaultPolicy(), { intervalMs: 3_600_000, openStorage: () => storage });
    try {
      const bgSync = runtime2.forSession(bg);
      const L = kept(laptop);
      await desk.sync.removeDevice(L.id);
      await bgSync.syncNow(); // the background session reads the removal
      secret(phone, 'phone window', 'WINDOW SECRET AFTER REMOVAL');
      await phone.sync.syncNow();
      await phone.sync.syncNow();
      const P = kept(phone);
      expect(canRead(L, storage, P.id, P.c.seq, 'WINDOW SECRET AFTER REMOVAL')).toBe(false);
    } finally {
      runtime2.stopAll();
      bg.close();
    }
  });

  it('whose removal statement was deleted: a device restored from the recovery key writes nothing it can read', async () => {
    const { storage, mk, desk, laptop } = await devices(2);
    const L = kept(laptop);
    const before = new Set([...storage.objects.keys()].filter((k) => k.startsWith(L.names.statements)));
    await desk.sync.removeDevice(L.id);
    await desk.sync.syncNow();
    for (const k of [...storage.objects.keys()]) if (k.startsWith(L.names.statements) && !before.has(k)) await storage.delete(k);
    createConversation(laptop.session, { agentId: null, agentName: 'x', title: 'WRITTEN AFTER REMOVAL' });
    await writeAsRemoved(L, storage);
    const rescue = await mk();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: desk.recoveryKey });
    await rescue.sync.syncNow();
    secret(rescue, 'rescue', 'RESCUE SECRET');
    await rescue.sync.syncNow();
    const R = kept(rescue);
    expect(canRead(L, storage, R.id, R.c.seq, 'RESCUE SECRET')).toBe(false);
    expect(rescue.sync.status().error?.code).toBe('SYNC_OBJECT_REJECTED');
  });

  it('one oversized pairing request does not stop anyone’s sync', async () => {
    const { storage, desk, laptop } = await devices(2);
    await storage.put(`p/${'0'.repeat(24)}/a`, Buffer.alloc(17 * 1024, 0x20));
    createConversation(desk.session, { agentId: null, agentName: 'x', title: 'desk after junk' });
    await settle(desk, laptop);
    expect(desk.sync.status().state).not.toBe('error');
    expect(titles(laptop)).toContain('desk after junk');
  });
});
