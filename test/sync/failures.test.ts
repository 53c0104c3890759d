import { afterAll, describe, expect, it } from 'vitest';
import { createConversation, deleteConversation, listConversations } from '../../main/core/vault/conversations';
import { MemoryStorage } from './memoryStorage';
import { FOLDER_TARGET, newInstall, pair, settle, type Install } from './world';

/**
 * Failures in the middle of the flows a person starts (found in the third review): a removal
 * cut short, one whose answer was lost, a set-up cut short, and two devices' mass deletions.
 * Each must end in a state the person can go on from, with nothing stuck.
 */
const target = FOLDER_TARGET('/memory');
const opened: Install[] = [];
afterAll(async () => {
  for (const i of opened) await i.close();
});

/** A storage that fails the next write whose name matches, before (or, with `landed`, after) doing it. */
class FlakyStorage extends MemoryStorage {
  failNext: { match: (name: string) => boolean; landed: boolean } | null = null;
  private maybeFail(name: string, landed: boolean) {
    if (this.failNext && this.failNext.match(name) && this.failNext.landed === landed) {
      this.failNext = null;
      throw new Error('network went away');
    }
  }
  override async put(name: string, body: Uint8Array) {
    this.maybeFail(name, false);
    await super.put(name, body);
    this.maybeFail(name, true);
  }
  override async putIfAbsent(name: string, body: Uint8Array) {
    this.maybeFail(name, false);
    const r = await super.putIfAbsent(name, body);
    this.maybeFail(name, true);
    return r;
  }
}

async function two(storage: FlakyStorage) {
  const mk = async () => {
    const i = await newInstall(() => storage);
    opened.push(i);
    return i;
  };
  const desk = await mk();
  const laptop = await mk();
  await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
  await pair(desk, laptop, target);
  await settle(desk, laptop);
  return { desk, laptop, mk };
}

const names = async (i: Install) => (await i.sync.devices()).map((d) => d.name).sort();

describe('sync failures a person can hit', () => {
  it('a removal cut short after its first key copy can be tried again', async () => {
    const storage = new FlakyStorage();
    const { desk, laptop } = await two(storage);
    storage.failNext = { match: (n) => n.includes('/e/'), landed: true };
    await expect(desk.sync.removeDevice(laptop.sync.status().thisDevice!.id)).rejects.toMatchObject({ code: 'SYNC_STORAGE_ERROR' });
    expect(await names(desk)).toEqual(['Desk', 'Laptop']);
    await desk.sync.removeDevice(laptop.sync.status().thisDevice!.id);
    expect(await names(desk)).toEqual(['Desk']);
    await laptop.sync.syncNow();
    expect(laptop.sync.status().state).toBe('removed');
  });

  it('a removal whose answer was lost is finished by the next round, not stuck', async () => {
    const storage = new FlakyStorage();
    const { desk, laptop } = await two(storage);
    storage.failNext = { match: (n) => n.includes('/d/'), landed: true };
    await expect(desk.sync.removeDevice(laptop.sync.status().thisDevice!.id)).rejects.toMatchObject({ code: 'SYNC_STORAGE_ERROR' });
    await desk.sync.syncNow();
    expect(desk.sync.status()).toMatchObject({ error: null });
    expect(await names(desk)).toEqual(['Desk']);
    createConversation(desk.session, { agentId: null, agentName: 'x', title: 'after' });
    await desk.sync.syncNow();
    expect(desk.sync.status()).toMatchObject({ error: null });
    await laptop.sync.syncNow();
    expect(laptop.sync.status().state).toBe('removed');
  });

  it('a set-up cut short leaves sync off, and setting up again on the same storage works', async () => {
    const storage = new FlakyStorage();
    const desk = await newInstall(() => storage);
    opened.push(desk);
    createConversation(desk.session, { agentId: null, agentName: 'x', title: 'before sync' });
    storage.failNext = { match: (n) => n.includes('/n/'), landed: false };
    await expect(desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey })).rejects.toThrow();
    expect(desk.sync.status().state).toBe('off');
    await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
    const laptop = await newInstall(() => storage);
    opened.push(laptop);
    await pair(desk, laptop, target);
    expect(listConversations(laptop.session).map((c) => c.title)).toContain('before sync');
  });

  it('two devices’ mass deletions are shown and decided one at a time', async () => {
    const storage = new FlakyStorage();
    const { desk, laptop, mk } = await two(storage);
    const phone = await mk();
    await pair(desk, phone, target, 'Phone');
    const fromDesk = Array.from({ length: 55 }, (_, i) => createConversation(desk.session, { agentId: null, agentName: 'x', title: `desk ${i}` }).id);
    const fromPhone = Array.from({ length: 55 }, (_, i) => createConversation(phone.session, { agentId: null, agentName: 'x', title: `phone ${i}` }).id);
    await settle(desk, phone, laptop);
    for (const id of fromDesk) deleteConversation(desk.session, id);
    for (const id of fromPhone) deleteConversation(phone.session, id);
    await desk.sync.syncNow();
    await phone.sync.syncNow();
    await laptop.sync.syncNow();
    const titles = () => listConversations(laptop.session, { limit: 500 }).map((c) => c.title);
    const first = laptop.sync.status().pendingMassDeletion!;
    expect(first.count).toBe(55);
    await laptop.sync.decideMassDeletion(false); // keep the first device's
    const second = laptop.sync.status().pendingMassDeletion!;
    expect(second.deviceName).not.toBe(first.deviceName);
    await laptop.sync.decideMassDeletion(true);
    const keptPrefix = first.deviceName === 'Desk' ? 'desk' : 'phone';
    const gonePrefix = keptPrefix === 'desk' ? 'phone' : 'desk';
    expect(titles().filter((t) => t.startsWith(keptPrefix))).toHaveLength(55);
    expect(titles().filter((t) => t.startsWith(gonePrefix))).toHaveLength(0);
  });
});
