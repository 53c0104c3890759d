import type { workflowsChannels } from '../../../preload/contract';
import type { Session } from '../../core/accounts/session';
import { getAgent } from '../../core/vault/agents';
import { atLeast } from '../../core/sharing/levels';
import { notFound } from '../../core/errors';
import { CubbyError } from '../../core/errors';
import { requirePolicy } from '../../core/policy/enforce';
import { nextAfter } from '../../core/scheduler/cron';
import { promptApprovalsInWindows } from './tools';
import { deleteRun, getRun, listRuns } from '../../core/workflows/runs';
import { createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, updateWorkflow, type Workflow } from '../../core/workflows/store';
import { own, type AreaHandlers, type HandlerContext } from './context';
import type { WorkflowRuntime } from '../workflowRuntime';

function runtime(ctx: HandlerContext): WorkflowRuntime {
  if (!ctx.workflows) throw new CubbyError('NOT_SUPPORTED', 'Workflows are not available here.');
  return ctx.workflows;
}

function view(w: Workflow, now = Date.now()) {
  const { lastTickAt: _lastTick, ...rest } = w;
  return { ...rest, nextRunAt: w.schedule && w.enabled ? nextAfter(w.schedule.cron, now) : null };
}

/** Keeping a workflow running while locked is something the organization may forbid. */
function checkBackground(ctx: HandlerContext, input: { allowBackground?: boolean }): void {
  if (input.allowBackground) requirePolicy(ctx.policy.values, 'allowWorkflowsWhileLocked');
}

/** Each agent step names one of the caller's agents, or a shared agent they may use: NOT_FOUND otherwise. */
function checkAgents(ctx: HandlerContext, session: Session, input: { steps?: { kind: string; agent?: { agentId: string } | { sharedAgentId: string } }[] }): void {
  for (const step of input.steps ?? []) {
    if (step.kind !== 'agent' || !step.agent) continue;
    if ('agentId' in step.agent) getAgent(session, step.agent.agentId);
    else if (!atLeast(ctx.accounts.sharing.service.levelOf(session, step.agent.sharedAgentId), 'use')) throw notFound('agent');
  }
}

function changedSchedules(ctx: HandlerContext, session: Session): void {
  runtime(ctx).scheduler.reload(session);
}

export const workflowsHandlers: AreaHandlers<keyof typeof workflowsChannels> = {
  'workflows.list': (_input, ctx) => listWorkflows(own(ctx)).map((w) => view(w)),
  'workflows.get': ({ id }, ctx) => view(getWorkflow(own(ctx), id)),
  'workflows.create': (input, ctx) => {
    const session = own(ctx);
    checkBackground(ctx, input);
    checkAgents(ctx, session, input);
    const created = createWorkflow(session, input);
    changedSchedules(ctx, session);
    return view(created);
  },
  'workflows.update': ({ id, ...input }, ctx) => {
    const session = own(ctx);
    checkBackground(ctx, input);
    getWorkflow(session, id);
    checkAgents(ctx, session, input);
    const updated = updateWorkflow(session, id, input);
    changedSchedules(ctx, session);
    return view(updated);
  },
  'workflows.delete': ({ id }, ctx) => {
    const session = own(ctx);
    deleteWorkflow(session, id);
    changedSchedules(ctx, session);
    return {};
  },
  'workflows.runNow': ({ id, inputs }, ctx) => {
    const session = own(ctx);
    promptApprovalsInWindows(ctx, session); // a tool's first use in this run asks in the person's windows
    return { runId: runtime(ctx).scheduler.runNow(session, id, inputs ?? {}) };
  },
  'runs.list': (filter, ctx) => listRuns(own(ctx), filter),
  'runs.get': ({ id }, ctx) => getRun(own(ctx), id),
  'runs.cancel': ({ id }, ctx) => {
    const session = own(ctx);
    getRun(session, id); // NOT_FOUND for an id that is not the caller's
    return { cancelled: runtime(ctx).scheduler.cancel(session, id) };
  },
  'runs.delete': ({ id }, ctx) => {
    const session = own(ctx);
    getRun(session, id);
    if (!deleteRun(session, id)) throw new CubbyError('VALIDATION', 'This run is still going. Cancel it first.');
    return {};
  },
};
