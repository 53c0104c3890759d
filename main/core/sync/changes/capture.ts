/**
 * Change capture (issue 12): the rows marked dirty since the last capture, diffed field by field
 * against the hashes of what was last synced, become RowChanges with new clocks.
 */
import type { Db } from '../../db/sqlcipher';
import type { HybridClock } from './hlc';
import { retryPendingFor } from './apply';
import {
  compactSeen,
  existsLocally,
  isLocalInterruption,
  refValue,
  saveState,
  selectFieldsSql,
  stateFromColumns,
  stmt,
  syncedView,
  type RowState,
} from './state';
import { SYNCED_TABLES, type TableSpec } from './tables';
import type { Hlc, RowChange } from './types';
import { hashValue, toSyncValue, type SqlValue } from './values';

interface DirtyRow extends Record<string, SqlValue> {
  __key: string;
  __rowid: number | null;
  __clocks: string | null;
  __hashes: string | null;
  __refs: string | null;
  __del: Hlc | null;
}

type Plan =
  | { kind: 'fields'; spec: TableSpec; key: string; state: RowState; changed: { field: string; value: SqlValue; hash: string }[] }
  | { kind: 'delete'; spec: TableSpec; key: string; state: RowState; derived: boolean }
  | { kind: 'resurrected'; spec: TableSpec; rowid: number };

function dirtySql(spec: TableSpec): string {
  const local = spec.deviceLocal ? ` AND NOT ${spec.deviceLocal.sql('d.key')}` : '';
  return `SELECT d.key AS __key, t.rowid AS __rowid, ${selectFieldsSql(spec, 't')},
            s.clocks AS __clocks, s.hashes AS __hashes, s.refs AS __refs, s.deleted_hlc AS __del
          FROM sync_dirty d
          LEFT JOIN ${spec.tbl} t ON ${spec.key.match('t', 'd.key')}
          LEFT JOIN sync_rows s ON s.tbl = d.tbl AND s.key = d.key
          WHERE d.tbl = '${spec.tbl}'${local}
          ORDER BY t.rowid`;
}

/**
 * A row deleted here only because its parent was (ON DELETE CASCADE): not sent. Every device
 * derives the same deletion from the parent's tombstone, so a conversation's delete travels as one
 * tombstone, not one per message.
 */
function deletedWithParent(db: Db, spec: TableSpec, key: string, state: RowState): boolean {
  return spec.refs.some((ref) => {
    if (ref.onDelete !== 'cascade') return false;
    const parentKey = refValue(spec, ref.column, key, (f) => state.refs[f] ?? null);
    return parentKey !== null && !existsLocally(db, ref.parent, parentKey);
  });
}

function planRow(db: Db, spec: TableSpec, r: DirtyRow, me: string): Plan | null {
  const state = stateFromColumns(spec, r.__clocks, r.__hashes, r.__refs, r.__del);
  if (state?.deleted) {
    // Keys are never reused, so a deleted row cannot come back; a copy that did is removed again.
    return r.__rowid !== null && !spec.absentIsNull ? { kind: 'resurrected', spec, rowid: r.__rowid } : null;
  }
  if (r.__rowid === null && !spec.absentIsNull) {
    if (!state) return null; // created and deleted between two captures: nobody else ever knew it
    return { kind: 'delete', spec, key: r.__key, state, derived: deletedWithParent(db, spec, r.__key, state) };
  }
  const values: Record<string, SqlValue> = {};
  for (const f of spec.fields) values[f] = r[f] ?? null;
  if (r.__rowid === null && !state) return null; // a setting set and removed between two captures
  if (isLocalInterruption(spec, state, values, me)) return null;
  const changed: { field: string; value: SqlValue; hash: string }[] = [];
  spec.fields.forEach((field, i) => {
    const view = syncedView(db, spec, state, field, values[field]!);
    const hash = hashValue(view);
    if (state?.hashes[i] !== hash) changed.push({ field, value: view, hash });
  });
  const ls = spec.liveStatus;
  if (ls && changed.some((c) => c.field === ls.field)) {
    for (const field of ls.with) {
      if (!changed.some((c) => c.field === field)) changed.push({ field, value: values[field]!, hash: hashValue(values[field]!) });
    }
  }
  return changed.length ? { kind: 'fields', spec, key: r.__key, state: state ?? { clocks: new Map(), hashes: [], refs: {}, deleted: null }, changed } : null;
}

/**
 * Rows changed since the last capture, as changes with one new clock; tombstones for deleted
 * rows. Clears the dirty marks and remembers what was sent. Synchronous, in one transaction
 * (nested in the caller's, which writes the result to its outbox).
 */
export function captureChanges(db: Db, clock: HybridClock): RowChange[] {
  return db.transaction(() => {
    const plans: Plan[] = [];
    for (const spec of SYNCED_TABLES) {
      for (const r of stmt(db, dirtySql(spec)).all() as DirtyRow[]) {
        const plan = planRow(db, spec, r, clock.deviceId);
        if (plan) plans.push(plan);
      }
    }
    // A new clock must sort after every clock it overwrites, even after this computer's clock went back.
    for (const plan of plans) {
      if (plan.kind === 'resurrected') continue;
      for (const c of plan.state.clocks.values()) clock.advancePast(c.t);
    }
    const t = plans.length ? clock.tick() : null;
    const out: RowChange[] = [];
    for (const plan of plans) {
      if (plan.kind === 'resurrected') {
        stmt(db, `DELETE FROM ${plan.spec.tbl} WHERE rowid = ?`).run(plan.rowid);
        continue;
      }
      const { spec, key, state } = plan;
      if (plan.kind === 'delete') {
        const seen = compactSeen(state.clocks);
        state.deleted = t!;
        saveState(db, spec, key, state);
        if (!plan.derived) out.push({ tbl: spec.tbl, key, del: t!, seen });
        continue;
      }
      const f: NonNullable<RowChange['f']> = {};
      for (const { field, value, hash } of plan.changed) {
        const p = state.clocks.get(field)?.t ?? null;
        f[field] = { v: toSyncValue(value), t: t!, p };
        state.clocks.set(field, { t: t!, p });
        state.hashes[spec.fields.indexOf(field)] = hash;
        if (spec.refs.some((ref) => ref.column === field)) state.refs[field] = typeof value === 'string' ? value : null;
      }
      saveState(db, spec, key, state);
      out.push({ tbl: spec.tbl, key, f });
    }
    stmt(db, 'DELETE FROM sync_dirty').run();
    retryPendingFor(db, clock, plans.filter((p) => p.kind === 'delete').map((p) => `${p.spec.tbl}\t${(p as { key: string }).key}`));
    return out;
  })();
}
