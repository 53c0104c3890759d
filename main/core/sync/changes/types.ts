/**
 * The change format sync ships between one person's devices (issue 12). Plain data: the
 * protocol layer serializes, encrypts and signs it; nothing here knows about storage or keys.
 */

/**
 * Sortable hybrid logical clock: 11 base-36 chars of ms, '.', 4 base-36 chars of counter, '.',
 * device id (16 hex). Compare as strings. Two devices never produce the same clock.
 */
export type Hlc = string;

/** A column value as it travels: a BLOB as base64. */
export type SyncValue = null | number | string | { b64: string };

/** One field's new value, its clock, and the clock of the value it overwrote (null: a new row). */
export interface FieldChange {
  v: SyncValue;
  t: Hlc;
  p: Hlc | null;
}

/**
 * One row of one synced table, named by its global key (never a local integer id).
 * `f`: changed fields. `del`: the row was deleted (final: keys are never reused); with it,
 * `seen` holds the field clocks the deleting device had, so an edit it had not seen can be
 * recorded as lost to the delete. A key absent from `seen` falls back to `seen['*']`.
 */
export interface RowChange {
  tbl: string;
  key: string;
  f?: Record<string, FieldChange>;
  del?: Hlc;
  seen?: Record<string, Hlc>;
}

export interface ApplyResult {
  /** Rows whose local state changed (written, deleted, or dropped with a deleted parent). */
  applied: number;
  /** Losing versions newly recorded in sync_conflicts. */
  conflicts: number;
  /** Rows kept aside after this call: their parent has not arrived, or only part of a new row has. */
  deferred: number;
  /** Changes for tables or fields this version does not sync, or with values of the wrong type. */
  ignored: number;
}
