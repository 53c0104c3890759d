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

  // Shared agents (issue 10). The definition is here; what a person does with it stays in their
  // vault. A shared credential is sealed under a key of its own from the keychain (keyService),
  // so the catalog key alone does not reveal it. Usage rows hold counts only, never content.
  (db) =>
    db.exec(`
      CREATE TABLE shared_agents (
        id                TEXT PRIMARY KEY,
        owner_id          TEXT REFERENCES users(id) ON DELETE SET NULL,
        name              TEXT NOT NULL,
        description       TEXT NOT NULL DEFAULT '',
        avatar_color      TEXT NOT NULL,
        instructions      TEXT NOT NULL DEFAULT '',
        provider_kind     TEXT NOT NULL CHECK (provider_kind IN ('openai', 'anthropic', 'openai-compatible')),
        base_url          TEXT,
        model             TEXT NOT NULL,
        temperature       REAL,
        max_output_tokens INTEGER,
        memory_access     TEXT NOT NULL DEFAULT 'off' CHECK (memory_access IN ('off', 'read', 'readwrite')),
        credential_sealed BLOB,
        credential_last4  TEXT,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      );
      CREATE INDEX shared_agents_owner ON shared_agents(owner_id);

      -- level: 1 view, 2 use, 3 edit, 4 share, 5 manage. A subject is an account or a group.
      CREATE TABLE agent_grants (
        agent_id     TEXT NOT NULL REFERENCES shared_agents(id) ON DELETE CASCADE,
        subject_type TEXT NOT NULL CHECK (subject_type IN ('user', 'group')),
        subject_id   TEXT NOT NULL,
        level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
        granted_by   TEXT,
        granted_at   INTEGER NOT NULL,
        PRIMARY KEY (agent_id, subject_type, subject_id)
      );
      CREATE INDEX agent_grants_subject ON agent_grants(subject_type, subject_id, agent_id);
      -- A grant goes with its account or group.
      CREATE TRIGGER agent_grants_user_gone AFTER DELETE ON users
        BEGIN DELETE FROM agent_grants WHERE subject_type = 'user' AND subject_id = OLD.id; END;
      CREATE TRIGGER agent_grants_group_gone AFTER DELETE ON groups
        BEGIN DELETE FROM agent_grants WHERE subject_type = 'group' AND subject_id = OLD.id; END;

      -- user_id '*' is the limit for everyone without a limit of their own. NULL: no limit.
      CREATE TABLE agent_quotas (
        agent_id          TEXT NOT NULL REFERENCES shared_agents(id) ON DELETE CASCADE,
        user_id           TEXT NOT NULL,
        messages_per_day  INTEGER,
        tokens_per_month  INTEGER,
        PRIMARY KEY (agent_id, user_id)
      );

      -- Counts per period ('d:2026-11-25', 'm:2026-11'), in the computer's time zone.
      CREATE TABLE agent_usage (
        agent_id TEXT NOT NULL REFERENCES shared_agents(id) ON DELETE CASCADE,
        user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        period   TEXT NOT NULL,
        messages INTEGER NOT NULL DEFAULT 0,
        tokens   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (agent_id, user_id, period)
      );

      -- Who used a shared agent and when: no content, no titles.
      CREATE TABLE agent_access_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        agent_id TEXT NOT NULL REFERENCES shared_agents(id) ON DELETE CASCADE,
        user_id  TEXT,
        at       INTEGER NOT NULL
      );
      CREATE INDEX agent_access_log_agent ON agent_access_log(agent_id, id);
      CREATE INDEX audit_by_target ON audit_events(target_id, id);
    `),
];
