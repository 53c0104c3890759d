/** Deletes, children waiting for parents, work in progress elsewhere, and snapshots (issue 12). */
import { describe, expect, test } from 'vitest';
import {
  applyRemoteChanges,
  countDeletions,
  listConflicts,
  resolveConflict,
  syncedContentDigest,
  syncedContentDump,
} from '../../main/core/sync/changes';
import { createAgent, deleteAgent, getAgent, updateAgent } from '../../main/core/vault/agents';
import { addAttachments } from '../../main/core/vault/attachments';
import { createConversation, deleteConversation, getConversation, renameConversation } from '../../main/core/vault/conversations';
import { createMemory } from '../../main/core/vault/memory';
import { appendMessage, allMessages, finishMessage, recoverInterruptedMessages, savePartial } from '../../main/core/vault/messages';
import { deleteSetting, getSetting, setSetting } from '../../main/core/vault/settings';
import { createRun, finishRun, getRun, markRunning, recoverInterruptedRuns } from '../../main/core/workflows/runs';
import { createWorkflow } from '../../main/core/workflows/store';
import { capture, count, deliver, openDevice, syncAll, type Device } from './changesWorld';

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

describe('deletes', () => {
  test('messages arriving for a conversation deleted here but not captured yet go with it once the delete is captured', () => {
    // Found by the property test: without this the messages waited for their parent forever.
    const [a, b] = both();
    const conv = createConversation(a.session, { agentId: null, agentName: 'x' });
    capture(a);
    appendMessage(a.session, conv.id, { role: 'user', content: 'one', status: 'complete' });
    appendMessage(a.session, conv.id, { role: 'user', content: 'two', status: 'complete' });
    deliver(a, b, 1); // only the conversation
    deleteConversation(b.session, conv.id);
    capture(a);
    deliver(a, b); // the messages and the conversation's new updated_at
    syncAll([a, b]);
    same(a, b);
    for (const d of [a, b]) expect(count(d.db, 'SELECT count(*) FROM sync_pending')).toBe(0);
  });

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

describe('a workflow run on another device', () => {
  test('B marking A’s running run interrupted stays on B; A’s outcome replaces it, error fields included', () => {
    const [a, b] = both();
    const wf = createWorkflow(a.session, { name: 'W', steps: [{ kind: 'agent', agent: { agentId: 'x' }, prompt: 'p' }] });
    const run = createRun(a.session, { workflowId: wf.id, workflowName: 'W', status: 'queued', trigger: 'now', inputs: {}, dueAt: null });
    markRunning(a.session, run);
    syncAll([a, b]);
    expect(recoverInterruptedRuns(b.session)).toBe(1);
    expect(getRun(b.session, run)).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED' });
    expect(capture(b)).toEqual([]);
    finishRun(a.session, run, 'succeeded', null);
    syncAll([a, b]);
    same(a, b);
    expect(getRun(b.session, run)).toMatchObject({ status: 'succeeded', errorCode: null, errorMessage: null });
    expect(listConflicts(b.db)).toEqual([]);
  });
});
