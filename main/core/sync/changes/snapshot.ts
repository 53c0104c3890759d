/**
 * The whole synced state as changes (for a new device to start from), the mass-deletion count,
 * and a canonical dump of synced content (tests compare devices with it).
 */
import { hash } from 'node:crypto';
import type { Db } from '../../db/sqlcipher';
import { compactSeen, selectFieldsSql, stateFromColumns, stmt, syncedView } from './state';
import { SYNCED_TABLES, type TableSpec } from './tables';
import type { Hlc, RowChange } from './types';
import { hashValue, toSyncValue, type SqlValue } from './values';

const PAGE = 500;

/** Tombstones in a batch: the lead's engine holds a batch with many of them for the person to confirm. */
export function countDeletions(changes: Iterable<RowChange>): number {
  let n = 0;
  for (const c of changes) if (c.del !== undefined) n++;
  return n;
}

const notLocal = (spec: TableSpec, keySql: string) => (spec.deviceLocal ? ` AND NOT ${spec.deviceLocal.sql(keySql)}` : '');

/**
 * Every synced row with its clocks, every tombstone (with what its device had seen), and the
 * changes still waiting for a parent. Parents come first and rows in their local order, so a
 * device that applies it in order keeps conversations in order. Capture first: a vault with
 * uncaptured changes has no consistent state to give (it throws).
 */
export function* snapshotChanges(db: Db): Generator<RowChange> {
  if (stmt(db, 'SELECT 1 FROM sync_dirty LIMIT 1').get()) throw new Error('Capture the changes made here before taking a snapshot.');
  for (const spec of SYNCED_TABLES) {
    const live = stmt(
      db,
      `SELECT t.rowid AS __rowid, s.key AS __key, s.clocks AS __clocks, s.hashes AS __hashes, s.refs AS __refs, ${selectFieldsSql(spec, 't')}
       FROM ${spec.tbl} t JOIN sync_rows s ON s.tbl = '${spec.tbl}' AND s.key = ${spec.key.expr('t')}
       WHERE t.rowid > ? AND s.deleted_hlc IS NULL${notLocal(spec, spec.key.expr('t'))} ORDER BY t.rowid LIMIT ${PAGE}`,
    );
    for (let after = 0; ; ) {
      const rows = live.all(after) as (Record<string, SqlValue> & { __rowid: number; __key: string; __clocks: string; __hashes: string | null; __refs: string | null })[];
      if (!rows.length) break;
      for (const r of rows) {
        const state = stateFromColumns(spec, r.__clocks, r.__hashes, r.__refs, null)!;
        const f: NonNullable<RowChange['f']> = {};
        for (const field of spec.fields) {
          const c = state.clocks.get(field);
          if (c) f[field] = { v: toSyncValue(syncedView(db, spec, state, field, r[field] ?? null)), t: c.t, p: c.p };
        }
        yield { tbl: spec.tbl, key: r.__key, f };
      }
      after = rows[rows.length - 1]!.__rowid;
    }
    yield* gone(db, spec);
  }
  const waiting = stmt(db, 'SELECT seq, tbl, key, fields FROM sync_pending WHERE seq > ? ORDER BY seq LIMIT 500');
  for (let after = 0; ; ) {
    const rows = waiting.all(after) as { seq: number; tbl: string; key: string; fields: string }[];
    if (!rows.length) break;
    for (const r of rows) yield { tbl: r.tbl, key: r.key, f: JSON.parse(r.fields) };
    after = rows[rows.length - 1]!.seq;
  }
}

/** Tombstones, and (for settings) keys known here whose row is absent. */
function* gone(db: Db, spec: TableSpec): Generator<RowChange> {
  const sql = spec.absentIsNull
    ? `SELECT s.key, s.clocks, s.deleted_hlc FROM sync_rows s WHERE s.tbl = '${spec.tbl}' AND s.key > ?
         AND NOT EXISTS (SELECT 1 FROM ${spec.tbl} t WHERE ${spec.key.match('t', 's.key')}) ORDER BY s.key LIMIT ${PAGE}`
    : `SELECT s.key, s.clocks, s.deleted_hlc FROM sync_rows s WHERE s.tbl = '${spec.tbl}' AND s.key > ? AND s.deleted_hlc IS NOT NULL ORDER BY s.key LIMIT ${PAGE}`;
  for (let after = ''; ; ) {
    const rows = stmt(db, sql).all(after) as { key: string; clocks: string; deleted_hlc: Hlc | null }[];
    if (!rows.length) break;
    for (const r of rows) {
      const state = stateFromColumns(spec, r.clocks, null, null, r.deleted_hlc)!;
      if (spec.absentIsNull) {
        const f: NonNullable<RowChange['f']> = {};
        for (const [field, c] of state.clocks) f[field] = { v: null, t: c.t, p: c.p };
        yield { tbl: spec.tbl, key: r.key, f };
      } else {
        yield { tbl: spec.tbl, key: r.key, del: r.deleted_hlc!, seen: compactSeen(state.clocks) };
      }
    }
    after = rows[rows.length - 1]!.key;
  }
}

/**
 * Synced content as canonical text: every live synced row by global key with its fields as sync
 * sees them (BLOBs by hash), then the deleted keys. Local integer ids do not appear.
 */
export function syncedContentDump(db: Db): string {
  const lines: string[] = [];
  for (const spec of SYNCED_TABLES) {
    const k = spec.key.expr('t');
    const rows = stmt(db, `SELECT ${k} AS __key, ${selectFieldsSql(spec, 't')} FROM ${spec.tbl} t WHERE 1${notLocal(spec, k)} ORDER BY __key`).all() as (Record<
      string,
      SqlValue
    > & { __key: string })[];
    for (const r of rows) {
      const values = spec.fields.map((f) => {
        const v = r[f] ?? null;
        return Buffer.isBuffer(v) ? `blob:${hashValue(v)}` : toSyncValue(v);
      });
      lines.push(`${spec.tbl}\t${r.__key}\t${JSON.stringify(values)}`);
    }
  }
  for (const r of stmt(db, 'SELECT tbl, key FROM sync_rows WHERE deleted_hlc IS NOT NULL ORDER BY tbl, key').all() as { tbl: string; key: string }[]) {
    lines.push(`deleted\t${r.tbl}\t${r.key}`);
  }
  return lines.join('\n');
}

export function syncedContentDigest(db: Db): string {
  return hash('sha256', syncedContentDump(db), 'hex');
}
