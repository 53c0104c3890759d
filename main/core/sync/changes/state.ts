/**
 * Sync's per-row bookkeeping in the vault (sync_rows, sync_dirty, sync_pending) and the reads of
 * synced rows that capture, apply and snapshot share. Statements are prepared once per database.
 */
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../../db/sqlcipher';
import { deviceOfHlc } from './hlc';
import { fieldSelectSql, SPEC_BY_TABLE, type TableSpec } from './tables';
import type { FieldChange, Hlc } from './types';
import { columnKind, hashValue, HASH_LEN, NO_HASH, type ColumnKind, type SqlValue } from './values';

const statements = new WeakMap<Db, Map<string, Statement>>();

export function stmt(db: Db, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

export interface FieldClock {
  t: Hlc;
  p: Hlc | null;
}

/** What this device knows of one synced row. */
export interface RowState {
  /** Per field: the clock of the value last synced, and the clock that value overwrote. */
  clocks: Map<string, FieldClock>;
  /** Per field (spec order): hash of the value last synced, or undefined when unknown. */
  hashes: (string | undefined)[];
  /** Per reference field: the parent's global key last synced (the local column may hold null for a deleted parent). */
  refs: Record<string, string | null>;
  deleted: Hlc | null;
}

export const emptyState = (): RowState => ({ clocks: new Map(), hashes: [], refs: {}, deleted: null });

/** Clocks as stored: the most common [t, p] under '*', the others by field. */
export function encodeClocks(clocks: Map<string, FieldClock>): string {
  let first: FieldClock | undefined;
  let uniform = true;
  for (const c of clocks.values()) {
    if (!first) first = c;
    else if (c.t !== first.t || c.p !== first.p) {
      uniform = false;
      break;
    }
  }
  if (uniform) return first ? JSON.stringify({ '*': first.p ? [first.t, first.p] : [first.t] }) : '{}';
  const counts = new Map<string, number>();
  for (const c of clocks.values()) {
    const k = `${c.t}|${c.p ?? ''}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let common = '';
  let best = 0;
  for (const [k, n] of counts) if (n > best) [common, best] = [k, n];
  const out: Record<string, [Hlc] | [Hlc, Hlc]> = {};
  const pair = (c: FieldClock): [Hlc] | [Hlc, Hlc] => (c.p ? [c.t, c.p] : [c.t]);
  for (const [field, c] of clocks) {
    if (`${c.t}|${c.p ?? ''}` === common) out['*'] = pair(c);
    else out[field] = pair(c);
  }
  return JSON.stringify(out);
}

export function decodeClocks(spec: TableSpec, json: string): Map<string, FieldClock> {
  const raw = JSON.parse(json) as Record<string, [Hlc, Hlc?]>;
  const dflt = raw['*'];
  const out = new Map<string, FieldClock>();
  for (const f of spec.fields) {
    const c = raw[f] ?? dflt;
    if (c) out.set(f, { t: c[0], p: c[1] ?? null });
  }
  return out;
}

/** Clocks by field from a tombstone's `seen` (with its '*' default). */
export function expandSeen(spec: TableSpec, seen: Record<string, Hlc> | undefined): Map<string, Hlc> {
  const out = new Map<string, Hlc>();
  if (!seen) return out;
  for (const f of spec.fields) {
    const c = seen[f] ?? seen['*'];
    if (c) out.set(f, c);
  }
  return out;
}

/** The compact form of a tombstone's `seen`. */
export function compactSeen(clocks: Map<string, FieldClock>): Record<string, Hlc> {
  const counts = new Map<Hlc, number>();
  for (const c of clocks.values()) counts.set(c.t, (counts.get(c.t) ?? 0) + 1);
  let common: Hlc | null = null;
  let best = 0;
  for (const [t, n] of counts) if (n > best) [common, best] = [t, n];
  const out: Record<string, Hlc> = {};
  if (common) out['*'] = common;
  for (const [f, c] of clocks) if (c.t !== common) out[f] = c.t;
  return out;
}

export function stateFromColumns(spec: TableSpec, clocks: string | null, hashes: string | null, refs: string | null, deleted: Hlc | null): RowState | null {
  if (clocks === null) return null;
  const hs: (string | undefined)[] = [];
  if (hashes) {
    for (let i = 0; i < spec.fields.length; i++) {
      const h = hashes.slice(i * HASH_LEN, (i + 1) * HASH_LEN);
      hs.push(h.length === HASH_LEN && h !== NO_HASH ? h : undefined);
    }
  }
  return { clocks: decodeClocks(spec, clocks), hashes: hs, refs: refs ? JSON.parse(refs) : {}, deleted };
}

export function loadState(db: Db, spec: TableSpec, key: string): RowState | null {
  const r = stmt(db, 'SELECT clocks, hashes, refs, deleted_hlc FROM sync_rows WHERE tbl = ? AND key = ?').get(spec.tbl, key) as
    | { clocks: string; hashes: string | null; refs: string | null; deleted_hlc: Hlc | null }
    | undefined;
  return r ? stateFromColumns(spec, r.clocks, r.hashes, r.refs, r.deleted_hlc) : null;
}

export function saveState(db: Db, spec: TableSpec, key: string, s: RowState): void {
  const hashes = s.deleted ? null : spec.fields.map((_, i) => s.hashes[i] ?? NO_HASH).join('');
  const refs = s.deleted || spec.refs.length === 0 ? null : JSON.stringify(s.refs);
  stmt(db, 'INSERT OR REPLACE INTO sync_rows (tbl, key, clocks, hashes, refs, deleted_hlc) VALUES (?, ?, ?, ?, ?, ?)').run(
    spec.tbl,
    key,
    encodeClocks(s.clocks),
    hashes,
    refs,
    s.deleted,
  );
}

export function isDirty(db: Db, spec: TableSpec, key: string): boolean {
  return stmt(db, 'SELECT 1 FROM sync_dirty WHERE tbl = ? AND key = ?').get(spec.tbl, key) !== undefined;
}

export function clearDirty(db: Db, spec: TableSpec, key: string): void {
  stmt(db, 'DELETE FROM sync_dirty WHERE tbl = ? AND key = ?').run(spec.tbl, key);
}

/** The local row of a global key: its rowid and its synced fields as sync sees them. */
export interface LocalRow {
  rowid: number;
  values: Record<string, SqlValue>;
}

export function selectFieldsSql(spec: TableSpec, alias: string): string {
  return spec.fields.map((f) => `${fieldSelectSql(spec, f, alias)} AS "${f}"`).join(', ');
}

export function readLocal(db: Db, spec: TableSpec, key: string): LocalRow | null {
  const parts = spec.key.split(key);
  if (!parts) return null;
  const where = spec.key.columns.map((c) => `t.${c} = ?`).join(' AND ');
  const r = stmt(db, `SELECT t.rowid AS __rowid, ${selectFieldsSql(spec, 't')} FROM ${spec.tbl} t WHERE ${where}`).get(...parts) as
    | (Record<string, SqlValue> & { __rowid: number })
    | undefined;
  if (!r) return null;
  const { __rowid, ...values } = r;
  return { rowid: __rowid, values };
}

/** The local integer id of a row, by its global key (for references stored by integer). */
export function localIdOf(db: Db, spec: TableSpec, column: string, key: string): number | null {
  const parts = spec.key.split(key);
  if (!parts) return null;
  const where = spec.key.columns.map((c) => `${c} = ?`).join(' AND ');
  const v = stmt(db, `SELECT ${column} FROM ${spec.tbl} WHERE ${where}`).pluck().get(...parts) as number | undefined;
  return v ?? null;
}

export function existsLocally(db: Db, tbl: string, key: string): boolean {
  const spec = SPEC_BY_TABLE.get(tbl)!;
  const parts = spec.key.split(key);
  if (!parts) return false;
  const where = spec.key.columns.map((c) => `${c} = ?`).join(' AND ');
  return stmt(db, `SELECT 1 FROM ${spec.tbl} WHERE ${where}`).get(...parts) !== undefined;
}

/**
 * A parent as a child arriving from another device sees it: here, gone for good (tombstoned,
 * or deleted here and not captured yet), or not arrived yet.
 */
export function parentStatus(db: Db, tbl: string, key: string): 'live' | 'gone' | 'unknown' {
  if (existsLocally(db, tbl, key)) return 'live';
  const s = stmt(db, 'SELECT deleted_hlc FROM sync_rows WHERE tbl = ? AND key = ?').get(tbl, key) as { deleted_hlc: Hlc | null } | undefined;
  return s ? 'gone' : 'unknown';
}

/** The clock of a parent's tombstone, when there is one. */
export function tombstoneOf(db: Db, tbl: string, key: string): Hlc | null {
  return (stmt(db, 'SELECT deleted_hlc FROM sync_rows WHERE tbl = ? AND key = ?').pluck().get(tbl, key) as Hlc | null | undefined) ?? null;
}

/** The reference column's global key for a row: from its key columns or from a field. */
export function refValue(spec: TableSpec, column: string, key: string, field: (f: string) => SqlValue | undefined): string | null {
  const i = spec.key.columns.indexOf(column);
  if (i >= 0) return String(spec.key.split(key)?.[i] ?? '');
  const v = field(column);
  return typeof v === 'string' ? v : null;
}

/**
 * A field of a live local row as sync sees it. A reference the schema set to null because its
 * parent was deleted here still counts as the key last synced: every device derives the same
 * null from the same tombstone, so it is not an edit of its own.
 */
export function syncedView(db: Db, spec: TableSpec, state: RowState | null, field: string, local: SqlValue): SqlValue {
  if (local !== null || !state) return local;
  const ref = spec.refs.find((r) => r.column === field && r.onDelete === 'set-null');
  const synced = ref ? state.refs[field] : null;
  if (ref && synced && !existsLocally(db, ref.parent, synced)) return synced;
  return local;
}

/** Whether this device holds a value for the field that it has not captured yet. */
export function locallyChanged(spec: TableSpec, state: RowState | null, i: number, view: SqlValue): boolean {
  const stored = state?.hashes[i];
  return stored === undefined || stored !== hashValue(view);
}

/**
 * Another device's live row (a streaming message, a running run) that this device marked
 * interrupted at unlock: a local view only, never sent, and overwritten by the owner's status.
 */
export function isLocalInterruption(spec: TableSpec, state: RowState | null, values: Record<string, SqlValue>, me: string): boolean {
  const ls = spec.liveStatus;
  if (!ls || !state || state.deleted || values[ls.field] !== ls.interrupted) return false;
  const i = spec.fields.indexOf(ls.field);
  const clock = state.clocks.get(ls.field);
  if (!clock || deviceOfHlc(clock.t) === me) return false;
  return ls.live.some((v) => hashValue(v) === state.hashes[i]);
}

const columnKinds = new WeakMap<Db, Map<string, Map<string, { kind: ColumnKind; notNull: boolean }>>>();

/** Declared kind and NOT NULL of each column, to check values from other devices. */
export function columnsOf(db: Db, tbl: string): Map<string, { kind: ColumnKind; notNull: boolean }> {
  let byTable = columnKinds.get(db);
  if (!byTable) columnKinds.set(db, (byTable = new Map()));
  let cols = byTable.get(tbl);
  if (!cols) {
    cols = new Map();
    for (const c of db.pragma(`table_info(${tbl})`) as { name: string; type: string; notnull: number }[]) {
      cols.set(c.name, { kind: columnKind(c.type), notNull: c.notnull === 1 });
    }
    byTable.set(tbl, cols);
  }
  return cols;
}

export interface PendingRow {
  seq: number;
  fields: Record<string, FieldChange>;
}

export function loadPending(db: Db, spec: TableSpec, key: string): PendingRow | null {
  const r = stmt(db, 'SELECT seq, fields FROM sync_pending WHERE tbl = ? AND key = ?').get(spec.tbl, key) as { seq: number; fields: string } | undefined;
  return r ? { seq: r.seq, fields: JSON.parse(r.fields) } : null;
}

/**
 * Keep a change aside until the parent `waitingFor` (tbl TAB key) arrives, or (null) until the
 * rest of a new row does. `seq` puts a row that was waiting back in its place in the queue.
 */
export function savePending(db: Db, spec: TableSpec, key: string, fields: Record<string, FieldChange>, seq: number | null, waitingFor: string | null): void {
  stmt(db, 'INSERT INTO sync_pending (seq, tbl, key, fields, waiting_for) VALUES (?, ?, ?, ?, ?)').run(seq, spec.tbl, key, JSON.stringify(fields), waitingFor);
}

export function dropPending(db: Db, spec: TableSpec, key: string): void {
  stmt(db, 'DELETE FROM sync_pending WHERE tbl = ? AND key = ?').run(spec.tbl, key);
}

export function pendingCount(db: Db): number {
  return stmt(db, 'SELECT count(*) FROM sync_pending').pluck().get() as number;
}
