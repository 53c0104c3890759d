/** Workflows and their runs (issue 11), in the owner's vault. Pure (zod only). */
import { z } from 'zod';

import { ObjectId } from './ids';
import { channel, Empty } from './shared';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'missed', 'interrupted'] as const;
export const RUN_TRIGGERS = ['now', 'schedule', 'catch-up'] as const;
export const SCHEDULE_PRESET_IDS = ['every-hour', 'every-day-8', 'every-weekday-8', 'every-monday-9'] as const;

const Text = (max: number) => z.string().max(max);

const InputDef = z.strictObject({ name: Text(100), label: Text(200).optional(), required: z.boolean().optional(), default: Text(10_000).optional() });
const StepFields = { name: Text(200).optional(), continueOnError: z.boolean().optional() };
const Step = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('agent'),
    agent: z.union([z.strictObject({ agentId: ObjectId }), z.strictObject({ sharedAgentId: ObjectId })]),
    prompt: Text(100_000),
    ...StepFields,
  }),
  z.strictObject({
    kind: z.literal('tool'),
    serverId: Text(100),
    toolName: Text(200),
    args: z.record(Text(200), z.json()).optional(),
    ...StepFields,
  }),
]);

/** What the editor sends: the whole workflow (the core checks templates, cron and limits and says what is wrong). */
const WorkflowFields = {
  name: Text(1000),
  inputs: z.array(InputDef).max(100).optional(),
  steps: z.array(Step).max(200),
  schedule: z.strictObject({ cron: Text(200), preset: z.enum(SCHEDULE_PRESET_IDS).nullable().optional() }).nullable().optional(),
  allowBackground: z.boolean().optional(),
  catchUp: z.boolean().optional(),
  enabled: z.boolean().optional(),
  timeLimitMs: z.number().int().optional(),
};

export const Workflow = z.object({
  id: z.string(),
  name: z.string(),
  inputs: z.array(z.object({ name: z.string(), label: z.string(), required: z.boolean(), default: z.string() })),
  steps: z.array(
    z.union([
      z.object({
        kind: z.literal('agent'),
        agent: z.union([z.object({ agentId: z.string() }), z.object({ sharedAgentId: z.string() })]),
        prompt: z.string(),
        name: z.string(),
        continueOnError: z.boolean(),
      }),
      z.object({
        kind: z.literal('tool'),
        serverId: z.string(),
        toolName: z.string(),
        args: z.record(z.string(), z.unknown()),
        name: z.string(),
        continueOnError: z.boolean(),
      }),
    ]),
  ),
  schedule: z.object({ cron: z.string(), preset: z.enum(SCHEDULE_PRESET_IDS).nullable() }).nullable(),
  /** The time zone its schedule is read in: the computer's. */
  timezone: z.string().nullable(),
  /** When it runs next (ms), or null without a schedule. */
  nextRunAt: z.number().nullable(),
  allowBackground: z.boolean(),
  catchUp: z.boolean(),
  enabled: z.boolean(),
  timeLimitMs: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Workflow = z.infer<typeof Workflow>;

export const RunSummary = z.object({
  id: z.string(),
  workflowId: z.string().nullable(),
  workflowName: z.string(),
  status: z.enum(RUN_STATUSES),
  trigger: z.enum(RUN_TRIGGERS),
  dueAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.number(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = RunSummary.extend({
  inputs: z.record(z.string(), z.string()),
  steps: z.array(
    z.object({
      index: z.number(),
      kind: z.enum(['agent', 'tool']),
      status: z.enum(['succeeded', 'failed', 'skipped']),
      input: z.string(),
      output: z.string(),
      inputTokens: z.number().nullable(),
      outputTokens: z.number().nullable(),
      startedAt: z.number(),
      finishedAt: z.number(),
      errorCode: z.string().nullable(),
      errorMessage: z.string().nullable(),
    }),
  ),
  log: z.array(z.object({ at: z.number(), level: z.enum(['info', 'error']), message: z.string() })),
});
export type RunDetail = z.infer<typeof RunDetail>;

const ById = z.strictObject({ id: ObjectId });

export const workflowsChannels = {
  'workflows.list': channel(Empty, z.array(Workflow), 'session'),
  'workflows.get': channel(ById, Workflow, 'session'),
  'workflows.create': channel(z.strictObject(WorkflowFields), Workflow, 'session'),
  /** Replaces every field. Allowing background running needs the machine policy's allowWorkflowsWhileLocked. */
  'workflows.update': channel(z.strictObject({ id: ObjectId, ...WorkflowFields }), Workflow, 'session'),
  /** Its past runs stay, showing the name it had. */
  'workflows.delete': channel(ById, Empty, 'session'),
  'workflows.runNow': channel(z.strictObject({ id: ObjectId, inputs: z.record(Text(100), Text(100_000)).optional() }), z.object({ runId: z.string() }), 'session'),
  'runs.list': channel(
    z.strictObject({
      workflowId: ObjectId.optional(),
      status: z.enum(RUN_STATUSES).optional(),
      before: ObjectId.optional(),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    z.array(RunSummary),
    'session',
  ),
  'runs.get': channel(ById, RunDetail, 'session'),
  'runs.cancel': channel(ById, z.object({ cancelled: z.boolean() }), 'session'),
  /** A finished run; VALIDATION for one queued or running (cancel it first). */
  'runs.delete': channel(ById, Empty, 'session'),
} as const;

/** A run of this session's person changed (queued, a step ended, finished): sent to that person's windows only. */
export const RunChanged = z.strictObject({ runId: z.string(), workflowId: z.string(), status: z.enum(RUN_STATUSES) });

