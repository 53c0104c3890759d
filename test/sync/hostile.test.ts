import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { hkdf } from '../../main/core/keys/syncCrypto';
import { sealObject } from '../../main/core/sync/protocol/objects';
import { SyncState } from '../../main/core/sync/protocol/state';
import { createConversation } from '../../main/core/vault/conversations';
import { appendMessage } from '../../main/core/vault/messages';
import { FOLDER_TARGET, newInstall, pair, type Install } from './world';
import { kept } from './attackWorld';
import { MemoryStorage } from './memoryStorage';

/**
 * Issue 12's hostile storage: between two rounds the storage rolls back, replays, forks, cuts,
 * flips bits, swaps in an object of a wrong epoch or another vault, or serves an oversized
 * object. Each time the reader rejects it with a warning, records it as set aside, applies
 * nothing (its synced content is unchanged), and uploads nothing of it.
 */
const target = FOLDER_TARGET('/nonexistent/memory');
const storage = new MemoryStorage();
let writer: Install;
let reader: Install;
let n = 0;

const ids = kept;

/** The writer makes a change and uploads it; returns the name of its newest segment. */
async function writerChanges(): Promise<string> {
  const conv = createConversation(writer.session, { agentId: null, agentName: 'x', title: `change ${++n}` });
  appendMessage(writer.session, conv.id, { role: 'user', content: `text ${n}`, status: 'complete' });
  await writer.sync.syncNow();
  const { c, names, ring } = ids(writer);
  return names.segment(c.deviceId, c.seq);
}

async function expectRejected(before: string, why: RegExp): Promise<void> {
  const warningsBefore = reader.sync.status().warnings.length;
  const objectsBefore = new Map(storage.objects);
  await reader.sync.syncNow();
  const st = reader.sync.status();
  expect(st.warnings.length).toBeGreaterThan(warningsBefore);
  expect(st.warnings[0]).toMatchObject({ code: 'SYNC_OBJECT_REJECTED', message: expect.stringMatching(why) });
  expect(reader.digest()).toBe(before);
  // Nothing new in the storage but the reader's own head.
  const { names, c, ring } = ids(reader);
  for (const [name, bytes] of storage.objects) {
    if (name === names.head(c.deviceId)) continue;
    expect(objectsBefore.get(name)?.equals(bytes), name).toBe(true);
  }
}

beforeAll(async () => {
  writer = await newInstall(() => storage);
  reader = await newInstall(() => storage);
  await writer.sync.setUp({ target, deviceName: 'Writer', recoveryKey: writer.recoveryKey });
  await pair(writer, reader, target, 'Reader');
});
afterAll(async () => {
  await writer?.close();
  await reader?.close();
});

describe('a hostile storage', () => {
  beforeEach(async () => {
    // Start each case in sync (so a case cannot pass on the previous one's damage), warnings cleared.
    await writer.sync.syncNow();
    await reader.sync.syncNow();
    expect(reader.digest()).toBe(writer.digest());
    reader.sync.dismissWarnings();
  });

  /** Tamper with one object for one round, then put the real one back. */
  async function tampered(name: string, bytes: Buffer | null, why: RegExp): Promise<void> {
    const before = reader.digest();
    const real = storage.objects.get(name);
    if (bytes) storage.objects.set(name, bytes);
    else storage.objects.delete(name);
    await expectRejected(before, why);
    if (real) storage.objects.set(name, real);
    else storage.objects.delete(name);
  }

  it('bit flips: rejected', async () => {
    const name = await writerChanges();
    const bytes = Buffer.from(storage.objects.get(name)!);
    const at = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x10, at);
    await tampered(name, bytes, /did not check out/);
  });

  it('truncation: rejected', async () => {
    const name = await writerChanges();
    await tampered(name, storage.objects.get(name)!.subarray(0, 200), /damaged or cut short|did not check out/);
  });

  it('replay of an old segment at a new position: rejected', async () => {
    const first = await writerChanges();
    await reader.sync.syncNow();
    const old = Buffer.from(storage.objects.get(first)!);
    const name = await writerChanges();
    await tampered(name, old, /did not check out/);
  });

  it('rollback of the storage to an earlier state: rejected', async () => {
    const earlier = storage.snapshot();
    await writerChanges();
    await reader.sync.syncNow(); // the reader has seen the newer state
    reader.sync.dismissWarnings();
    const before = reader.digest();
    const { names, c, ring } = ids(reader);
    const now = storage.snapshot();
    const readerHead = storage.objects.get(names.head(c.deviceId))!;
    storage.restore(earlier);
    storage.objects.set(names.head(c.deviceId), readerHead);
    await expectRejected(before, /older than one already seen/);
    storage.restore(now);
  });

  it('fork (a copied device writing its own history): rejected, and that device is no longer read', async () => {
    const { c, names, ring } = ids(writer);
    const seen = new SyncState(vaultOf(reader.session)).device(c.deviceId)!;
    const forged = sealObject({
      ctx: { vaultId: ring.vaultId, kind: 'head', position: c.deviceId },
      epoch: ring.latestEpoch,
      contentKey: ring.contentKey(ring.latestEpoch)!,
      signer: ring.signer,
      body: { device: c.deviceId, seq: seen.seenSeq, hash: randomBytes(32).toString('hex'), epoch: ring.latestEpoch, seen: {}, snapshot: null, removed: {}, at: Date.now() },
    });
    await tampered(names.head(c.deviceId), forged, /conflicts with what that device wrote/);
    expect(new SyncState(vaultOf(reader.session)).device(c.deviceId)!.blockedCode).toBe('fork');
    // A blocked device stays unread: a new change of the writer does not arrive.
    const before = reader.digest();
    await writerChanges();
    await reader.sync.syncNow();
    expect(reader.digest()).toBe(before);
    // In real life the person removes and re-pairs the copied device; here the test lifts the block.
    vaultOf(reader.session).prepare('UPDATE sync_devices SET blocked_code = NULL WHERE id = ?').run(c.deviceId);
  });

  it('an object of an epoch the reader has no key for: rejected', async () => {
    const { c, names, ring } = ids(writer);
    const bytes = sealObject({
      ctx: { vaultId: ring.vaultId, kind: 'segment', position: `${c.deviceId}:${c.seq + 1}:${c.lastHash}` },
      epoch: 7,
      contentKey: hkdf(randomBytes(32), 'x'),
      signer: ring.signer,
      body: { changes: [] },
    });
    await tampered(names.segment(c.deviceId, c.seq + 1), bytes, /key epoch/);
  });

  it('an object from another vault: rejected', async () => {
    const otherStorage = new MemoryStorage();
    const other = await newInstall(() => otherStorage);
    try {
      await other.sync.setUp({ target, deviceName: 'Other', recoveryKey: other.recoveryKey });
      createConversation(other.session, { agentId: null, agentName: 'x', title: 'foreign' });
      await other.sync.syncNow();
      const foreign = [...otherStorage.objects].find(([k]) => k.includes('/s/'))![1];
      const { c, names, ring } = ids(writer);
      await tampered(names.segment(c.deviceId, c.seq + 1), foreign, /did not check out/);
    } finally {
      await other.close();
    }
  });

  it('an oversized object: rejected without being applied', async () => {
    const { c, names, ring } = ids(writer);
    await tampered(names.segment(c.deviceId, c.seq + 1), randomBytes(9 * 1024 * 1024), /larger than any/);
  });
});
