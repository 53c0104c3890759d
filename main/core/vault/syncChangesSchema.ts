import type { Db } from '../db/sqlcipher';
import { changeTriggersSql, markAllDirtySql } from '../sync/changes/tables';

/**
 * Vault migration (issue 12): what change capture for sync needs, inside the encrypted vault.
 *
 * - messages and run_logs get a random global `uid` (their integer ids are per device), filled
 *   for existing rows and by a trigger for new ones.
 * - sync_dirty: the global keys of rows changed since the last capture, kept by triggers on
 *   every synced table (sync/changes/tables.ts), so a capture reads only what changed.
 * - sync_rows: per synced row, each field's clock and the clock it overwrote, a short hash of
 *   the value last synced (a capture tells changed fields apart without a second copy of the
 *   content), the parent keys last synced, and the tombstone clock of a deleted row.
 * - sync_pending: changes from other devices waiting for a parent (`waiting_for`, tbl TAB key) or
 *   for the rest of a new row.
 * - sync_conflicts: losing versions, kept so the person can put one back.
 *
 * Every existing synced row starts dirty: the first capture sends the whole vault.
 */
export function syncChangesSchema(db: Db): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN uid TEXT;
    UPDATE messages SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX messages_uid ON messages(uid);
    CREATE TRIGGER messages_uid AFTER INSERT ON messages WHEN NEW.uid IS NULL BEGIN
      UPDATE messages SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
    END;

    ALTER TABLE run_logs ADD COLUMN uid TEXT;
    UPDATE run_logs SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX run_logs_uid ON run_logs(uid);
    CREATE TRIGGER run_logs_uid AFTER INSERT ON run_logs WHEN NEW.uid IS NULL BEGIN
      UPDATE run_logs SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
    END;

    CREATE TABLE sync_dirty (
      tbl TEXT NOT NULL,
      key TEXT NOT NULL,
      PRIMARY KEY (tbl, key)
    ) WITHOUT ROWID;

    CREATE TABLE sync_rows (
      tbl         TEXT NOT NULL,
      key         TEXT NOT NULL,
      clocks      TEXT NOT NULL,
      hashes      TEXT,
      refs        TEXT,
      deleted_hlc TEXT,
      PRIMARY KEY (tbl, key)
    ) WITHOUT ROWID;

    CREATE TABLE sync_pending (
      seq         INTEGER PRIMARY KEY,
      tbl         TEXT NOT NULL,
      key         TEXT NOT NULL,
      fields      TEXT NOT NULL,
      waiting_for TEXT,
      UNIQUE (tbl, key)
    );
    CREATE INDEX sync_pending_parent ON sync_pending(waiting_for) WHERE waiting_for IS NOT NULL;

    CREATE TABLE sync_conflicts (
      id          INTEGER PRIMARY KEY,
      tbl         TEXT NOT NULL,
      key         TEXT NOT NULL,
      field       TEXT NOT NULL,
      reason      TEXT NOT NULL CHECK (reason IN ('edit', 'deleted', 'parent_deleted')),
      lost_value  TEXT NOT NULL,
      lost_hlc    TEXT NOT NULL,
      lost_device TEXT NOT NULL,
      winner_hlc  TEXT,
      long_text   INTEGER NOT NULL DEFAULT 0,
      created_at  INTEGER NOT NULL,
      UNIQUE (tbl, key, field, lost_hlc)
    );
    CREATE INDEX sync_conflicts_shown ON sync_conflicts(long_text, id);
  `);
  db.exec(changeTriggersSql());
  db.exec(markAllDirtySql());
}
