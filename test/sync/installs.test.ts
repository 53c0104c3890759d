import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { SyncKeyring } from '../../main/core/keys/syncKeyring';
import { ObjectNames } from '../../main/core/sync/protocol/names';
import { openObject } from '../../main/core/sync/protocol/objects';
import { SyncState } from '../../main/core/sync/protocol/state';
import { appendMessage } from '../../main/core/vault/messages';
import { createConversation, listConversations } from '../../main/core/vault/conversations';
import { createAgent, getAgent, updateAgent } from '../../main/core/vault/agents';
import { filesContaining, tempDataDir } from '../helpers/env';
import { FOLDER_TARGET, newInstall, pair, removeDir, settle, type Install } from './world';

/**
 * Issue 12, "two Cubby installs with the same person", on a real folder backend: pairing with
 * the code, a conversation crossing over, an edit conflict kept, removal locking the removed
 * device out of new data, and recovery with the recovery key after both devices are lost.
 */
const folder = tempDataDir('cubby-sync-target-');
const target = FOLDER_TARGET(folder);
let desk: Install;
let laptop: Install;
let rescue: Install | null = null;
const MARKER = `sync-marker-${Date.now()}`;

function messagesOf(i: Install): string[] {
  return (vaultOf(i.session).prepare('SELECT content FROM messages ORDER BY content').all() as { content: string }[]).map((r) => r.content);
}

beforeAll(async () => {
  desk = await newInstall();
  laptop = await newInstall();
});
afterAll(async () => {
  await desk?.close();
  await laptop?.close();
  await rescue?.close();
  removeDir(folder);
});

describe('two installs of one person', () => {
  let agentId: string;

  it('sets up on the desk, pairs the laptop with matching codes, and the laptop gets everything', async () => {
    agentId = createAgent(desk.session, { name: 'Helper', instructions: `Be brief ${MARKER}` } as never).id;
    const conv = createConversation(desk.session, { agentId, title: 'Plans' });
    appendMessage(desk.session, conv.id, { role: 'user', content: `hello ${MARKER}`, status: 'complete' });
    const st = await desk.sync.setUp({ target, deviceName: 'Desk', recoveryKey: desk.recoveryKey });
    expect(st.state).toBe('idle');
    const code = await pair(desk, laptop, target);
    expect(code).toMatch(/^\d{6}$/);
    expect(laptop.sync.status().state).not.toBe('waiting-for-approval');
    expect(listConversations(laptop.session).map((c) => c.title)).toContain('Plans');
    expect(messagesOf(laptop)).toContain(`hello ${MARKER}`);
    expect(getAgent(laptop.session, agentId).instructions).toBe(`Be brief ${MARKER}`);
    const devices = await desk.sync.devices();
    expect(devices.map((d) => d.name).sort()).toEqual(['Desk', 'Laptop']);
  });

  it('a conversation started on the laptop appears on the desk', async () => {
    const conv = createConversation(laptop.session, { agentId, title: 'From the laptop' });
    appendMessage(laptop.session, conv.id, { role: 'user', content: 'written on the laptop', status: 'complete' });
    await settle(laptop, desk);
    expect(listConversations(desk.session).map((c) => c.title)).toContain('From the laptop');
    expect(messagesOf(desk)).toContain('written on the laptop');
    expect(desk.digest()).toBe(laptop.digest());
  });

  it('an edit conflict on the instructions converges and keeps the losing version', async () => {
    updateAgent(desk.session, agentId, { ...getAgent(desk.session, agentId), instructions: 'Desk version' } as never);
    updateAgent(laptop.session, agentId, { ...getAgent(laptop.session, agentId), instructions: 'Laptop version' } as never);
    await settle(desk, laptop);
    const a = getAgent(desk.session, agentId).instructions;
    expect(getAgent(laptop.session, agentId).instructions).toBe(a);
    const lost = a === 'Desk version' ? 'Laptop version' : 'Desk version';
    for (const i of [desk, laptop]) {
      const conflicts = i.sync.conflicts();
      expect(conflicts.some((c) => c.lostValue === lost && c.currentValue === a)).toBe(true);
    }
    expect(desk.digest()).toBe(laptop.digest());
  });

  it('no marker in plaintext in the storage or either data directory', () => {
    expect(filesContaining(folder, MARKER)).toEqual([]);
    expect(filesContaining(desk.dir, MARKER)).toEqual([]);
    expect(filesContaining(laptop.dir, MARKER)).toEqual([]);
  });

  it('removing the laptop locks it out of what is written afterwards', async () => {
    const laptopId = laptop.sync.status().thisDevice!.id;
    await desk.sync.removeDevice(laptopId);
    const conv = createConversation(desk.session, { agentId, title: 'After removal' });
    appendMessage(desk.session, conv.id, { role: 'user', content: 'secret after removal', status: 'complete' });
    await desk.sync.syncNow();
    await laptop.sync.syncNow();
    expect(laptop.sync.status().state).toBe('removed');
    expect(messagesOf(laptop)).not.toContain('secret after removal');
    // Even with everything the laptop holds, the desk's new segment does not open.
    const state = new SyncState(vaultOf(laptop.session));
    const c = state.config()!;
    const ring = laptop.session.withDek((dek) => SyncKeyring.load(dek, c.vaultId!, c.deviceKeys, state.wrappedEpochKeys()));
    const deskState = new SyncState(vaultOf(desk.session)).config()!;
    const name = new ObjectNames(ring).segment(deskState.deviceId, deskState.seq);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(`${folder}/${name}`);
    const opened = openObject(bytes, {
      ctx: { vaultId: ring.vaultId, kind: 'segment', position: `${deskState.deviceId}:${deskState.seq}:${''}` },
      keyFor: ring.contentKey,
      signerPublic: null,
    });
    expect(opened).toMatchObject({ ok: false, reason: 'epoch' });
    expect(ring.hasEpoch(1)).toBe(false);
    ring.close();
  });

  it('with both devices lost, the recovery key restores sync on a new install, new epoch included', async () => {
    rescue = await newInstall();
    await rescue.sync.joinWithRecoveryKey({ target, deviceName: 'Rescue', recoveryKey: desk.recoveryKey });
    await rescue.sync.syncNow();
    expect(rescue.sync.status()).toMatchObject({ state: 'idle', error: null, warnings: [] });
    expect(listConversations(rescue.session).map((c) => c.title)).toEqual(expect.arrayContaining(['Plans', 'From the laptop', 'After removal']));
    expect(messagesOf(rescue)).toContain('secret after removal');
    expect(rescue.digest()).toBe(desk.digest());
  });

  it('a wrong recovery key finds nothing, and setup refuses a key that is not this vault’s', async () => {
    const other = await newInstall();
    try {
      await expect(other.sync.joinWithRecoveryKey({ target, deviceName: 'X', recoveryKey: other.recoveryKey })).rejects.toMatchObject({ code: 'SYNC_NOT_SET_UP' });
      expect(other.sync.status().state).toBe('off');
      await expect(other.sync.setUp({ target: FOLDER_TARGET(tempDataDir('cubby-sync-x-')), deviceName: 'X', recoveryKey: desk.recoveryKey })).rejects.toMatchObject({
        code: 'RECOVERY_KEY_INVALID',
      });
    } finally {
      await other.close();
    }
  });
});
