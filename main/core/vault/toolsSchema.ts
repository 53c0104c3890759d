import type { Db } from '../db/sqlcipher';

/**
 * Vault migration (issue 11): a person's MCP tool servers, the tools they approved for good
 * (with a hash of the definition they saw), and the tool calls of an assistant message.
 * Secret values are never stored here: env and headers name a secret by id.
 */
export function toolsSchema(db: Db): void {
  db.exec(`
    CREATE TABLE tool_servers (
      id           TEXT PRIMARY KEY,
      kind         TEXT NOT NULL CHECK (kind IN ('stdio', 'http')),
      name         TEXT NOT NULL,
      command      TEXT,
      args_json    TEXT NOT NULL DEFAULT '[]',
      env_json     TEXT NOT NULL DEFAULT '[]',
      url          TEXT,
      headers_json TEXT NOT NULL DEFAULT '[]',
      enabled      INTEGER NOT NULL DEFAULT 1,
      created_at   INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL
    );
    CREATE TABLE tool_approvals (
      server_id       TEXT NOT NULL REFERENCES tool_servers(id) ON DELETE CASCADE,
      tool_name       TEXT NOT NULL,
      definition_hash TEXT NOT NULL,
      scope           TEXT NOT NULL CHECK (scope IN ('always')),
      created_at      INTEGER NOT NULL,
      PRIMARY KEY (server_id, tool_name)
    );
    ALTER TABLE messages ADD COLUMN tool_calls_json TEXT;
  `);
}
