/**
 * Which vault tables and columns sync (issue 12), the migration that adds change capture to an
 * existing vault (a real SQLCipher file), and how apply treats values it cannot accept.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { migrate } from '../../main/core/db/migrations';
import { openEncrypted } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { applyRemoteChanges, captureChanges, HybridClock, NOT_SYNCED, SYNCED_TABLES, syncedContentDump } from '../../main/core/sync/changes';
import { syncChangesSchema } from '../../main/core/vault/syncChangesSchema';
import { VAULT_MIGRATIONS } from '../../main/core/vault/schema';
import { removeDir, tempDataDir } from '../helpers/env';
import { capture, count, openDevice, openVaultDb } from './changesWorld';

const dir = tempDataDir('cubby-sync-changes-');
afterAll(() => removeDir(dir));

/** Columns of synced tables that stay on the device, with the reason. */
const LOCAL_COLUMNS: Record<string, string[]> = {
  conversations: ['seq'], // local integer order / FTS rowid
  messages: ['id'], // local integer id (paging cursor, FTS rowid)
  memory_facts: ['seq'],
  workflows: ['last_tick_at'], // when this computer's scheduler last looked
  runs: ['seq'],
  run_logs: ['id'],
};

describe('what syncs', () => {
  test('every vault table is either synced or listed as not synced with a reason (sync_* tables are sync’s own)', () => {
    const db = openVaultDb();
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]).filter(
      (t) => !Object.keys(NOT_SYNCED).some((fts) => fts.endsWith('_fts') && t.startsWith(`${fts}_`)), // FTS5 shadow tables
    );
    const unclassified = tables.filter((t) => !SYNCED_TABLES.some((s) => s.tbl === t) && !(t in NOT_SYNCED) && !t.startsWith('sync_'));
    expect(unclassified).toEqual([]);
    for (const t of Object.keys(NOT_SYNCED)) expect(SYNCED_TABLES.some((s) => s.tbl === t)).toBe(false);
  });

  test('every column of a synced table is synced, part of its key, or listed as local', () => {
    const db = openVaultDb();
    for (const spec of SYNCED_TABLES) {
      const columns = (db.pragma(`table_info(${spec.tbl})`) as { name: string }[]).map((c) => c.name).sort();
      const classified = [...spec.key.columns, ...spec.fields, ...(LOCAL_COLUMNS[spec.tbl] ?? [])].sort();
      expect(columns, spec.tbl).toEqual(classified);
    }
  });
});

describe('migrating an existing vault', () => {
  test('rows written before sync existed get global ids and all go out in the first capture', () => {
    const key = randomBytes(32);
    const db = openEncrypted(join(dir, 'old.db'), key, () => new CubbyError('INTERNAL', 'bad key'));
    migrate(db, VAULT_MIGRATIONS.slice(0, VAULT_MIGRATIONS.indexOf(syncChangesSchema)), 'vault');
    db.exec(`
      INSERT INTO settings (key, value, updated_at) VALUES ('notes', 'n', 1), ('lock.idleMinutes', '5', 1);
      INSERT INTO agents (id, name, avatar_color, created_at, updated_at) VALUES ('ag1', 'Old agent', '#000', 1, 1);
      INSERT INTO conversations (id, title, agent_id, agent_name, created_at, updated_at) VALUES ('c1', 'Old', 'ag1', 'Old agent', 1, 1);
      INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES ('c1', 'user', 'one', 'complete', 1, 1), ('c1', 'assistant', 'two', 'complete', 2, 2);
      INSERT INTO attachments (id, message_id, kind, name, mime, bytes, size, created_at) VALUES ('at1', 1, 'text', 'a.txt', 'text/plain', x'6869', 2, 1);
      INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'W', 1, 1);
      INSERT INTO runs (id, workflow_id, workflow_name, status, trigger, created_at) VALUES ('r1', 'w1', 'W', 'succeeded', 'now', 1);
      INSERT INTO run_logs (run_id, at, level, message) VALUES ('r1', 1, 'info', 'a'), ('r1', 2, 'info', 'b');
    `);
    migrate(db, VAULT_MIGRATIONS, 'vault');
    for (const t of ['messages', 'run_logs']) {
      expect(count(db, `SELECT count(DISTINCT uid) FROM ${t} WHERE uid GLOB '[0-9a-f]*' AND length(uid) = 32`)).toBe(2);
    }
    const a = openDevice(0, Date.now, 0, db);
    const batch = capture(a);
    expect(batch.map((c) => `${c.tbl}:${c.tbl === 'messages' || c.tbl === 'run_logs' ? 'uid' : c.key}`).sort()).toEqual(
      ['agents:ag1', 'attachments:at1', 'conversations:c1', 'messages:uid', 'messages:uid', 'run_logs:uid', 'run_logs:uid', 'runs:r1', 'settings:notes', 'workflows:w1'].sort(),
    );
    const b = openDevice(1);
    applyRemoteChanges(b.db, batch, b.clock, a.id);
    expect(syncedContentDump(b.db)).toBe(syncedContentDump(db));
    // A message written after the migration gets its uid from the trigger and is captured.
    db.prepare("INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES ('c1', 'user', 'three', 'complete', 3, 3)").run();
    expect(captureChanges(db, a.clock).map((c) => c.f?.content?.v)).toEqual(['three']);
    db.close();
  });
});

describe('what apply refuses', () => {
  const fresh = () => {
    const a = openDevice(0);
    const b = openDevice(1);
    return { a, b, t: a.clock.tick() };
  };

  test('a value of the wrong type or one the schema refuses leaves nothing of its row behind', () => {
    const { a, b, t } = fresh();
    const convFields = (title: unknown) => ({
      title: { v: title, t, p: null },
      agent_id: { v: null, t, p: null },
      agent_name: { v: 'x', t, p: null },
      shared_agent_id: { v: null, t, p: null },
      pinned: { v: 0, t, p: null },
      created_at: { v: 1, t, p: null },
      updated_at: { v: 1, t, p: null },
    });
    const wrongType = applyRemoteChanges(b.db, [{ tbl: 'conversations', key: 'c1', f: convFields(42) as never }], b.clock, a.id);
    expect(wrongType.ignored).toBe(1);
    const msg = { conversation_id: 'c2', role: 'robot', content: 'x', model: null, input_tokens: null, output_tokens: null, ttft_ms: null, total_ms: null, status: 'complete', error_code: null, tool_calls_json: null, created_at: 1, updated_at: 1 };
    const refused = applyRemoteChanges(
      b.db,
      [
        { tbl: 'conversations', key: 'c2', f: convFields('ok') as never },
        { tbl: 'messages', key: 'm1', f: Object.fromEntries(Object.entries(msg).map(([k, v]) => [k, { v, t, p: null }])) },
        { tbl: 'no_such_table', key: 'k', f: { x: { v: 1, t, p: null } } },
      ],
      b.clock,
      a.id,
    );
    expect(refused).toMatchObject({ applied: 1, ignored: 2, deferred: 0 });
    expect(count(b.db, 'SELECT count(*) FROM messages')).toBe(0);
    expect(count(b.db, "SELECT count(*) FROM sync_rows WHERE tbl IN ('messages', 'conversations')")).toBe(1);
    expect(count(b.db, "SELECT count(*) FROM conversations WHERE id = 'c1'")).toBe(0);
  });

  test('a malformed batch, or one carrying clocks of a device other than its sender, is refused whole before anything is written', () => {
    const { a, b, t } = fresh();
    const ok = { tbl: 'settings', key: 'notes', f: { value: { v: 'x', t, p: null }, updated_at: { v: 1, t, p: null } } };
    const other = new HybridClock('00000000000000ff').tick();
    const older = new HybridClock('00000000000000ff', () => Date.now() - 10_000).tick();
    const bad = [
      [ok, { tbl: 'settings', key: 'k', f: { value: { v: 'x', t: 'nonsense', p: null } } }],
      [ok, { tbl: 'settings', key: 'k', f: { value: { v: 'x', t, p: t } } }], // overwrites a clock not older than itself
      [ok, { tbl: 'settings', key: 'k', f: { value: { v: { b64: '***' }, t, p: null } } }],
      [ok, { tbl: 'settings', key: 'k', f: { value: { v: 'x', t: other, p: null } } }],
      [ok, { tbl: 'settings', key: 'k' }],
      // Another device's clock first as an overwritten clock, then as the sender's own.
      [{ tbl: 'settings', key: 'k', f: { value: { v: 'x', t, p: older }, updated_at: { v: 1, t: older, p: null } } }],
      [{ tbl: 'agents', key: 'g', del: t, seen: { '*': new HybridClock('00000000000000ee', () => Date.now() + 3 * 86_400_000).tick() } }],
    ];
    for (const batch of bad) {
      expect(() => applyRemoteChanges(b.db, batch as never, b.clock, a.id)).toThrow(expect.objectContaining({ code: 'SYNC_OBJECT_REJECTED' }));
    }
    expect(count(b.db, 'SELECT count(*) FROM settings')).toBe(0);
    expect(count(b.db, 'SELECT count(*) FROM sync_rows')).toBe(0);
    // The same clock of another device is fine in a snapshot (no sender).
    expect(applyRemoteChanges(b.db, [{ ...ok, f: { value: { v: 'x', t: other, p: null }, updated_at: { v: 1, t: other, p: null } } }], b.clock, null).applied).toBe(1);
  });
});
