import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { createConversation, deleteConversation, listConversations } from '../../main/core/vault/conversations';
import { createMemory } from '../../main/core/vault/memory';
import { appendMessage } from '../../main/core/vault/messages';
import { FOLDER_TARGET, newInstall, pair, settle, type Install } from './world';
import { MemoryStorage } from './memoryStorage';

/**
 * The engine's behaviour a person notices: a mass deletion from another device waits for them,
 * pause stops all traffic, one new message costs one segment and one head, compaction deletes
 * what every device has read (and a device added later still gets everything), and a declined
 * pairing leaves the new device with sync off and a clear message.
 */
const target = FOLDER_TARGET('/memory');
const storage = new MemoryStorage();
let desk: Install;
let laptop: Install;
const extra = { snapshotEvery: 4 };

beforeAll(async () => {
  desk = await newInstall(() => storage, undefined, extra);
  laptop = await newInstall(() => storage, undefined, extra);
  await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
  await pair(desk, laptop, target);
});
afterAll(async () => {
  await desk?.close();
  await laptop?.close();
});

const titles = (i: Install) => listConversations(i.session, { limit: 500 }).map((c) => c.title);

describe('sync engine', () => {
  it('one new message: one segment and one head are written, nothing else', async () => {
    const conv = createConversation(desk.session, { agentId: null, agentName: 'x', title: 'increment' });
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    const before = storage.writes.length;
    appendMessage(desk.session, conv.id, { role: 'user', content: 'one more', status: 'complete' });
    await desk.sync.syncNow();
    const writes = storage.writes.slice(before);
    expect(writes.filter((w) => w.name.includes('/s/'))).toHaveLength(1);
    expect(writes.filter((w) => w.name.includes('/h/'))).toHaveLength(1);
    expect(writes).toHaveLength(2);
  });

  it('pause stops every read and write; resume catches up', async () => {
    laptop.sync.pause();
    expect(laptop.sync.status().state).toBe('paused');
    createConversation(desk.session, { agentId: null, agentName: 'x', title: 'while paused' });
    await desk.sync.syncNow();
    const before = storage.writes.length;
    await laptop.sync.syncNow();
    expect(storage.writes.length).toBe(before);
    expect(titles(laptop)).not.toContain('while paused');
    laptop.sync.resume();
    await laptop.sync.syncNow();
    expect(titles(laptop)).toContain('while paused');
  });

  it('a mass deletion from the other device waits for the person: discard keeps the rows, apply removes them', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => createConversation(desk.session, { agentId: null, agentName: 'x', title: `bulk ${i}` }).id);
    await settle(desk, laptop);
    expect(titles(laptop).filter((t) => t.startsWith('bulk'))).toHaveLength(60);
    for (const id of ids.slice(0, 55)) deleteConversation(desk.session, id);
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    expect(laptop.sync.status()).toMatchObject({ error: null, warnings: [] });
    expect(desk.sync.status()).toMatchObject({ error: null, warnings: [] });
    expect(laptop.sync.status().pendingMassDeletion).toEqual({ count: 55, deviceName: 'Desk' });
    expect(titles(laptop).filter((t) => t.startsWith('bulk'))).toHaveLength(60); // nothing applied yet
    createConversation(desk.session, { agentId: null, agentName: 'x', title: 'after the bulk delete' });
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    expect(titles(laptop)).not.toContain('after the bulk delete'); // held: later changes of that device wait too
    await laptop.sync.decideMassDeletion(false);
    expect(laptop.sync.status().pendingMassDeletion).toBeNull();
    expect(titles(laptop).filter((t) => t.startsWith('bulk'))).toHaveLength(60);
    expect(titles(laptop)).toContain('after the bulk delete');

    for (const id of ids.slice(55)) deleteConversation(desk.session, id);
    const more = Array.from({ length: 60 }, (_, i) => createConversation(desk.session, { agentId: null, agentName: 'x', title: `second ${i}` }).id);
    await settle(desk, laptop);
    for (const id of more) deleteConversation(desk.session, id);
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    expect(laptop.sync.status().pendingMassDeletion?.count).toBe(60);
    await laptop.sync.decideMassDeletion(true);
    expect(titles(laptop).filter((t) => t.startsWith('second'))).toHaveLength(0);
  });

  it('deleting a few conversations with many messages counts their messages too, and is held', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => {
      const c = createConversation(desk.session, { agentId: null, agentName: 'x', title: `long ${i}` });
      for (let m = 0; m < 10; m++) appendMessage(desk.session, c.id, { role: 'user', content: `m${m}`, status: 'complete' });
      return c.id;
    });
    await settle(desk, laptop);
    for (const id of ids) deleteConversation(desk.session, id);
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    expect(laptop.sync.status().pendingMassDeletion?.count).toBe(12 * 11);
    await laptop.sync.decideMassDeletion(true);
    expect(titles(laptop).filter((t) => t.startsWith('long'))).toHaveLength(0);
  });

  it('compaction deletes what every device has read, and a device added later still gets everything', async () => {
    for (let i = 0; i < 10; i++) {
      createMemory(desk.session, `fact ${i}`);
      await settle(desk, laptop);
    }
    const deskSegments = () => [...storage.objects.keys()].filter((k) => k.includes('/s/')).length;
    const segmentsBefore = deskSegments();
    await settle(desk, laptop);
    expect(deskSegments()).toBeLessThanOrEqual(segmentsBefore);
    const config = vaultOf(desk.session).prepare('SELECT seq FROM sync_config').pluck().get() as number;
    expect(deskSegments()).toBeLessThan(config); // some of the desk's own segments are gone
    const third = await newInstall(() => storage, undefined, extra);
    try {
      await pair(desk, third, target, 'Tablet');
      await settle(desk, laptop, third);
      expect(third.sync.status()).toMatchObject({ error: null, warnings: [] });
      // The laptop's view is the desk's minus what it discarded from the first bulk deletion.
      expect(third.digest()).toBe(desk.digest());
      expect(vaultOf(third.session).prepare("SELECT count(*) FROM memory_facts WHERE text LIKE 'fact %'").pluck().get()).toBe(10);
    } finally {
      await third.close();
    }
  });

  it('a device away longer than compaction waits catches up from a snapshot, with no warning', async () => {
    const store = new MemoryStorage();
    const fast = { snapshotEvery: 2, compactionGraceMs: 0 };
    const [a, b] = [await newInstall(() => store, undefined, fast), await newInstall(() => store, undefined, fast)];
    try {
      await a.sync.setUp({ target, deviceName: 'A', recoveryKey: a.recoveryKey });
      await pair(a, b, target, 'B');
      await settle(a, b);
      for (let i = 0; i < 8; i++) {
        createMemory(a.session, `while away ${i}`);
        await a.sync.syncNow(); // b is away: a compacts without waiting for it
      }
      const aId = a.sync.status().thisDevice!.id;
      const bState = vaultOf(b.session).prepare('SELECT seen_seq FROM sync_devices WHERE id = ?').pluck().get(aId) as number;
      const gone = vaultOf(a.session).prepare('SELECT seq FROM sync_config').pluck().get() as number;
      expect(gone).toBeGreaterThan(bState + 2);
      await b.sync.syncNow();
      expect(b.sync.status()).toMatchObject({ error: null, warnings: [] });
      expect(vaultOf(b.session).prepare("SELECT count(*) FROM memory_facts WHERE text LIKE 'while away %'").pluck().get()).toBe(8);
      await settle(a, b);
      expect(b.digest()).toBe(a.digest());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a declined pairing: the new device is told, and its sync is off', async () => {
    const stranger = await newInstall(() => storage);
    try {
      await stranger.sync.join({ target, deviceName: 'Unknown' });
      await desk.sync.syncNow();
      await stranger.sync.syncNow();
      await desk.sync.syncNow();
      const req = desk.sync.status().pairRequests.find((r) => r.deviceName === 'Unknown')!;
      expect(req.code).toBe(stranger.sync.status().joinCode);
      await desk.sync.rejectPairing(req.id);
      await stranger.sync.syncNow();
      expect(stranger.sync.status()).toMatchObject({ state: 'off', error: { code: 'SYNC_PAIRING_FAILED' } });
      expect((await desk.sync.devices()).map((d) => d.name)).not.toContain('Unknown');
    } finally {
      await stranger.close();
    }
  });
});
