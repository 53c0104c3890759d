import type { Db } from '../db/sqlcipher';

/**
 * Vault migration (issue 11): workflows, their runs, each run's step results and log. All in
 * the owner's vault, so run inputs, outputs and logs are encrypted like everything else.
 *
 * `last_tick_at` is when the scheduler last looked at a workflow while the vault was open: at
 * the next unlock, every schedule time between it and now was missed (the vault was closed).
 * Runs are never deleted by a run in progress; each step's result is written in its own
 * transaction, so a killed process leaves whole rows only.
 */
export function workflowsSchema(db: Db): void {
  db.exec(`
    CREATE TABLE workflows (
      id               TEXT PRIMARY KEY,
      name             TEXT NOT NULL,
      inputs_json      TEXT NOT NULL DEFAULT '[]',
      steps_json       TEXT NOT NULL DEFAULT '[]',
      schedule_cron    TEXT,
      schedule_label   TEXT,
      timezone         TEXT,
      allow_background INTEGER NOT NULL DEFAULT 0,
      catch_up         INTEGER NOT NULL DEFAULT 0,
      enabled          INTEGER NOT NULL DEFAULT 1,
      time_limit_ms    INTEGER NOT NULL DEFAULT 600000,
      last_tick_at     INTEGER,
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL
    );
    CREATE TABLE runs (
      seq           INTEGER PRIMARY KEY,
      id            TEXT NOT NULL UNIQUE,
      workflow_id   TEXT REFERENCES workflows(id) ON DELETE SET NULL,
      workflow_name TEXT NOT NULL,
      status        TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'missed', 'interrupted')),
      trigger       TEXT NOT NULL CHECK (trigger IN ('now', 'schedule', 'catch-up')),
      inputs_json   TEXT NOT NULL DEFAULT '{}',
      due_at        INTEGER,
      started_at    INTEGER,
      finished_at   INTEGER,
      error_code    TEXT,
      error_message TEXT,
      created_at    INTEGER NOT NULL
    );
    CREATE INDEX runs_order ON runs(seq DESC);
    CREATE INDEX runs_workflow ON runs(workflow_id, seq DESC);
    CREATE INDEX runs_live ON runs(status) WHERE status IN ('queued', 'running');
    CREATE TABLE run_steps (
      run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      idx           INTEGER NOT NULL,
      kind          TEXT NOT NULL CHECK (kind IN ('agent', 'tool')),
      status        TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'skipped')),
      input         TEXT NOT NULL DEFAULT '',
      output        TEXT NOT NULL DEFAULT '',
      input_tokens  INTEGER,
      output_tokens INTEGER,
      started_at    INTEGER NOT NULL,
      finished_at   INTEGER NOT NULL,
      error_code    TEXT,
      error_message TEXT,
      PRIMARY KEY (run_id, idx)
    );
    CREATE TABLE run_logs (
      id      INTEGER PRIMARY KEY,
      run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      at      INTEGER NOT NULL,
      level   TEXT NOT NULL CHECK (level IN ('info', 'error')),
      message TEXT NOT NULL
    );
    CREATE INDEX run_logs_run ON run_logs(run_id, id);
  `);
}
