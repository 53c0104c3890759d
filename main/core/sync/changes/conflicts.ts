/**
 * Losing versions (issue 12). Merge is last-writer-wins per field; when two devices changed the
 * same field without seeing each other's change, the losing value is kept here, on the device
 * that saw the clash, so the person can put it back. Every loss is recorded (the property tests
 * check that); the conflicts list shows the long texts (`long_text`).
 */
import { CubbyError, notFound } from '../../errors';
import type { Db } from '../../db/sqlcipher';
import { deviceOfHlc, msOfHlc } from './hlc';
import { localIdOf, readLocal, stmt } from './state';
import { SPEC_BY_TABLE, type TableSpec } from './tables';
import type { Hlc, SyncValue } from './types';
import { toSqlValue, toSyncValue } from './values';

export type ConflictReason = 'edit' | 'deleted' | 'parent_deleted';

export interface Loss {
  spec: TableSpec;
  key: string;
  /** '*' for a whole row dropped with its parent. */
  field: string;
  reason: ConflictReason;
  lost: SyncValue | Record<string, SyncValue>;
  lostHlc: Hlc;
  /** null: the winner is an edit made here and not captured yet. */
  winnerHlc: Hlc | null;
}

/** Record a loss once (the same loss seen again, e.g. a batch delivered twice, is not repeated). */
export function recordLoss(db: Db, loss: Loss): boolean {
  const { changes } = stmt(
    db,
    `INSERT OR IGNORE INTO sync_conflicts (tbl, key, field, reason, lost_value, lost_hlc, lost_device, winner_hlc, long_text, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    loss.spec.tbl,
    loss.key,
    loss.field,
    loss.reason,
    JSON.stringify(loss.lost),
    loss.lostHlc,
    deviceOfHlc(loss.lostHlc),
    loss.winnerHlc,
    loss.spec.longText.includes(loss.field) ? 1 : 0,
    Date.now(),
  );
  return changes > 0;
}

export interface ConflictEntry {
  id: number;
  tbl: string;
  key: string;
  field: string;
  reason: ConflictReason;
  longText: boolean;
  /** What it was, in words: 'Agent “Helper”: instructions'. */
  what: string;
  lostValue: SyncValue | Record<string, SyncValue>;
  /** The value in use now; null when the row is gone. Both values are null for a secret's value. */
  currentValue: SyncValue;
  lostDevice: string;
  lostHlc: Hlc;
  winnerHlc: Hlc | null;
  /** When the losing version was written (its clock's wall time). */
  at: number;
}

interface ConflictRow {
  id: number;
  tbl: string;
  key: string;
  field: string;
  reason: ConflictReason;
  lost_value: string;
  lost_hlc: Hlc;
  lost_device: string;
  winner_hlc: Hlc | null;
  long_text: number;
}

const FIELD_WORDS: Record<string, string> = { steps_json: 'steps', inputs_json: 'inputs', text: 'text', '*': 'added while it was deleted elsewhere' };

function describe(db: Db, spec: TableSpec, key: string, field: string): string {
  const name = spec.label.nameColumn ? (readLocal(db, spec, key)?.values[spec.label.nameColumn] ?? null) : null;
  const subject = spec.tbl === 'settings' ? `Setting “${key}”` : typeof name === 'string' && name ? `${spec.label.noun} “${name}”` : spec.label.noun;
  return `${subject}: ${FIELD_WORDS[field] ?? field.replace(/_/g, ' ')}`;
}

function toEntry(db: Db, r: ConflictRow): ConflictEntry {
  const spec = SPEC_BY_TABLE.get(r.tbl)!;
  const hidden = spec.writeOnly?.includes(r.field) ?? false;
  const current = r.field === '*' || hidden ? null : (readLocal(db, spec, r.key)?.values[r.field] ?? null);
  return {
    id: r.id,
    tbl: r.tbl,
    key: r.key,
    field: r.field,
    reason: r.reason,
    longText: r.long_text === 1,
    what: describe(db, spec, r.key, r.field),
    lostValue: hidden ? null : JSON.parse(r.lost_value),
    currentValue: toSyncValue(current),
    lostDevice: r.lost_device,
    lostHlc: r.lost_hlc,
    winnerHlc: r.winner_hlc,
    at: msOfHlc(r.lost_hlc),
  };
}

/** Newest first. `longTextOnly`: the ones the conflicts list shows. */
export function listConflicts(db: Db, opts: { longTextOnly?: boolean; limit?: number } = {}): ConflictEntry[] {
  const rows = stmt(db, `SELECT * FROM sync_conflicts WHERE long_text >= ? ORDER BY id DESC LIMIT ?`).all(
    opts.longTextOnly ? 1 : 0,
    opts.limit ?? 1000,
  ) as ConflictRow[];
  return rows.filter((r) => SPEC_BY_TABLE.has(r.tbl)).map((r) => toEntry(db, r));
}

export function countConflicts(db: Db, opts: { longTextOnly?: boolean } = {}): number {
  return stmt(db, 'SELECT count(*) FROM sync_conflicts WHERE long_text >= ?').pluck().get(opts.longTextOnly ? 1 : 0) as number;
}

/**
 * 'current': forget the losing version. 'lost': write it back as a new edit made here (the next
 * capture sends it to the other devices with a new clock), then forget it. A version lost to a
 * deletion cannot come back: deleted rows stay deleted.
 */
export function resolveConflict(db: Db, id: number, keep: 'current' | 'lost'): void {
  db.transaction(() => {
    const row = stmt(db, 'SELECT * FROM sync_conflicts WHERE id = ?').get(id) as ConflictRow | undefined;
    const spec = row ? SPEC_BY_TABLE.get(row.tbl) : undefined;
    if (!row || !spec) throw notFound('conflict');
    if (keep === 'lost') restore(db, spec, row);
    stmt(db, 'DELETE FROM sync_conflicts WHERE id = ?').run(id);
  })();
}

function restore(db: Db, spec: TableSpec, row: ConflictRow): void {
  if (row.reason !== 'edit') {
    throw new CubbyError('VALIDATION', 'This version was lost to a deletion on another device; deleted items cannot be brought back.');
  }
  let value = toSqlValue(JSON.parse(row.lost_value) as SyncValue);
  const ref = spec.refs.find((r) => r.column === row.field);
  if (ref && typeof value === 'string') {
    const parent = SPEC_BY_TABLE.get(ref.parent)!;
    const localId = ref.parentLocalColumn ? localIdOf(db, parent, ref.parentLocalColumn, value) : readLocal(db, parent, value) ? value : null;
    if (localId === null) throw new CubbyError('VALIDATION', 'What this version pointed to has since been deleted; it cannot be put back.');
    value = localId;
  }
  const local = readLocal(db, spec, row.key);
  if (spec.absentIsNull) {
    const [keyValue] = spec.key.split(row.key)!;
    if (row.field === spec.absentIsNull.presence && value === null) {
      stmt(db, `DELETE FROM ${spec.tbl} WHERE ${spec.key.columns[0]} = ?`).run(keyValue);
      return;
    }
    if (!local) {
      const cols = [spec.key.columns[0]!, ...spec.fields];
      const vals = [keyValue, ...spec.fields.map((f) => (f === row.field ? value : (spec.absentIsNull!.fallback[f] ?? null)))];
      stmt(db, `INSERT INTO ${spec.tbl} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...vals);
      return;
    }
  }
  if (!local) throw new CubbyError('VALIDATION', 'This item has since been deleted; its earlier version cannot be put back.');
  stmt(db, `UPDATE ${spec.tbl} SET ${row.field} = ? WHERE rowid = ?`).run(value, local.rowid);
}
