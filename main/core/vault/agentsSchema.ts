import type { Db } from '../db/sqlcipher';

/**
 * Vault migration 2 (issue 9): agents, provider connections, secrets, conversations, messages,
 * attachments, memory, and their full-text indexes. Everything lives in the SQLCipher vault:
 * attachments and secret values are BLOBs, never files.
 *
 * Objects a person addresses by id use random UUIDs, so an id from another person's vault names
 * nothing in this one. Messages use an integer id (their order, the paging cursor). The FTS5
 * tables index external content through integer rowids (`seq` where the id is a UUID) and are
 * kept in sync by triggers; the trigram tokenizer matches any script, including text without spaces.
 */
export function agentsSchema(db: Db): void {
  db.exec(`
    CREATE TABLE secrets (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      value      BLOB NOT NULL,
      last4      TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE provider_connections (
      id         TEXT PRIMARY KEY,
      kind       TEXT NOT NULL CHECK (kind IN ('openai', 'anthropic', 'openai-compatible')),
      name       TEXT NOT NULL,
      base_url   TEXT,
      secret_id  TEXT REFERENCES secrets(id) ON DELETE SET NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX provider_connections_secret ON provider_connections(secret_id);
    CREATE TABLE agents (
      id                TEXT PRIMARY KEY,
      name              TEXT NOT NULL,
      description       TEXT NOT NULL DEFAULT '',
      avatar_color      TEXT NOT NULL,
      instructions      TEXT NOT NULL DEFAULT '',
      connection_id     TEXT REFERENCES provider_connections(id) ON DELETE SET NULL,
      model             TEXT,
      temperature       REAL,
      max_output_tokens INTEGER,
      memory_access     TEXT NOT NULL DEFAULT 'off' CHECK (memory_access IN ('off', 'read', 'readwrite')),
      created_at        INTEGER NOT NULL,
      updated_at        INTEGER NOT NULL
    );
    CREATE INDEX agents_connection ON agents(connection_id);
    CREATE TABLE conversations (
      seq        INTEGER PRIMARY KEY,
      id         TEXT NOT NULL UNIQUE,
      title      TEXT NOT NULL,
      agent_id   TEXT REFERENCES agents(id) ON DELETE SET NULL,
      agent_name TEXT NOT NULL,
      pinned     INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX conversations_order ON conversations(pinned DESC, updated_at DESC);
    CREATE INDEX conversations_agent ON conversations(agent_id);
    CREATE TABLE messages (
      id              INTEGER PRIMARY KEY,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      content         TEXT NOT NULL DEFAULT '',
      model           TEXT,
      input_tokens    INTEGER,
      output_tokens   INTEGER,
      ttft_ms         INTEGER,
      total_ms        INTEGER,
      status          TEXT NOT NULL
                      CHECK (status IN ('complete', 'streaming', 'cancelled', 'error', 'interrupted')),
      error_code      TEXT,
      created_at      INTEGER NOT NULL,
      updated_at      INTEGER NOT NULL
    );
    CREATE INDEX messages_page ON messages(conversation_id, id);
    CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';
    CREATE TABLE attachments (
      id         TEXT PRIMARY KEY,
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      kind       TEXT NOT NULL CHECK (kind IN ('text', 'image')),
      name       TEXT NOT NULL,
      mime       TEXT NOT NULL,
      bytes      BLOB NOT NULL,
      size       INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX attachments_message ON attachments(message_id);
    CREATE TABLE memory_facts (
      seq        INTEGER PRIMARY KEY,
      id         TEXT NOT NULL UNIQUE,
      text       TEXT NOT NULL,
      source     TEXT NOT NULL CHECK (source IN ('person', 'agent')),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id', tokenize='trigram');
    CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
      INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    END;
    CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
      INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;

    CREATE VIRTUAL TABLE conversations_fts USING fts5(title, content='conversations', content_rowid='seq', tokenize='trigram');
    CREATE TRIGGER conversations_fts_ai AFTER INSERT ON conversations BEGIN
      INSERT INTO conversations_fts(rowid, title) VALUES (new.seq, new.title);
    END;
    CREATE TRIGGER conversations_fts_ad AFTER DELETE ON conversations BEGIN
      INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.seq, old.title);
    END;
    CREATE TRIGGER conversations_fts_au AFTER UPDATE OF title ON conversations BEGIN
      INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.seq, old.title);
      INSERT INTO conversations_fts(rowid, title) VALUES (new.seq, new.title);
    END;

    CREATE VIRTUAL TABLE memory_fts USING fts5(text, content='memory_facts', content_rowid='seq', tokenize='trigram');
    CREATE TRIGGER memory_fts_ai AFTER INSERT ON memory_facts BEGIN
      INSERT INTO memory_fts(rowid, text) VALUES (new.seq, new.text);
    END;
    CREATE TRIGGER memory_fts_ad AFTER DELETE ON memory_facts BEGIN
      INSERT INTO memory_fts(memory_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    END;
    CREATE TRIGGER memory_fts_au AFTER UPDATE OF text ON memory_facts BEGIN
      INSERT INTO memory_fts(memory_fts, rowid, text) VALUES ('delete', old.seq, old.text);
      INSERT INTO memory_fts(rowid, text) VALUES (new.seq, new.text);
    END;
  `);
}
