/** A person's workflows, in their vault. */
import { vaultOf, type Session } from '../accounts/session';
import { CubbyError, notFound } from '../errors';
import { checkCron, localTimeZone } from '../scheduler/cron';
import { bool, newId, parseInput } from '../vault/common';
import { WorkflowInput, WorkflowStep, WorkflowInputDef, type Schedule, type WorkflowFields } from './definition';
import { checkTemplate, stringsIn } from './template';
import { z } from 'zod';

export interface Workflow extends WorkflowFields {
  id: string;
  /** The time zone the schedule is read in (the computer's, when it was saved). */
  timezone: string | null;
  lastTickAt: number | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  inputs_json: string;
  steps_json: string;
  schedule_cron: string | null;
  schedule_label: string | null;
  timezone: string | null;
  allow_background: number;
  catch_up: number;
  enabled: number;
  time_limit_ms: number;
  last_tick_at: number | null;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): Workflow {
  return {
    id: r.id,
    name: r.name,
    inputs: z.array(WorkflowInputDef).parse(JSON.parse(r.inputs_json)),
    steps: z.array(WorkflowStep).parse(JSON.parse(r.steps_json)),
    schedule: r.schedule_cron ? { cron: r.schedule_cron, preset: (r.schedule_label as Schedule['preset']) ?? null } : null,
    timezone: r.timezone,
    allowBackground: bool(r.allow_background),
    catchUp: bool(r.catch_up),
    enabled: bool(r.enabled),
    timeLimitMs: r.time_limit_ms,
    lastTickAt: r.last_tick_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The schema's checks, then what it cannot see: unique input names, templates, the cron expression. */
export function checkWorkflow(input: unknown): WorkflowFields {
  const w = parseInput(WorkflowInput, input);
  const names = w.inputs.map((i) => i.name);
  if (new Set(names).size !== names.length) throw new CubbyError('VALIDATION', 'Two inputs have the same name.');
  w.steps.forEach((step, i) => {
    const texts = step.kind === 'agent' ? [step.prompt] : stringsIn(step.args);
    for (const t of texts) checkTemplate(t, names, i);
  });
  if (w.schedule) checkCron(w.schedule.cron);
  return w;
}

const columns = (w: WorkflowFields) => ({
  name: w.name,
  inputs_json: JSON.stringify(w.inputs),
  steps_json: JSON.stringify(w.steps),
  schedule_cron: w.schedule?.cron ?? null,
  schedule_label: w.schedule?.preset ?? null,
  timezone: w.schedule ? localTimeZone() : null,
  allow_background: w.allowBackground ? 1 : 0,
  catch_up: w.catchUp ? 1 : 0,
  enabled: w.enabled ? 1 : 0,
  time_limit_ms: w.timeLimitMs,
});

export function createWorkflow(session: Session, input: unknown, now = Date.now()): Workflow {
  const w = checkWorkflow(input);
  const id = newId();
  vaultOf(session)
    .prepare(
      `INSERT INTO workflows (id, name, inputs_json, steps_json, schedule_cron, schedule_label, timezone, allow_background, catch_up, enabled, time_limit_ms, last_tick_at, created_at, updated_at)
       VALUES (@id, @name, @inputs_json, @steps_json, @schedule_cron, @schedule_label, @timezone, @allow_background, @catch_up, @enabled, @time_limit_ms, @now, @now, @now)`,
    )
    .run({ id, now, ...columns(w) });
  return getWorkflow(session, id);
}

/** Replaces every field. A new schedule counts from now: times before the edit are not "missed". */
export function updateWorkflow(session: Session, id: string, input: unknown, now = Date.now()): Workflow {
  const w = checkWorkflow(input);
  const before = getWorkflow(session, id);
  const rescheduled = before.schedule?.cron !== w.schedule?.cron || (!before.enabled && w.enabled);
  vaultOf(session)
    .prepare(
      `UPDATE workflows SET name = @name, inputs_json = @inputs_json, steps_json = @steps_json, schedule_cron = @schedule_cron,
       schedule_label = @schedule_label, timezone = @timezone, allow_background = @allow_background, catch_up = @catch_up,
       enabled = @enabled, time_limit_ms = @time_limit_ms, last_tick_at = CASE WHEN @rescheduled THEN @now ELSE last_tick_at END,
       updated_at = @now WHERE id = @id`,
    )
    .run({ id, now, rescheduled: rescheduled ? 1 : 0, ...columns(w) });
  return getWorkflow(session, id);
}

export function getWorkflow(session: Session, id: string): Workflow {
  const row = vaultOf(session).prepare('SELECT * FROM workflows WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw notFound('workflow');
  return fromRow(row);
}

export function listWorkflows(session: Session): Workflow[] {
  return (vaultOf(session).prepare('SELECT * FROM workflows ORDER BY name COLLATE NOCASE, created_at').all() as Row[]).map(fromRow);
}

/** Its past runs stay, showing the name it had. */
export function deleteWorkflow(session: Session, id: string): void {
  const { changes } = vaultOf(session).prepare('DELETE FROM workflows WHERE id = ?').run(id);
  if (!changes) throw notFound('workflow');
}

/** What the scheduler needs of each enabled, scheduled workflow. */
export interface ScheduledWorkflow {
  id: string;
  cron: string;
  allowBackground: boolean;
  catchUp: boolean;
  lastTickAt: number;
}

export function scheduledWorkflows(session: Session): ScheduledWorkflow[] {
  const rows = vaultOf(session)
    .prepare('SELECT id, schedule_cron, allow_background, catch_up, last_tick_at, created_at FROM workflows WHERE enabled = 1 AND schedule_cron IS NOT NULL')
    .all() as Pick<Row, 'id' | 'schedule_cron' | 'allow_background' | 'catch_up' | 'last_tick_at' | 'created_at'>[];
  return rows.map((r) => ({
    id: r.id,
    cron: r.schedule_cron!,
    allowBackground: bool(r.allow_background),
    catchUp: bool(r.catch_up),
    lastTickAt: r.last_tick_at ?? r.created_at,
  }));
}

export function hasBackgroundWorkflow(session: Session): boolean {
  return !!vaultOf(session).prepare('SELECT 1 FROM workflows WHERE enabled = 1 AND allow_background = 1 AND schedule_cron IS NOT NULL LIMIT 1').get();
}

export function setLastTick(session: Session, id: string, at: number): void {
  vaultOf(session).prepare('UPDATE workflows SET last_tick_at = ? WHERE id = ? AND (last_tick_at IS NULL OR last_tick_at < ?)').run(at, id, at);
}
