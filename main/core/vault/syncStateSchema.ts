import type { Db } from '../db/sqlcipher';

/**
 * Vault migration (issue 12): what sync keeps on this device and never syncs. The storage
 * target with its credentials, this device's identity and keys (wrapped by a key derived from
 * the DEK, inside the encrypted vault), the key of each epoch, the other devices with the last
 * position read from each, sealed segments waiting for upload, objects set aside, pairing in
 * progress and a held mass deletion.
 */
export function syncStateSchema(db: Db): void {
  db.exec(`
    CREATE TABLE sync_config (
      id           INTEGER PRIMARY KEY CHECK (id = 1),
      target_json  TEXT NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('joining', 'active', 'removed')),
      paused       INTEGER NOT NULL DEFAULT 0,
      vault_id     TEXT,
      device_id    TEXT NOT NULL,
      device_name  TEXT NOT NULL,
      device_keys  BLOB NOT NULL,
      recovery_sign_public BLOB,
      recovery_box_public  BLOB,
      epoch        INTEGER NOT NULL DEFAULT 0,
      seq          INTEGER NOT NULL DEFAULT 0,
      last_hash    TEXT NOT NULL DEFAULT '',
      compacted_through INTEGER NOT NULL DEFAULT 0,
      snapshot_json TEXT,
      first_sync_done INTEGER NOT NULL DEFAULT 0,
      last_sync_at INTEGER,
      join_json    TEXT,
      created_at   INTEGER NOT NULL
    );
    CREATE TABLE sync_epoch_keys (
      epoch   INTEGER PRIMARY KEY,
      wrapped BLOB NOT NULL
    );
    CREATE TABLE sync_devices (
      id             TEXT PRIMARY KEY,
      name           TEXT NOT NULL,
      sign_public    BLOB NOT NULL,
      box_public     BLOB NOT NULL,
      added_at       INTEGER NOT NULL,
      removed_epoch  INTEGER,
      removed_after  INTEGER,
      removed_statements INTEGER,
      removed_hash   TEXT,
      statements_seen INTEGER NOT NULL DEFAULT 0,
      statement_hash TEXT NOT NULL DEFAULT '',
      seen_seq       INTEGER NOT NULL DEFAULT 0,
      seen_hash      TEXT NOT NULL DEFAULT '',
      seen_epoch     INTEGER NOT NULL DEFAULT 0,
      head_seq       INTEGER NOT NULL DEFAULT 0,
      head_json      TEXT,
      last_heard_at  INTEGER,
      blocked_code   TEXT
    );
    CREATE TABLE sync_outbox (
      seq   INTEGER PRIMARY KEY,
      name  TEXT NOT NULL,
      bytes BLOB NOT NULL
    );
    CREATE TABLE sync_statements_seen (
      name TEXT PRIMARY KEY
    );
    CREATE TABLE sync_quarantine (
      name      TEXT NOT NULL,
      digest    TEXT NOT NULL,
      code      TEXT NOT NULL,
      message   TEXT NOT NULL,
      at        INTEGER NOT NULL,
      dismissed INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (name, digest)
    );
    CREATE TABLE sync_pairing (
      id         TEXT PRIMARY KEY,
      state_json TEXT NOT NULL,
      code       TEXT,
      device_name TEXT,
      at         INTEGER NOT NULL
    );
    CREATE TABLE sync_held (
      device_id TEXT PRIMARY KEY,
      seq       INTEGER NOT NULL,
      count     INTEGER NOT NULL,
      decision  TEXT CHECK (decision IN ('apply', 'discard'))
    );
  `);
}
