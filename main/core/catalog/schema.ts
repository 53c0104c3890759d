import type { Migration } from '../db/migrations';

/** catalog.db: accounts and who may do what. It never holds user content. */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        status        TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        last_login_at INTEGER,
        -- Key material (wrapped; useless without the password or recovery key and the keychain).
        kdf_params           TEXT,
        kdf_salt             BLOB,
        dek_wrapped_password BLOB,
        dek_wrapped_recovery BLOB
      );

      CREATE TABLE invites (
        id         TEXT PRIMARY KEY,
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash  BLOB NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER,
        attempts   INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX invites_user ON invites(user_id);

      -- Keyed by an HMAC of the lower-cased username, so unknown names back off exactly
      -- like real ones without the catalog keeping what was typed.
      CREATE TABLE login_failures (
        name_key        TEXT PRIMARY KEY,
        failures        INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        locked_until    INTEGER NOT NULL
      );

      CREATE TABLE audit_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,
        actor_id  TEXT,
        action    TEXT NOT NULL,
        target_id TEXT,
        detail    TEXT
      );
      CREATE INDEX audit_by_time ON audit_events(at);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    `),

  // Deleting a user is recorded here in the same transaction as the deletion, and the row goes
  // once the vault files are gone: a crash in between is finished at the next start.
  (db) =>
    db.exec(`
      CREATE TABLE vault_deletions (
        user_id      TEXT PRIMARY KEY,
        requested_at INTEGER NOT NULL
      );
    `),

  // Groups of accounts (an admin's way to address several people at once; shared-agent grants
  // build on them). A membership goes with its group or its account.
  (db) =>
    db.exec(`
      CREATE TABLE groups (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        -- groupNameKey(name): SQLite's NOCASE folds ASCII only, and 'Équipe' must be 'équipe'.
        name_key   TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_members_user ON group_members(user_id);
    `),
];
