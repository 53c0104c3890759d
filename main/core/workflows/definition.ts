/**
 * What a workflow is: a name, the inputs a run asks for, ordered steps (an agent with a prompt
 * template, or one MCP tool with templated arguments) and an optional schedule. Pure: the
 * contract and the renderer share these shapes.
 */
import { z } from 'zod';

export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

export const WorkflowInputDef = z.strictObject({
  name: z.string().regex(INPUT_NAME, 'An input name starts with a letter and has letters, digits or _ only (at most 40).'),
  label: z.string().trim().max(100, 'An input label has at most 100 characters.').default(''),
  required: z.boolean().default(false),
  default: z.string().max(10_000, 'A default value has at most 10,000 characters.').default(''),
});
export type WorkflowInputDef = z.output<typeof WorkflowInputDef>;

const StepCommon = {
  name: z.string().trim().max(100, 'A step name has at most 100 characters.').default(''),
  continueOnError: z.boolean().default(false),
};

export const AgentStep = z.strictObject({
  kind: z.literal('agent'),
  /** One of the owner's agents, or a shared agent they may use (use level or above). */
  agent: z.union([z.strictObject({ agentId: z.string().min(1).max(100) }), z.strictObject({ sharedAgentId: z.string().min(1).max(100) })]),
  prompt: z.string().min(1, 'Write the prompt of each agent step.').max(100_000, 'A prompt has at most 100,000 characters.'),
  ...StepCommon,
});

export const ToolStep = z.strictObject({
  kind: z.literal('tool'),
  serverId: z.string().min(1, 'Choose the tool server of each tool step.').max(100),
  toolName: z.string().min(1, 'Choose the tool of each tool step.').max(200),
  /** Values may hold templates; strings are expanded, everything else is passed as is. */
  args: z.record(z.string().max(200), z.unknown()).default({}),
  ...StepCommon,
});

export const WorkflowStep = z.discriminatedUnion('kind', [AgentStep, ToolStep]);
export type WorkflowStep = z.output<typeof WorkflowStep>;

export const SCHEDULE_PRESETS = {
  'every-hour': { label: 'Every hour', cron: '0 * * * *' },
  'every-day-8': { label: 'Every day at 8:00', cron: '0 8 * * *' },
  'every-weekday-8': { label: 'Every weekday at 8:00', cron: '0 8 * * 1-5' },
  'every-monday-9': { label: 'Every Monday at 9:00', cron: '0 9 * * 1' },
} as const;
export type SchedulePreset = keyof typeof SCHEDULE_PRESETS;

export const Schedule = z.strictObject({
  /** Five-field cron in the computer's time zone (a preset fills it in). */
  cron: z.string().trim().min(1).max(200),
  /** How the editor shows it: a preset's label, or null for a custom expression. */
  preset: z.enum(Object.keys(SCHEDULE_PRESETS) as [SchedulePreset, ...SchedulePreset[]]).nullable().default(null),
});
export type Schedule = z.output<typeof Schedule>;

export const MAX_STEPS = 50;
export const MAX_TIME_LIMIT_MS = 24 * 60 * 60 * 1000;

export const WorkflowInput = z.strictObject({
  name: z.string().trim().min(1, 'Give the workflow a name.').max(100, 'A workflow name has at most 100 characters.'),
  inputs: z.array(WorkflowInputDef).max(20, 'A workflow has at most 20 inputs.').default([]),
  steps: z.array(WorkflowStep).min(1, 'Add at least one step.').max(MAX_STEPS, `A workflow has at most ${MAX_STEPS} steps.`),
  schedule: Schedule.nullable().default(null),
  allowBackground: z.boolean().default(false),
  catchUp: z.boolean().default(false),
  enabled: z.boolean().default(true),
  timeLimitMs: z
    .number()
    .int()
    .min(1000, 'A time limit is at least one second.')
    .max(MAX_TIME_LIMIT_MS, 'A time limit is at most 24 hours.')
    .default(10 * 60 * 1000),
});
export type WorkflowInput = z.input<typeof WorkflowInput>;
export type WorkflowFields = z.output<typeof WorkflowInput>;

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'missed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_TRIGGERS = ['now', 'schedule', 'catch-up'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
