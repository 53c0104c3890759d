/**
 * Property test of sync's change machinery (issue 12): 2 to 4 simulated devices of one person
 * make random changes through the real vault repository functions, capture into their own logs,
 * and deliver to each other in random orders and partitions (each device's log in its own
 * order, a batch sometimes twice), with clocks that drift and jump back. When everything has
 * been delivered: every vault holds the same synced content (and so does a new device started
 * from any one's snapshot), nothing waits for a parent, and
 * every value that was written and is not in the end state is explained: knowingly overwritten
 * by a later edit on a device that had it, recorded as a loss, or gone with a deleted row.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isCubbyError } from '../../main/core/errors';
import { applyRemoteChanges, snapshotChanges, SYNCED_TABLES, syncedContentDump } from '../../main/core/sync/changes';
import { selectFieldsSql } from '../../main/core/sync/changes/state';
import { hashValue, toSyncValue, type SqlValue } from '../../main/core/sync/changes/values';
import type { SyncValue } from '../../main/core/sync/changes/types';
import { createAgent, deleteAgent, getAgent, updateAgent } from '../../main/core/vault/agents';
import { addAttachments } from '../../main/core/vault/attachments';
import { createConversation, deleteConversation, pinConversation, renameConversation } from '../../main/core/vault/conversations';
import { createMemory, deleteMemory, updateMemory } from '../../main/core/vault/memory';
import { appendMessage, finishMessage, recoverInterruptedMessages, savePartial } from '../../main/core/vault/messages';
import { createConnection } from '../../main/core/vault/providerConnections';
import { createSecret, deleteSecret } from '../../main/core/vault/secrets';
import { deleteSetting, setSetting } from '../../main/core/vault/settings';
import { createRun, finishRun, markRunning, recordStep, deleteRun, recoverInterruptedRuns } from '../../main/core/workflows/runs';
import { createWorkflow, deleteWorkflow, setLastTick, updateWorkflow } from '../../main/core/workflows/store';
import { capture, deliver, openDevice, redeliverLast, type Device } from './changesWorld';

/** About 8 s here; CUBBY_PROPERTY_RUNS=1000 for a longer search; CUBBY_PROPERTY_SEED and _PATH replay a failure fast-check printed. */
const RUNS = Number(process.env.CUBBY_PROPERTY_RUNS ?? 150);
const TEXTS = ['', 'a', 'b', 'tea', 'coffee', 'a longer text with spaces', 'ünïcödé ✓'];
const SETTING_KEYS = ['notes', 'theme', 'lock.idleMinutes', 'sharedAgentMemory:x'];

const dev = fc.nat(3);
const pick = fc.nat(20);
const text = fc.constantFrom(...TEXTS);
const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('agent' as const), d: dev, text }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('editAgent' as const), d: dev, pick, field: fc.constantFrom('instructions', 'name', 'description'), text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delAgent' as const), d: dev, pick }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('conv' as const), d: dev, pick: fc.option(pick), text }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('rename' as const), d: dev, pick, text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pin' as const), d: dev, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delConv' as const), d: dev, pick }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('msg' as const), d: dev, pick, text, attach: fc.boolean(), streaming: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('stream' as const), d: dev, pick, text, finish: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('restart' as const), d: dev }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('fact' as const), d: dev, text }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('editFact' as const), d: dev, pick, text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delFact' as const), d: dev, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('workflow' as const), d: dev, text }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('editWorkflow' as const), d: dev, pick, text, tick: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delWorkflow' as const), d: dev, pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('run' as const), d: dev, pick, steps: fc.nat(3), finish: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delRun' as const), d: dev, pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), d: dev, key: fc.constantFrom(...SETTING_KEYS), text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('unset' as const), d: dev, key: fc.constantFrom(...SETTING_KEYS) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('secret' as const), d: dev, text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('connection' as const), d: dev, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delSecret' as const), d: dev, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('agentConn' as const), d: dev, pick, pick2: pick }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('capture' as const), d: dev }) },
  { weight: 8, arbitrary: fc.record({ k: fc.constant('deliver' as const), from: dev, to: dev, n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('redeliver' as const), from: dev, to: dev }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clock' as const), d: dev, ms: fc.integer({ min: -60_000, max: 60_000 }) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Synced content of one vault as "tbl\tkey\tfield" → canonical value. */
function contentMap(d: Device): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of SYNCED_TABLES) {
    const rows = d.db.prepare(`SELECT ${spec.key.expr('t')} AS __key, ${selectFieldsSql(spec, 't')} FROM ${spec.tbl} t`).all() as Record<string, SqlValue>[];
    for (const r of rows) {
      if (spec.deviceLocal?.test(String(r.__key))) continue;
      for (const f of spec.fields) out.set(`${spec.tbl}\t${r.__key}\t${f}`, canonical(toSyncValue(r[f] ?? null)));
    }
  }
  return out;
}
const canonical = (v: SyncValue): string => (v !== null && typeof v === 'object' ? `blob:${hashValue(v)}` : JSON.stringify(v));

class World {
  readonly devices: Device[];
  readonly written = new Map<string, string>(); // "tbl\tkey\tfield\tvalue" → the op that wrote it
  readonly superseded = new Set<string>();
  /** Which device created a message or run (only it moves its status on). */
  readonly origin = new Map<string, number>();
  readonly ignored: number[] = [];
  now = 1_800_000_000_000;
  private readonly skews: number[];

  constructor(n: number) {
    this.skews = Array.from({ length: n }, (_, i) => i * 700 - 1000);
    this.devices = Array.from({ length: n }, (_, i) => openDevice(i, () => this.now + this.skews[i]!));
  }

  private ids(d: Device, sql: string): string[] {
    return d.db.prepare(sql).pluck().all() as string[];
  }
  private pickOf<T>(list: T[], i: number): T | undefined {
    return list.length ? list[i % list.length] : undefined;
  }

  run(o: Op): void {
    this.now += 7;
    if (o.k === 'capture') return void capture(this.dev(o.d));
    if (o.k === 'deliver' || o.k === 'redeliver') {
      const [from, to] = [this.dev(o.from), this.dev(o.to)];
      if (from === to) return;
      const results = o.k === 'deliver' ? deliver(from, to, o.n) : [redeliverLast(from, to)].filter((r) => r !== null);
      for (const r of results) this.ignored.push(r!.ignored);
      return;
    }
    if (o.k === 'clock') {
      this.skews[o.d % this.devices.length]! += o.ms;
      return;
    }
    const d = this.dev(o.d);
    this.track(d, o.k, () => this.local(d, this.devices.indexOf(d), o));
  }

  /** Run a local change and note what it wrote and what it overwrote. */
  private track(d: Device, kind: string, change: () => void): void {
    const di = this.devices.indexOf(d);
    const before = contentMap(d);
    try {
      change();
    } catch (e) {
      if (!isCubbyError(e)) throw e;
    }
    const after = contentMap(d);
    // Marking another device's live message or run interrupted stays on this device.
    const othersLive = (k: string) => kind === 'restart' && this.origin.get(k.split('\t').slice(0, 2).join('\t')) !== di;
    for (const [k, v] of after) {
      if (before.get(k) === v || othersLive(k)) continue;
      const [tbl, , field] = k.split('\t') as [string, string, string];
      // A reference emptied because its parent was deleted is derived from the parent's tombstone.
      if (v === 'null' && this.isRef(tbl, field) && !this.rowExists(after, this.refTable(tbl, field), JSON.parse(before.get(k) ?? 'null'))) continue;
      this.written.set(`${k}\t${v}`, kind);
    }
    for (const [k, v] of before) if (after.get(k) !== v && !othersLive(k)) this.superseded.add(`${k}\t${v}`);
  }

  private dev(i: number): Device {
    return this.devices[i % this.devices.length]!;
  }
  private isRef(tbl: string, field: string): boolean {
    return SYNCED_TABLES.find((s) => s.tbl === tbl)!.refs.some((r) => r.column === field);
  }
  private refTable(tbl: string, field: string): string {
    return SYNCED_TABLES.find((s) => s.tbl === tbl)!.refs.find((r) => r.column === field)!.parent;
  }
  private rowExists(map: Map<string, string>, tbl: string, key: unknown): boolean {
    if (typeof key !== 'string') return false;
    for (const k of map.keys()) if (k.startsWith(`${tbl}\t${key}\t`)) return true;
    return false;
  }

  private local(d: Device, di: number, o: Exclude<Op, { k: 'capture' | 'deliver' | 'redeliver' | 'clock' }>): void {
    const s = d.session;
    const agents = () => this.ids(d, 'SELECT id FROM agents ORDER BY rowid');
    const convs = () => this.ids(d, 'SELECT id FROM conversations ORDER BY rowid');
    switch (o.k) {
      case 'agent':
        return void createAgent(s, { name: `A${o.text}`, instructions: o.text });
      case 'editAgent': {
        const id = this.pickOf(agents(), o.pick);
        if (!id) return;
        const a = getAgent(s, id);
        const next = { name: a.name, description: a.description, instructions: a.instructions, connectionId: a.connectionId, memoryAccess: a.memoryAccess };
        return void updateAgent(s, id, { ...next, [o.field]: o.field === 'name' ? `A${o.text}` : o.text });
      }
      case 'delAgent': {
        const id = this.pickOf(agents(), o.pick);
        return id ? deleteAgent(s, id) : undefined;
      }
      case 'agentConn': {
        const id = this.pickOf(agents(), o.pick);
        const conn = this.pickOf([null, ...this.ids(d, 'SELECT id FROM provider_connections ORDER BY rowid')], o.pick2);
        if (!id) return;
        const a = getAgent(s, id);
        return void updateAgent(s, id, { name: a.name, description: a.description, instructions: a.instructions, connectionId: conn, memoryAccess: a.memoryAccess });
      }
      case 'conv': {
        const agentId = o.pick === null ? null : (this.pickOf(agents(), o.pick) ?? null);
        return void createConversation(s, { agentId, agentName: 'someone', title: `T${o.text}` });
      }
      case 'rename': {
        const id = this.pickOf(convs(), o.pick);
        return id ? void renameConversation(s, id, `T${o.text}`) : undefined;
      }
      case 'pin': {
        const id = this.pickOf(convs(), o.pick);
        return id ? void pinConversation(s, id, o.pick % 2 === 0) : undefined;
      }
      case 'delConv': {
        const id = this.pickOf(convs(), o.pick);
        return id ? deleteConversation(s, id) : undefined;
      }
      case 'msg': {
        const conv = this.pickOf(convs(), o.pick);
        if (!conv) return;
        const id = appendMessage(s, conv, { role: o.streaming ? 'assistant' : 'user', content: o.text, status: o.streaming ? 'streaming' : 'complete' });
        this.origin.set(`messages\t${d.db.prepare('SELECT uid FROM messages WHERE id = ?').pluck().get(id)}`, di);
        if (o.attach) addAttachments(s, id, [{ name: 'f.txt', mime: 'text/plain', bytes: Buffer.from(`file ${o.text}`) }]);
        return;
      }
      case 'stream': {
        const mine = (d.db.prepare("SELECT id, uid FROM messages WHERE status = 'streaming' ORDER BY id").all() as { id: number; uid: string }[]).filter(
          (m) => this.origin.get(`messages\t${m.uid}`) === di,
        );
        const m = this.pickOf(mine, o.pick);
        if (!m) return;
        if (o.finish) finishMessage(s, m.id, { content: `${o.text}!`, status: 'complete', model: 'm', outputTokens: 3 });
        else savePartial(s, m.id, o.text);
        return;
      }
      case 'restart':
        recoverInterruptedMessages(s);
        recoverInterruptedRuns(s);
        return;
      case 'fact':
        return void createMemory(s, `F${o.text}`);
      case 'editFact': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM memory_facts ORDER BY seq'), o.pick);
        return id ? void updateMemory(s, id, `F${o.text}`) : undefined;
      }
      case 'delFact': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM memory_facts ORDER BY seq'), o.pick);
        return id ? deleteMemory(s, id) : undefined;
      }
      case 'workflow':
        return void createWorkflow(s, workflowInput(o.text));
      case 'editWorkflow': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM workflows ORDER BY rowid'), o.pick);
        if (!id) return;
        return o.tick ? setLastTick(s, id, this.now) : void updateWorkflow(s, id, workflowInput(o.text));
      }
      case 'delWorkflow': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM workflows ORDER BY rowid'), o.pick);
        return id ? deleteWorkflow(s, id) : undefined;
      }
      case 'run': {
        const wf = this.pickOf(this.ids(d, 'SELECT id FROM workflows ORDER BY rowid'), o.pick);
        if (!wf) return;
        const run = createRun(s, { workflowId: wf, workflowName: 'W', status: 'queued', trigger: 'now', inputs: {}, dueAt: null });
        this.origin.set(`runs\t${run}`, di);
        markRunning(s, run);
        for (let i = 0; i < o.steps; i++) {
          recordStep(s, run, { index: i, kind: 'agent', status: 'succeeded', input: `in${i}`, output: `out${i}`, inputTokens: 1, outputTokens: 2, startedAt: 1, finishedAt: 2, errorCode: null, errorMessage: null }, { at: i, level: 'info', message: `step ${i}` });
        }
        if (o.finish) finishRun(s, run, 'succeeded', null);
        return;
      }
      case 'delRun': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM runs ORDER BY seq'), o.pick);
        return id ? void deleteRun(s, id) : undefined;
      }
      case 'set':
        return setSetting(s, o.key, o.text);
      case 'unset':
        return void deleteSetting(s, o.key);
      case 'secret':
        return void createSecret(s, { name: `S${o.text}`, value: `secret-value-${o.text}` });
      case 'connection': {
        const secret = this.pickOf(this.ids(d, 'SELECT id FROM secrets ORDER BY rowid'), o.pick) ?? null;
        return void createConnection(s, { kind: 'openai', name: 'C', secretId: secret });
      }
      case 'delSecret': {
        const id = this.pickOf(this.ids(d, 'SELECT id FROM secrets ORDER BY rowid'), o.pick);
        return id ? deleteSecret(s, id) : undefined;
      }
    }
  }

  /** Each device finishes its own live work, then everyone syncs until nothing new is captured. */
  settle(): void {
    this.devices.forEach((d, di) => {
      for (const m of d.db.prepare("SELECT id, uid FROM messages WHERE status = 'streaming'").all() as { id: number; uid: string }[]) {
        if (this.origin.get(`messages\t${m.uid}`) === di) this.run({ k: 'stream', d: di, pick: 0, text: 'end', finish: true });
      }
      for (const id of this.ids(d, "SELECT id FROM runs WHERE status IN ('queued', 'running')")) {
        if (this.origin.get(`runs\t${id}`) === di) this.track(d, 'endRun', () => finishRun(d.session, id, 'cancelled', null));
      }
    });
    for (let round = 0; round < 10; round++) {
      const captured = this.devices.map((d) => capture(d).length).reduce((a, b) => a + b, 0);
      for (const from of this.devices) for (const to of this.devices) if (from !== to) deliver(from, to).forEach((r) => this.ignored.push(r.ignored));
      if (captured === 0 && round > 0) return;
    }
    throw new Error('sync did not settle');
  }

  /** Written values that are not in the end state and that nothing explains. */
  unexplained(): string[] {
    const final = contentMap(this.devices[0]!);
    const rows = new Set([...final.keys()].map((k) => k.split('\t').slice(0, 2).join('\t')));
    const recorded = new Set<string>();
    for (const d of this.devices) {
      for (const c of d.db.prepare("SELECT tbl, key, field, lost_value FROM sync_conflicts WHERE field <> '*'").all() as { tbl: string; key: string; field: string; lost_value: string }[]) {
        recorded.add(`${c.tbl}\t${c.key}\t${c.field}\t${canonical(JSON.parse(c.lost_value))}`);
      }
    }
    return [...this.written.keys()].filter((w) => {
      const [tbl, key, field, value] = w.split('\t') as [string, string, string, string];
      if (final.get(`${tbl}\t${key}\t${field}`) === value || !rows.has(`${tbl}\t${key}`)) return false;
      if (this.superseded.has(w) || recorded.has(w)) return false;
      // A reference to a row deleted since: gone with it.
      if (this.isRef(tbl, field) && !rows.has(`${this.refTable(tbl, field)}\t${JSON.parse(value)}`)) return false;
      return true;
    });
  }
}

function workflowInput(t: string) {
  return { name: `W${t}`, steps: [{ kind: 'agent' as const, agent: { agentId: 'some-agent' }, prompt: `P${t}` }] };
}

test('random changes on 2-4 devices, synced in random orders and partitions, converge with every loss explained', () => {
  let runs = 0;
  /** Losses recorded over all runs, by reason: the generator must reach every rule. */
  const seen = { edit: 0, deleted: 0, parent_deleted: 0 };
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 4 }), fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (n, ops) => {
      runs++;
      const w = new World(n);
      try {
        for (const o of ops) w.run(o);
        w.settle();
        const dumps = w.devices.map((d) => syncedContentDump(d.db));
        for (const dump of dumps.slice(1)) expect(dump).toBe(dumps[0]);
        for (const d of w.devices) expect(d.db.prepare('SELECT count(*) FROM sync_pending').pluck().get()).toBe(0);
        // A new device started from any device's snapshot holds the same content.
        const fresh = openDevice(9, () => w.now);
        applyRemoteChanges(fresh.db, [...snapshotChanges(w.devices[ops.length % n]!.db)], fresh.clock, null);
        expect(syncedContentDump(fresh.db)).toBe(dumps[0]);
        fresh.db.close();
        expect(w.unexplained()).toEqual([]);
        expect(w.ignored.every((x) => x === 0)).toBe(true);
        for (const d of w.devices) {
          for (const r of d.db.prepare('SELECT reason, count(*) AS n FROM sync_conflicts GROUP BY reason').all() as { reason: keyof typeof seen; n: number }[]) seen[r.reason] += r.n;
        }
      } finally {
        for (const d of w.devices) d.db.close();
      }
    }),
    { numRuns: RUNS, ...(process.env.CUBBY_PROPERTY_SEED ? { seed: Number(process.env.CUBBY_PROPERTY_SEED), path: process.env.CUBBY_PROPERTY_PATH } : {}) },
  );
  expect(runs).toBeGreaterThanOrEqual(RUNS);
  expect(seen.edit).toBeGreaterThan(0);
  expect(seen.deleted).toBeGreaterThan(0);
  expect(seen.parent_deleted).toBeGreaterThan(0);
}, Math.max(60_000, RUNS * 300));

test('a batch from a device with a clock more than a day ahead is refused and changes nothing', () => {
  const w = new World(2);
  const [a, b] = w.devices as [Device, Device];
  createMemory(a.session, 'x');
  const batch = capture(a);
  const future = batch.map((c) => ({ ...c, f: Object.fromEntries(Object.entries(c.f!).map(([k, fc]) => [k, { ...fc, t: `zzzzzzzzzzz${fc.t.slice(11)}` }])) }));
  const before = contentMap(b);
  expect(() => applyRemoteChanges(b.db, future, b.clock, a.id)).toThrow(expect.objectContaining({ code: 'SYNC_OBJECT_REJECTED' }));
  expect(contentMap(b)).toEqual(before);
});
