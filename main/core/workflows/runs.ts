/**
 * Run records in the owner's vault: the run, one row per finished step, and its log. Every write
 * is its own statement or transaction, so a process killed at any moment leaves whole rows; a
 * run left 'queued' or 'running' by a dead process is marked 'interrupted' when the vault opens.
 */
import { vaultOf, type Session } from '../accounts/session';
import { notFound } from '../errors';
import { newId } from '../vault/common';
import type { RunStatus, RunTrigger } from './definition';

export interface RunSummary {
  id: string;
  workflowId: string | null;
  workflowName: string;
  status: RunStatus;
  trigger: RunTrigger;
  dueAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
}

export interface StepResult {
  index: number;
  kind: 'agent' | 'tool';
  status: 'succeeded' | 'failed' | 'skipped';
  input: string;
  output: string;
  inputTokens: number | null;
  outputTokens: number | null;
  startedAt: number;
  finishedAt: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface RunLogLine {
  at: number;
  level: 'info' | 'error';
  message: string;
}

export interface RunDetail extends RunSummary {
  inputs: Record<string, string>;
  steps: StepResult[];
  log: RunLogLine[];
}

interface RunRow {
  id: string;
  workflow_id: string | null;
  workflow_name: string;
  status: RunStatus;
  trigger: RunTrigger;
  inputs_json: string;
  due_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
}

const summary = (r: RunRow): RunSummary => ({
  id: r.id,
  workflowId: r.workflow_id,
  workflowName: r.workflow_name,
  status: r.status,
  trigger: r.trigger,
  dueAt: r.due_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  createdAt: r.created_at,
});

export function createRun(
  session: Session,
  r: { workflowId: string; workflowName: string; status: 'queued' | 'missed'; trigger: RunTrigger; inputs: Record<string, string>; dueAt: number | null },
  now = Date.now(),
): string {
  const id = newId();
  vaultOf(session)
    .prepare(
      `INSERT INTO runs (id, workflow_id, workflow_name, status, trigger, inputs_json, due_at, finished_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, r.workflowId, r.workflowName, r.status, r.trigger, JSON.stringify(r.inputs), r.dueAt, r.status === 'missed' ? now : null, now);
  return id;
}

export function markRunning(session: Session, runId: string, now = Date.now()): void {
  vaultOf(session).prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(now, runId);
}

export function finishRun(
  session: Session,
  runId: string,
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>,
  error: { code: string; message: string } | null,
  now = Date.now(),
): void {
  vaultOf(session)
    .prepare("UPDATE runs SET status = ?, finished_at = ?, error_code = ?, error_message = ? WHERE id = ? AND status IN ('queued', 'running')")
    .run(status, now, error?.code ?? null, error?.message ?? null, runId);
}

/** One step's result and its log line, in one transaction. */
export function recordStep(session: Session, runId: string, step: StepResult, logLine: RunLogLine): void {
  const db = vaultOf(session);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO run_steps (run_id, idx, kind, status, input, output, input_tokens, output_tokens, started_at, finished_at, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      step.index,
      step.kind,
      step.status,
      step.input,
      step.output,
      step.inputTokens,
      step.outputTokens,
      step.startedAt,
      step.finishedAt,
      step.errorCode,
      step.errorMessage,
    );
    appendLog(session, runId, logLine);
  })();
}

export function appendLog(session: Session, runId: string, line: RunLogLine): void {
  vaultOf(session).prepare('INSERT INTO run_logs (run_id, at, level, message) VALUES (?, ?, ?, ?)').run(runId, line.at, line.level, line.message.slice(0, 4000));
}

export interface RunFilter {
  workflowId?: string;
  status?: RunStatus;
  /** Runs created before this run (paging). */
  before?: string;
  limit?: number;
}

export function listRuns(session: Session, filter: RunFilter = {}): RunSummary[] {
  const db = vaultOf(session);
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.workflowId) (where.push('workflow_id = ?'), args.push(filter.workflowId));
  if (filter.status) (where.push('status = ?'), args.push(filter.status));
  if (filter.before) (where.push('seq < (SELECT seq FROM runs WHERE id = ?)'), args.push(filter.before));
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, Math.min(Math.max(filter.limit ?? 50, 1), 200)) as RunRow[]).map(summary);
}

export function getRun(session: Session, runId: string): RunDetail {
  const db = vaultOf(session);
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw notFound('run');
  const steps = (
    db.prepare('SELECT * FROM run_steps WHERE run_id = ? ORDER BY idx').all(runId) as {
      idx: number;
      kind: 'agent' | 'tool';
      status: StepResult['status'];
      input: string;
      output: string;
      input_tokens: number | null;
      output_tokens: number | null;
      started_at: number;
      finished_at: number;
      error_code: string | null;
      error_message: string | null;
    }[]
  ).map((s) => ({
    index: s.idx,
    kind: s.kind,
    status: s.status,
    input: s.input,
    output: s.output,
    inputTokens: s.input_tokens,
    outputTokens: s.output_tokens,
    startedAt: s.started_at,
    finishedAt: s.finished_at,
    errorCode: s.error_code,
    errorMessage: s.error_message,
  }));
  const log = db.prepare('SELECT at, level, message FROM run_logs WHERE run_id = ? ORDER BY id').all(runId) as RunLogLine[];
  return { ...summary(row), inputs: JSON.parse(row.inputs_json) as Record<string, string>, steps, log };
}

/** A finished run (not one queued or running: cancel it first). */
export function deleteRun(session: Session, runId: string): boolean {
  const { changes } = vaultOf(session).prepare("DELETE FROM runs WHERE id = ? AND status NOT IN ('queued', 'running')").run(runId);
  return changes > 0;
}

/**
 * Runs a dead process (or a closed session) left queued or running, except those `live` holds
 * (running in this process now): marked interrupted. Returns how many.
 */
export function recoverInterruptedRuns(session: Session, live: ReadonlySet<string> = new Set(), now = Date.now()): number {
  const db = vaultOf(session);
  const ids = (db.prepare("SELECT id FROM runs WHERE status IN ('queued', 'running')").pluck().all() as string[]).filter((id) => !live.has(id));
  const mark = db.prepare(
    "UPDATE runs SET status = 'interrupted', finished_at = ?, error_code = 'INTERRUPTED', error_message = ? WHERE id = ? AND status IN ('queued', 'running')",
  );
  db.transaction(() => ids.forEach((id) => mark.run(now, 'Cubby stopped or locked while this run was going; it did not finish.', id)))();
  return ids.length;
}
