/** The merge rules of sync's change machinery, one deterministic scenario each (issue 12). */
import { describe, expect, test } from 'vitest';
import {
  applyRemoteChanges,
  captureChanges,
  listConflicts,
  resolveConflict,
  syncedContentDump,
} from '../../main/core/sync/changes';
import { createAgent, getAgent, updateAgent } from '../../main/core/vault/agents';
import { addAttachments } from '../../main/core/vault/attachments';
import { createConversation, getConversation } from '../../main/core/vault/conversations';
import { createMemory, updateMemory } from '../../main/core/vault/memory';
import { appendMessage, allMessages } from '../../main/core/vault/messages';
import { createSecret, readSecretValue, replaceSecret } from '../../main/core/vault/secrets';
import { getSetting, setSetting } from '../../main/core/vault/settings';
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
    const [conflict] = listConflicts(a.db, { longTextOnly: true });
    const winner = a.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id);
    expect(conflict!.currentValue).toBe(winner);
    resolveConflict(a.db, conflict!.id, 'lost');
    expect(listConflicts(a.db).map((c) => c.id)).not.toContain(conflict!.id);
    syncAll([a, b]);
    same(a, b);
    expect(b.db.prepare('SELECT text FROM memory_facts WHERE id = ?').pluck().get(fact.id)).toBe(conflict!.lostValue);
    const [onB] = listConflicts(b.db, { longTextOnly: true });
    resolveConflict(b.db, onB!.id, 'current');
    expect(listConflicts(b.db, { longTextOnly: true })).toEqual([]);
    expect(capture(b)).toEqual([]);
    expect(() => resolveConflict(b.db, 999, 'current')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  test("a secret's value clashing on two devices is recorded, but the conflicts list shows neither version; 'lost' still puts it back", () => {
    const [a, b] = both();
    const secret = createSecret(a.session, { name: 'key', value: 'sk-original-0000' });
    syncAll([a, b]);
    replaceSecret(a.session, secret.id, { value: 'sk-from-a-1111' });
    replaceSecret(b.session, secret.id, { value: 'sk-from-b-2222' });
    syncAll([a, b]);
    same(a, b);
    const entries = listConflicts(a.db).filter((c) => c.tbl === 'secrets' && c.field === 'value');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ lostValue: null, currentValue: null, longText: false });
    expect(JSON.stringify(listConflicts(a.db))).not.toMatch(/sk-from/);
    const winner = readSecretValue(a.session, secret.id);
    resolveConflict(a.db, entries[0]!.id, 'lost');
    syncAll([a, b]);
    expect(readSecretValue(b.session, secret.id)).not.toBe(winner);
    expect(['sk-from-a-1111', 'sk-from-b-2222']).toContain(readSecretValue(b.session, secret.id));
  });
});
