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

describe('conflicts', () => {
  test('concurrent edits of one field: the later clock wins everywhere and the loser is recorded on both devices', () => {
    const [a, b] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'original'));
    syncAll([a, b]);
    editInstructions(a, agent.id, 'from a');
    capture(a);
    editInstructions(b, agent.id, 'from b');
    capture(b);
    const winner = b.log.at(-1)![0]!.f!.instructions!.t > a.log.at(-1)![0]!.f!.instructions!.t ? 'from b' : 'from a';
    const loser = winner === 'from b' ? 'from a' : 'from b';
    deliver(a, b);
    deliver(b, a);
    same(a, b);
    expect(getAgent(a.session, agent.id).instructions).toBe(winner);
    for (const d of [a, b]) {
      const shown = listConflicts(d.db, { longTextOnly: true });
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({ tbl: 'agents', key: agent.id, field: 'instructions', reason: 'edit', lostValue: loser, currentValue: winner, longText: true });
      expect(shown[0]!.what).toBe('Agent “Helper”: instructions');
    }
  });

  test('an edit made after seeing the other device’s edit is not a conflict', () => {
    const [a, b] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'v0'));
    syncAll([a, b]);
    editInstructions(a, agent.id, 'v1');
    syncAll([a, b]);
    editInstructions(b, agent.id, 'v2');
    syncAll([a, b]);
    expect(getAgent(a.session, agent.id).instructions).toBe('v2');
    expect(listConflicts(a.db)).toEqual([]);
    expect(listConflicts(b.db)).toEqual([]);
  });

  test("three devices: a device that gets B's edit before the A edit B had seen records nothing", () => {
    const [a, b, c] = [openDevice(0), openDevice(1), openDevice(2)];
    const agent = createAgent(a.session, agentInput('Helper', 'v0'));
    syncAll([a, b, c]);
    editInstructions(a, agent.id, 'v1');
    capture(a);
    deliver(a, b);
    editInstructions(b, agent.id, 'v2');
    capture(b);
    deliver(b, c); // c has v0, gets v2 (which overwrote v1, unknown to c)
    deliver(a, c); // then v1
    deliver(b, a);
    same(a, b, c);
    expect(getAgent(c.session, agent.id).instructions).toBe('v2');
    for (const d of [a, b, c]) expect(listConflicts(d.db)).toEqual([]);
  });

  test('a value overwritten on its own device by a change that had not seen it is recorded there, even when no other device can tell', () => {
    // x on X; y on Y without seeing x; z on Z over y. X gets z before y: z's base (y) is newer than
    // x, so only X, where x was written, knows that x was never seen by anyone.
    const now = Date.now();
    const [x, y, z] = [openDevice(0, () => now), openDevice(1, () => now + 1000), openDevice(2, () => now + 2000)];
    const agent = createAgent(x.session, agentInput('Helper', 'v0'));
    syncAll([x, y, z]);
    editInstructions(x, agent.id, 'x');
    capture(x);
    editInstructions(y, agent.id, 'y');
    capture(y);
    deliver(y, z);
    editInstructions(z, agent.id, 'z');
    capture(z);
    deliver(z, x);
    deliver(z, y);
    deliver(x, y);
    deliver(x, z);
    deliver(y, x);
    same(x, y, z);
    expect(getAgent(x.session, agent.id).instructions).toBe('z');
    const lost = [x, y, z].flatMap((d) => listConflicts(d.db).filter((c) => c.field === 'instructions').map((c) => c.lostValue));
    expect(lost).toEqual(['x']);
  });

  test('an edit made here and not captured yet beats an arriving edit, which is recorded, and then goes out', () => {
    const [a, b] = both();
    const fact = createMemory(a.session, 'tea');
    syncAll([a, b]);
    updateMemory(b.session, fact.id, 'coffee');
    capture(b);
    updateMemory(a.session, fact.id, 'water'); // not captured before b's edit arrives
    deliver(b, a);
    expect(a.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id)).toBe('water');
    expect(listConflicts(a.db, { longTextOnly: true }).map((c) => [c.lostValue, c.winnerHlc])).toEqual([['coffee', null]]);
    syncAll([a, b]);
    same(a, b);
    expect(b.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id)).toBe('water');
  });

  test("resolve 'lost' puts the losing version back as a new edit that reaches the other device; 'current' just forgets it", () => {
    const [a, b] = both();
    const fact = createMemory(a.session, 'tea');
    syncAll([a, b]);
    updateMemory(a.session, fact.id, 'from a');
    updateMemory(b.session, fact.id, 'from b');
    syncAll([a, b]);
    const [conflict] = listConflicts(a.db);
    const winner = a.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id);
    expect(conflict!.currentValue).toBe(winner);
    resolveConflict(a.db, conflict!.id, 'lost');
    expect(listConflicts(a.db).map((c) => c.id)).not.toContain(conflict!.id);
    syncAll([a, b]);
    same(a, b);
    expect(b.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id)).toBe(conflict!.lostValue);
    const [onB] = listConflicts(b.db);
    resolveConflict(b.db, onB!.id, 'current');
    expect(listConflicts(b.db)).toEqual([]);
    expect(capture(b)).toEqual([]);
    expect(() => resolveConflict(b.db, 999, 'current')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('deletes', () => {
  test('a delete wins over a concurrent edit, which is recorded as lost to the delete; a version lost to a delete cannot be put back', () => {
    const [a, b] = both();
    const agent = createAgent(a.session, agentInput('Helper', 'v0'));
    syncAll([a, b]);
    deleteAgent(a.session, agent.id);
    editInstructions(b, agent.id, 'edited on b');
    syncAll([a, b]);
    same(a, b);
    expect(count(b.db, 'SELECT count(*) FROM agents')).toBe(0);
    for (const d of [a, b]) {
      const lost = listConflicts(d.db).filter((c) => c.field === 'instructions');
      expect(lost).toMatchObject([{ reason: 'deleted', lostValue: 'edited on b' }]);
    }
    const [c] = listConflicts(a.db).filter((x) => x.field === 'instructions');
    expect(() => resolveConflict(a.db, c!.id, 'lost')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  test('deleting a conversation sends one tombstone; its messages and attachments go on every device', () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    for (let i = 0; i < 5; i++) {
      const m = appendMessage(a.session, conv.id, { role: 'user', content: `m${i}`, status: 'complete' });
      addAttachments(a.session, m, [{ name: `${i}.txt`, mime: 'text/plain', bytes: Buffer.from(`f${i}`) }]);
    }
    syncAll([a, b]);
    deleteConversation(a.session, conv.id);
    const batch = capture(a);
    expect(countDeletions(batch)).toBe(1);
    expect(batch).toEqual([expect.objectContaining({ tbl: 'conversations', key: conv.id, del: expect.any(String) })]);
    deliver(a, b);
    for (const t of ['conversations', 'messages', 'attachments']) expect(count(b.db, `SELECT count(*) FROM ${t}`)).toBe(0);
    expect(capture(b)).toEqual([]);
    same(a, b);
  });

  test('a message added to a conversation deleted at the same time on another device is dropped there and recorded', () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    syncAll([a, b]);
    deleteConversation(a.session, conv.id);
    const m = appendMessage(b.session, conv.id, { role: 'user', content: 'late', status: 'complete' });
    addAttachments(b.session, m, [{ name: 'late.txt', mime: 'text/plain', bytes: Buffer.from('late') }]);
    syncAll([a, b]);
    same(a, b);
    expect(count(a.db, 'SELECT count(*) FROM messages')).toBe(0);
    expect(count(b.db, 'SELECT count(*) FROM messages')).toBe(0);
    const dropped = listConflicts(a.db).filter((c) => c.reason === 'parent_deleted');
    expect(dropped.map((c) => c.tbl).sort()).toEqual(['attachments', 'messages']);
    expect(dropped.find((c) => c.tbl === 'messages')!.lostValue).toMatchObject({ content: 'late' });
    expect(count(a.db, 'SELECT count(*) FROM sync_pending')).toBe(0);
  });

  test('deleting an agent leaves its conversations with no agent everywhere, without a change of their own; a concurrent switch to another agent survives', () => {
    const [a, b] = both();
    const x = createAgent(a.session, agentInput('X'));
    const y = createAgent(a.session, agentInput('Y'));
    const c1 = createConversation(a.session, { agentId: x.id });
    const c2 = createConversation(a.session, { agentId: x.id });
    syncAll([a, b]);
    deleteAgent(a.session, x.id);
    const c3 = createConversation(b.session, { agentId: x.id }); // made on b while x is being deleted on a
    b.db.prepare('UPDATE conversations SET agent_id = ? WHERE id = ?').run(y.id, c2.id);
    const fromA = capture(a);
    expect(fromA.map((c) => c.tbl)).toEqual(['agents']);
    syncAll([a, b]);
    same(a, b);
    expect(getConversation(a.session, c1.id).agentId).toBeNull();
    expect(getConversation(a.session, c2.id).agentId).toBe(y.id);
    expect(getConversation(a.session, c3.id).agentId).toBeNull();
    expect(listConflicts(a.db)).toEqual([]);
  });

  test('a setting removed and set again comes back; removing it elsewhere removes it', () => {
    const [a, b] = both();
    setSetting(a.session, 'notes', 'one');
    syncAll([a, b]);
    deleteSetting(b.session, 'notes');
    syncAll([a, b]);
    expect(getSetting(a.session, 'notes')).toBeUndefined();
    setSetting(a.session, 'notes', 'two');
    syncAll([a, b]);
    expect(getSetting(b.session, 'notes')).toBe('two');
    same(a, b);
  });
});

describe('waiting for a parent', () => {
  test("a device that gets B's message before A's conversation keeps it aside until the conversation arrives", () => {
    const [a, b, c] = [openDevice(0), openDevice(1), openDevice(2)];
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    capture(a);
    deliver(a, b);
    const m = appendMessage(b.session, conv.id, { role: 'user', content: 'from b', status: 'complete' });
    addAttachments(b.session, m, [{ name: 'b.txt', mime: 'text/plain', bytes: Buffer.from('b') }]);
    capture(b);
    const early = deliver(b, c);
    expect(early[0]!.deferred).toBeGreaterThan(0);
    expect(count(c.db, 'SELECT count(*) FROM messages')).toBe(0);
    const later = deliver(a, c);
    expect(later.at(-1)!.deferred).toBe(0);
    expect(allMessages(c.session, conv.id).map((x) => [x.content, x.attachments.length])).toEqual([['from b', 1]]);
    syncAll([a, b, c]);
    same(a, b, c);
  });
});

describe('work in progress on another device', () => {
  test("a message streaming on A that B marks interrupted at unlock stays B's own view; A's final answer wins", () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    const m = appendMessage(a.session, conv.id, { role: 'assistant', content: '', status: 'streaming' });
    savePartial(a.session, m, 'Hel');
    syncAll([a, b]);
    expect(recoverInterruptedMessages(b.session)).toBe(1);
    expect(capture(b)).toEqual([]);
    savePartial(a.session, m, 'Hello wor');
    finishMessage(a.session, m, { content: 'Hello world', status: 'complete' });
    syncAll([a, b]);
    same(a, b);
    expect(allMessages(b.session, conv.id).map((x) => [x.content, x.status])).toEqual([['Hello world', 'complete']]);
    expect(listConflicts(b.db)).toEqual([]);
  });

  test('the streaming device itself marking its message interrupted (it restarted) does travel', () => {
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    appendMessage(a.session, conv.id, { role: 'assistant', content: 'par', status: 'streaming' });
    syncAll([a, b]);
    recoverInterruptedMessages(a.session);
    syncAll([a, b]);
    expect(allMessages(b.session, conv.id)[0]!.status).toBe('interrupted');
    same(a, b);
  });
});

describe('a fresh device from a snapshot', () => {
  test('applying the snapshot gives the same content, tombstones included; a vault with uncaptured changes refuses to give one', async () => {
    const { snapshotChanges } = await import('../../main/core/sync/changes');
    const [a, b] = both();
    const x = createAgent(a.session, agentInput('X', 'long text'));
    const conv = createConversation(a.session, { agentId: x.id, title: 'Hello' });
    appendMessage(a.session, conv.id, { role: 'user', content: 'm', status: 'complete' });
    createAgent(b.session, agentInput('Y'));
    setSetting(a.session, 'gone', 'soon');
    syncAll([a, b]);
    deleteAgent(b.session, x.id);
    deleteSetting(b.session, 'gone');
    renameConversation(a.session, conv.id, 'Renamed');
    syncAll([a, b]);
    const c = openDevice(2);
    expect(() => [...snapshotChanges(a.db)]).not.toThrow();
    const r = applyRemoteChanges(c.db, [...snapshotChanges(a.db)], c.clock, null);
    expect(r.deferred).toBe(0);
    same(a, b, c);
    expect(syncedContentDigest(c.db)).toBe(syncedContentDigest(a.db));
    expect(capture(c)).toEqual([]);
    createMemory(a.session, 'new');
    expect(() => [...snapshotChanges(a.db)]).toThrow(/Capture/);
  });
});
