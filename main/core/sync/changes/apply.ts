/**
 * Applying other devices' changes (issue 12): per-field last-writer-wins by clock, final
 * tombstones, children kept aside until their parent arrives, and every loss recorded.
 *
 * Which losses are recorded. A change R (clock t, overwriting clock p) meets this device's
 * value L for the same field:
 *  - R newer than L: R wins. L is recorded as lost unless R's writer had seen it (R.p = L.t).
 *    When R.p is newer than L, R's writer had seen something newer, so L was not necessarily
 *    unseen; it is then recorded only where L was written (this device), which is where every
 *    value is certain to be judged: a value that is not final leaves its own device through a
 *    change that either overwrote it knowingly or is recorded there.
 *  - R older than L: L wins. R is recorded unless L's writer had seen it (L.p = R.t) or had
 *    seen something newer (L.p > R.t).
 *  - An edit made here and not captured yet beats whatever arrives (it will be sent with a
 *    newer clock); a differing arrival is recorded.
 *  - A delete beats every edit. Values the deleting device had not seen (newer than its `seen`
 *    clocks) are recorded, except in insert-only tables (messages, attachments, run steps and
 *    logs), whose rows go with their parent and whose edits are their writer's own progress.
 * Applying writes the rows and the clocks together and clears the dirty marks it caused, so the
 * next capture does not send them back. Effects of the schema's ON DELETE on other rows stay
 * marked: capture treats them as derived from the tombstone (not sent).
 */
import type { Db } from '../../db/sqlcipher';
import { recordLoss } from './conflicts';
import { checkBatch } from './batch';
import { deviceOfHlc, type HybridClock } from './hlc';
import {
  clearDirty,
  columnsOf,
  dropPending,
  emptyState,
  expandSeen,
  isDirty,
  isLocalInterruption,
  loadPending,
  loadState,
  localIdOf,
  locallyChanged,
  parentStatus,
  pendingCount,
  readLocal,
  refValue,
  savePending,
  saveState,
  stmt,
  syncedView,
  tombstoneOf,
  type RowState,
} from './state';
import { SPEC_BY_TABLE, type TableSpec } from './tables';
import type { ApplyResult, FieldChange, Hlc, RowChange, SyncValue } from './types';
import { fitsColumn, hashValue, sameValue, toSqlValue, type SqlValue } from './values';

type Fields = Record<string, FieldChange>;

/**
 * Apply a batch of another device's changes (or, with `fromDevice` null, a snapshot, whose
 * clocks come from every device). Idempotent; the end state does not depend on the order in
 * which different devices' batches arrive. Throws SYNC_OBJECT_REJECTED, before writing
 * anything, for a malformed batch or a clock more than a day ahead.
 */
export function applyRemoteChanges(db: Db, changes: readonly RowChange[], clock: HybridClock, fromDevice: string | null): ApplyResult {
  checkBatch(changes, fromDevice, clock);
  return db.transaction(() => {
    const run = new ApplyRun(db, clock);
    for (const c of changes) run.change(c);
    run.retryPending();
    return { ...run.counts, deferred: pendingCount(db) };
  })();
}

/**
 * Rows kept aside for a parent that was just deleted here (captured as a tombstone now): they go
 * with it, as they would had they arrived after the tombstone. Without this they wait forever.
 */
export function retryPendingFor(db: Db, clock: HybridClock, parents: readonly string[]): void {
  if (!parents.length || !pendingCount(db)) return;
  const run = new ApplyRun(db, clock);
  run.parentsChanged(parents);
  run.retryPending();
}

class ApplyRun {
  readonly counts = { applied: 0, conflicts: 0, ignored: 0 };
  private readonly me: string;
  private localEditClock: Hlc | null = null;
  /** Rows that appeared or were deleted in this batch (tbl TAB key): children may wait for them. */
  private readonly arrived = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
  ) {
    this.me = clock.deviceId;
  }

  /**
   * One row, all or nothing: a row the schema refuses (a value this version does not accept) is
   * counted as ignored and changes nothing; anything else aborts the batch.
   */
  change(c: RowChange): void {
    try {
      this.db.transaction(() => this.changeRow(c))();
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT'))) throw e;
      this.counts.ignored++;
    }
  }

  private changeRow(c: RowChange): void {
    const spec = SPEC_BY_TABLE.get(c.tbl);
    if (!spec || !spec.key.split(c.key) || spec.deviceLocal?.test(c.key)) {
      this.counts.ignored++;
      return;
    }
    if (c.del !== undefined) {
      if (spec.absentIsNull) this.counts.ignored++;
      else this.tombstone(spec, c.key, c.del, expandSeen(spec, c.seen));
      return;
    }
    const fields: Fields = {};
    let unknown = false;
    for (const [f, fc] of Object.entries(c.f!)) {
      if (!spec.fields.includes(f)) unknown = true;
      else if (!this.fits(spec, f, fc.v)) {
        this.counts.ignored++;
        return;
      } else fields[f] = { v: fc.v, t: fc.t, p: fc.p };
    }
    if (unknown) this.counts.ignored++;
    if (Object.keys(fields).length) this.fields(spec, c.key, fields, null);
  }

  private fits(spec: TableSpec, field: string, v: SyncValue): boolean {
    const col = columnsOf(this.db, spec.tbl).get(field);
    if (!col) return false;
    if (v === null) return !col.notNull || spec.absentIsNull !== undefined;
    // A reference travels as the parent's global key, even where the column holds a local integer id.
    if (spec.refs.some((r) => r.column === field)) return typeof v === 'string';
    return fitsColumn(v, col.kind);
  }

  private loss(spec: TableSpec, key: string, field: string, reason: 'edit' | 'deleted' | 'parent_deleted', lost: SyncValue | Record<string, SyncValue>, lostHlc: Hlc, winnerHlc: Hlc | null): void {
    if (recordLoss(this.db, { spec, key, field, reason, lost, lostHlc, winnerHlc })) this.counts.conflicts++;
  }

  /** The clock a lost, not yet captured edit made here is recorded under. */
  private localClock(): Hlc {
    return (this.localEditClock ??= this.clock.tick());
  }

  /** Field changes for one row. `seq`: its place in the queue when it comes from sync_pending. */
  private fields(spec: TableSpec, key: string, incoming: Fields, seq: number | null): 'done' | 'pending' {
    const db = this.db;
    if (seq === null) {
      const waiting = loadPending(db, spec, key);
      if (waiting) {
        incoming = this.mergeWaiting(spec, key, waiting.fields, incoming);
        dropPending(db, spec, key);
        seq = waiting.seq;
      }
    }
    const state = loadState(db, spec, key);
    const local = readLocal(db, spec, key);
    if (state && (state.deleted || (!local && !spec.absentIsNull))) {
      this.afterDelete(spec, key, state, incoming);
      return 'done';
    }
    if (!local && !state) return this.newRow(spec, key, incoming, seq);

    // A live row (or a setting this device knows, present or not).
    const values: Record<string, SqlValue> = local?.values ?? Object.fromEntries(spec.fields.map((f) => [f, null]));
    const interrupted = isLocalInterruption(spec, state, values, this.me);
    for (const [f, r] of Object.entries(incoming)) {
      const ref = spec.refs.find((x) => x.column === f);
      const l = state?.clocks.get(f);
      if (ref && typeof r.v === 'string' && (!l || r.t > l.t) && parentStatus(db, ref.parent, r.v) === 'unknown') {
        savePending(db, spec, key, incoming, seq, `${ref.parent}\t${r.v}`);
        return 'pending';
      }
    }
    const st = state ?? emptyState();
    const writes: Record<string, SyncValue> = {};
    let changed = false;
    for (const [f, r] of Object.entries(incoming)) {
      const i = spec.fields.indexOf(f);
      const l = st.clocks.get(f);
      if (l?.t === r.t) continue;
      const view = syncedView(db, spec, state, f, values[f] ?? null);
      const uncaptured = !interrupted && locallyChanged(spec, state, i, view);
      if (uncaptured && (!l || r.t > l.t)) {
        // Made here after everything this device has seen: it wins, and goes out with a newer clock.
        if (!sameValue(view, r.v)) this.loss(spec, key, f, 'edit', r.v, r.t, null);
        this.adopt(spec, st, f, r);
        changed = true;
      } else if (!l || r.t > l.t) {
        if (l && !interrupted && !sameValue(view, r.v) && r.p !== l.t && (r.p === null || r.p < l.t || deviceOfHlc(l.t) === this.me)) {
          this.loss(spec, key, f, 'edit', valueOf(view), l.t, r.t);
        }
        writes[f] = r.v;
        this.adopt(spec, st, f, r);
        changed = true;
      } else if ((l.p === null || l.p < r.t) && !sameValue(view, r.v)) {
        this.loss(spec, key, f, 'edit', r.v, r.t, l.t);
      }
    }
    if (Object.keys(writes).length) this.write(spec, key, local?.rowid ?? null, values, writes);
    if (changed) {
      saveState(db, spec, key, st);
      this.counts.applied++;
    }
    return 'done';
  }

  private adopt(spec: TableSpec, st: RowState, f: string, r: FieldChange): void {
    st.clocks.set(f, { t: r.t, p: r.p });
    st.hashes[spec.fields.indexOf(f)] = hashValue(r.v);
    if (spec.refs.some((x) => x.column === f)) st.refs[f] = typeof r.v === 'string' ? r.v : null;
  }

  /** Two waiting changes for the same row: the newer per field; a loss as in `fields`. */
  private mergeWaiting(spec: TableSpec, key: string, waiting: Fields, incoming: Fields): Fields {
    const out: Fields = { ...waiting };
    for (const [f, r] of Object.entries(incoming)) {
      const w = out[f];
      if (!w || w.t === r.t) {
        out[f] = w ?? r;
        continue;
      }
      const [win, lose] = r.t > w.t ? [r, w] : [w, r];
      if ((win.p === null || win.p < lose.t) && !sameValue(win.v, lose.v)) this.loss(spec, key, f, 'edit', lose.v, lose.t, win.t);
      out[f] = win;
    }
    return out;
  }

  /** Edits of a row deleted here (a tombstone, or a delete not captured yet): the delete wins. */
  private afterDelete(spec: TableSpec, key: string, state: RowState, incoming: Fields): void {
    let changed = false;
    for (const [f, r] of Object.entries(incoming)) {
      const l = state.clocks.get(f);
      if (l && r.t <= l.t) continue;
      if (!spec.insertOnly) this.loss(spec, key, f, 'deleted', r.v, r.t, state.deleted);
      state.clocks.set(f, { t: r.t, p: r.p });
      changed = true;
    }
    if (changed) saveState(this.db, spec, key, state);
  }

  /** A row this device has never had: whole, with its parents here, or it waits. */
  private newRow(spec: TableSpec, key: string, incoming: Fields, seq: number | null): 'done' | 'pending' {
    const db = this.db;
    if (!spec.fields.every((f) => f in incoming)) {
      savePending(db, spec, key, incoming, seq, null);
      return 'pending';
    }
    const local: Record<string, SqlValue> = {};
    for (const f of spec.fields) local[f] = toSqlValue(incoming[f]!.v);
    let goneWith: Hlc | null | undefined;
    for (const ref of spec.refs) {
      const parentKey = refValue(spec, ref.column, key, (f) => (incoming[f]?.v ?? null) as SqlValue);
      if (parentKey === null) continue;
      const status = parentStatus(db, ref.parent, parentKey);
      if (status === 'unknown') {
        savePending(db, spec, key, incoming, seq, `${ref.parent}\t${parentKey}`);
        return 'pending';
      }
      if (status === 'gone' && ref.onDelete === 'cascade') goneWith = tombstoneOf(db, ref.parent, parentKey);
      else if (status === 'gone') local[ref.column] = null;
      else if (ref.parentLocalColumn) local[ref.column] = localIdOf(db, SPEC_BY_TABLE.get(ref.parent)!, ref.parentLocalColumn, parentKey);
    }
    const st = emptyState();
    for (const f of spec.fields) this.adopt(spec, st, f, incoming[f]!);
    if (goneWith !== undefined) {
      // Its parent was deleted: the row goes with it, as it would have here.
      const lost: Record<string, SyncValue> = {};
      for (const f of spec.fields) lost[f] = typeof incoming[f]!.v === 'object' && incoming[f]!.v !== null ? null : incoming[f]!.v;
      const newest = spec.fields.map((f) => incoming[f]!.t).reduce((a, b) => (a > b ? a : b));
      this.loss(spec, key, '*', 'parent_deleted', lost, newest, goneWith);
      st.deleted = goneWith ?? newest;
    } else if (!spec.absentIsNull || local[spec.absentIsNull.presence] !== null) {
      this.insert(spec, key, local);
    }
    saveState(db, spec, key, st);
    this.counts.applied++;
    this.arrived.add(`${spec.tbl}\t${key}`);
    return 'done';
  }

  private insert(spec: TableSpec, key: string, local: Record<string, SqlValue>): void {
    const cols = [...spec.key.columns, ...spec.fields.filter((f) => !spec.key.columns.includes(f))];
    const keyParts = spec.key.split(key)!;
    const vals = cols.map((c, i) => (i < spec.key.columns.length ? keyParts[i]! : (local[c] ?? spec.absentIsNull?.fallback[c] ?? null)));
    this.quietly(spec, key, () => stmt(this.db, `INSERT INTO ${spec.tbl} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...vals));
  }

  /** Write winning values into a live row; references follow their parent's state here. */
  private write(spec: TableSpec, key: string, rowid: number | null, current: Record<string, SqlValue>, writes: Record<string, SyncValue>): void {
    const db = this.db;
    const set: Record<string, SqlValue> = {};
    for (const [f, v] of Object.entries(writes)) {
      set[f] = toSqlValue(v);
      const ref = spec.refs.find((r) => r.column === f);
      if (!ref || typeof v !== 'string') continue;
      const status = parentStatus(db, ref.parent, v);
      if (status === 'gone' && ref.onDelete === 'cascade') {
        if (rowid !== null) this.quietly(spec, key, () => stmt(db, `DELETE FROM ${spec.tbl} WHERE rowid = ?`).run(rowid));
        return;
      }
      if (status === 'gone') set[f] = null;
      else if (ref.parentLocalColumn) set[f] = localIdOf(db, SPEC_BY_TABLE.get(ref.parent)!, ref.parentLocalColumn, v);
    }
    const presence = spec.absentIsNull?.presence;
    if (presence && (presence in set ? set[presence] : current[presence]) === null) {
      if (rowid !== null) this.quietly(spec, key, () => stmt(db, `DELETE FROM ${spec.tbl} WHERE rowid = ?`).run(rowid));
      return;
    }
    if (rowid === null) {
      this.insert(spec, key, { ...current, ...set });
      return;
    }
    const cols = Object.keys(set);
    this.quietly(spec, key, () =>
      stmt(db, `UPDATE ${spec.tbl} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`).run(...cols.map((c) => set[c]!), rowid),
    );
  }

  /** A write made by applying: the dirty mark it leaves on its own row is not a local change. */
  private quietly(spec: TableSpec, key: string, write: () => unknown): void {
    const wasDirty = isDirty(this.db, spec, key);
    write();
    if (!wasDirty) clearDirty(this.db, spec, key);
  }

  private tombstone(spec: TableSpec, key: string, del: Hlc, seen: Map<string, Hlc>): void {
    const db = this.db;
    const unseen = (f: string, t: Hlc) => !seen.has(f) || t > seen.get(f)!;
    const waiting = loadPending(db, spec, key);
    if (waiting) {
      for (const [f, r] of Object.entries(waiting.fields)) {
        if (!spec.insertOnly && unseen(f, r.t)) this.loss(spec, key, f, 'deleted', r.v, r.t, del);
      }
      dropPending(db, spec, key);
    }
    const state = loadState(db, spec, key);
    const local = state?.deleted ? null : readLocal(db, spec, key);
    if (local) {
      const interrupted = isLocalInterruption(spec, state, local.values, this.me);
      spec.fields.forEach((f, i) => {
        if (spec.insertOnly) return;
        const view = syncedView(db, spec, state, f, local.values[f] ?? null);
        const l = state?.clocks.get(f);
        if (!interrupted && locallyChanged(spec, state, i, view)) this.loss(spec, key, f, 'deleted', valueOf(view), this.localClock(), del);
        else if (l && unseen(f, l.t)) this.loss(spec, key, f, 'deleted', valueOf(view), l.t, del);
      });
      this.quietly(spec, key, () => stmt(db, `DELETE FROM ${spec.tbl} WHERE rowid = ?`).run(local.rowid));
    }
    const st = state ?? emptyState();
    let changed = !st.deleted || del < st.deleted;
    st.deleted = st.deleted && st.deleted < del ? st.deleted : del;
    for (const [f, t] of seen) {
      const l = st.clocks.get(f);
      if (!l || t > l.t) {
        st.clocks.set(f, { t, p: null });
        changed = true;
      }
    }
    if (changed) {
      saveState(db, spec, key, st);
      this.counts.applied++;
    }
    this.arrived.add(`${spec.tbl}\t${key}`);
  }

  parentsChanged(parents: readonly string[]): void {
    for (const p of parents) this.arrived.add(p);
  }

  /** Rows kept aside for a parent that has now arrived (or been deleted): again, in their order. */
  retryPending(): void {
    while (this.arrived.size) {
      const parents = JSON.stringify([...this.arrived]);
      this.arrived.clear();
      const rows = stmt(
        this.db,
        'SELECT seq, tbl, key, fields FROM sync_pending WHERE waiting_for IN (SELECT value FROM json_each(?)) ORDER BY seq',
      ).all(parents) as { seq: number; tbl: string; key: string; fields: string }[];
      for (const r of rows) {
        const spec = SPEC_BY_TABLE.get(r.tbl)!;
        dropPending(this.db, spec, r.key);
        this.fields(spec, r.key, JSON.parse(r.fields), r.seq);
      }
    }
  }
}

function valueOf(v: SqlValue): SyncValue {
  if (Buffer.isBuffer(v)) return { b64: v.toString('base64') };
  return typeof v === 'bigint' ? Number(v) : v;
}
