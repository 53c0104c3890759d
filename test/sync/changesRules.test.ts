/** The merge rules of sync's change machinery, one deterministic scenario each (issue 12). */
import { describe, expect, test } from 'vitest';
import {
  applyRemoteChanges,
  captureChanges,
  countDeletions,
  listConflicts,
  resolveConflict,
  syncedContentDigest,
  syncedContentDump,
} from '../../main/core/sync/changes';
import { createAgent, deleteAgent, getAgent, updateAgent } from '../../main/core/vault/agents';
import { addAttachments } from '../../main/core/vault/attachments';
import { createConversation, deleteConversation, getConversation, renameConversation } from '../../main/core/vault/conversations';
import { createMemory, deleteMemory, updateMemory } from '../../main/core/vault/memory';
import { appendMessage, allMessages, finishMessage, recoverInterruptedMessages, savePartial } from '../../main/core/vault/messages';
import { deleteSetting, getSetting, setSetting } from '../../main/core/vault/settings';
import { capture, count, deliver, openDevice, redeliverLast, syncAll, type Device } from './changesWorld';

const agentInput = (name: string, instructions = '') => ({ name, instructions });
const editInstructions = (d: Device, id: string, instructions: string) => {
  const a = getAgent(d.session, id);
  updateAgent(d.session, id, { name: a.name, description: a.description, avatarColor: a.avatarColor, instructions, memoryAccess: a.memoryAccess });
};
const both = () => [openDevice(0), openDevice(1)] as const;
const same = (...ds: Device[]) => {
  const first = syncedContentDump(ds[0]!.db);
  for (const d of ds.slice(1)) expect(syncedContentDump(d.db)).toBe(first);
};

describe('capture', () => {
  test('a new row goes out whole with no parent clock; an edit sends only the changed field, over the clock it replaces', () => {
    const [a] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'Be brief.'));
    const first = captureChanges(a.db, a.clock).filter((c) => c.tbl === 'agents');
    expect(first).toHaveLength(1);
    expect(first[0]!.key).toBe(agent.id);
    expect(first[0]!.f!.instructions).toMatchObject({ v: 'Be brief.', p: null });
    expect(Object.values(first[0]!.f!).every((fc) => fc.p === null && fc.t === first[0]!.f!.name!.t)).toBe(true);
    expect(captureChanges(a.db, a.clock)).toEqual([]);

    editInstructions(a, agent.id, 'Be thorough.');
    const second = captureChanges(a.db, a.clock);
    expect(second).toHaveLength(1);
    // updated_at moved too (same millisecond or not, the repository rewrites it).
    expect(Object.keys(second[0]!.f!).filter((f) => f !== 'updated_at')).toEqual(['instructions']);
    expect(second[0]!.f!.instructions).toMatchObject({ v: 'Be thorough.', p: first[0]!.f!.instructions!.t });
    expect(second[0]!.f!.instructions!.t > first[0]!.f!.instructions!.t).toBe(true);
  });

  test('editing a value back to what was last synced sends nothing', () => {
    const [a] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'one'));
    capture(a);
    a.db.prepare('UPDATE agents SET instructions = ? WHERE id = ?').run('two', agent.id);
    a.db.prepare('UPDATE agents SET instructions = ? WHERE id = ?').run('one', agent.id);
    expect(captureChanges(a.db, a.clock)).toEqual([]);
  });

  test("device-local state does not travel: the idle-lock time, shared-agent memory choices, a workflow's last tick", () => {
    const [a, b] = both();
    setSetting(a.session, 'lock.idleMinutes', '5');
    setSetting(a.session, 'sharedAgentMemory:abc', 'read');
    setSetting(a.session, 'notes', 'hello');
    const batch = capture(a);
    expect(batch.map((c) => `${c.tbl}:${c.key}`)).toEqual(['settings:notes']);
    // And a device-local key arriving from elsewhere is ignored.
    const r = applyRemoteChanges(b.db, [{ tbl: 'settings', key: 'lock.idleMinutes', f: { value: { v: '1440', t: batch[0]!.f!.value!.t, p: null }, updated_at: { v: 1, t: batch[0]!.f!.value!.t, p: null } } }], b.clock, a.id);
    expect(r.ignored).toBe(1);
    expect(getSetting(b.session, 'lock.idleMinutes')).toBeUndefined();
  });
});

describe('apply', () => {
  test('another device ends with the same content, and applying is not captured back', () => {
    const [a, b] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'Be brief.'));
    const conv = createConversation(a.session, { agentId: agent.id });
    appendMessage(a.session, conv.id, { role: 'user', content: 'hi', status: 'complete' });
    createMemory(a.session, 'Ada likes tea');
    setSetting(a.session, 'notes', 'n');
    capture(a);
    deliver(a, b);
    same(a, b);
    expect(captureChanges(b.db, b.clock)).toEqual([]);
    expect(getConversation(b.session, conv.id).agentId).toBe(agent.id);
  });

  test('the same batch applied twice changes nothing the second time', () => {
    const [a, b] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'x'));
    const conv = createConversation(a.session, { agentId: agent.id });
    const m = appendMessage(a.session, conv.id, { role: 'user', content: 'hi', status: 'complete' });
    addAttachments(a.session, m, [{ name: 'a.txt', mime: 'text/plain', bytes: Buffer.from('file') }]);
    capture(a);
    deliver(a, b);
    const rows = b.db.prepare('SELECT * FROM sync_rows ORDER BY tbl, key').all();
    const dump = syncedContentDump(b.db);
    const again = redeliverLast(a, b)!;
    expect(again).toEqual({ applied: 0, conflicts: 0, deferred: 0, ignored: 0 });
    expect(syncedContentDump(b.db)).toBe(dump);
    expect(b.db.prepare('SELECT * FROM sync_rows ORDER BY tbl, key').all()).toEqual(rows);
    expect(count(b.db, 'SELECT count(*) FROM messages')).toBe(1);
  });

  test('attachments point at their message by its global key; local integer ids differ between devices', () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    // b already has messages of its own, so its integer ids are ahead of a's.
    const own = createConversation(b.session, { agentId: null, agentName: 'y' });
    for (let i = 0; i < 3; i++) appendMessage(b.session, own.id, { role: 'user', content: `b${i}`, status: 'complete' });
    const m = appendMessage(a.session, conv.id, { role: 'user', content: 'with file', status: 'complete' });
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    addAttachments(a.session, m, [{ name: 'pic.png', mime: 'image/png', bytes: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), bytes]) }]);
    syncAll([a, b]);
    same(a, b);
    const onB = allMessages(b.session, conv.id);
    expect(onB).toHaveLength(1);
    expect(onB[0]!.id).not.toBe(m);
    expect(onB[0]!.attachments.map((x) => x.name)).toEqual(['pic.png']);
  });

  test("one device's messages keep their order on another", () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    for (let i = 0; i < 20; i++) appendMessage(a.session, conv.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}`, status: 'complete' });
    syncAll([a, b]);
    expect(allMessages(b.session, conv.id).map((m) => m.content)).toEqual(allMessages(a.session, conv.id).map((m) => m.content));
  });
});
