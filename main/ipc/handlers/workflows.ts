import type { workflowsChannels } from '../../../preload/contract';
import type { Accounts } from '../../core/accounts/accounts';
import type { Session } from '../../core/accounts/session';
import { definitionOf } from '../../core/agents/definition';
import { getAgent } from '../../core/vault/agents';
import { atLeast } from '../../core/sharing/levels';
import { notFound } from '../../core/errors';
import { CubbyError } from '../../core/errors';
import type { EffectivePolicy } from '../../core/policy/effective';
import { requirePolicy } from '../../core/policy/enforce';
import { BackgroundSessions } from '../../core/scheduler/background';
import { nextAfter } from '../../core/scheduler/cron';
import { Scheduler } from '../../core/scheduler/scheduler';
import { prepareSharedRun } from '../../core/sharing/run';
import type { AgentResolver } from '../../core/workflows/agentStep';
import type { ToolCallerFactory } from '../../core/workflows/toolCaller';
import { toolSetFor } from '../../core/tools';
import { promptApprovalsInWindows } from './tools';
import { deleteRun, getRun, listRuns } from '../../core/workflows/runs';
import { createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, updateWorkflow, type Workflow } from '../../core/workflows/store';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { usableConnection } from './providerPolicy';
import { requireSharedProviderAllowed } from './sharing';
import type { ProviderRuntime } from '../router';

/** The scheduler and the background sessions main runs workflows with (one per app). */
export interface WorkflowRuntime {
  scheduler: Scheduler;
  background: BackgroundSessions;
}

/**
 * Agents for workflow steps, checked as chat checks them: the machine policy on where the call
 * goes; for shared agents access (use or above), quota and the access log (prepareSharedRun),
 * and a step stopped when access goes while it runs.
 */
export function workflowAgents(accounts: Accounts, policy: EffectivePolicy): AgentResolver {
  const ctx = { policy };
  return {
    own: (session, agentId) => {
      const def = definitionOf(session, agentId);
      if ('connectionId' in def.provider) usableConnection(ctx, session, def.provider.connectionId);
      return def;
    },
    shared: (session, id) =>
      prepareSharedRun(accounts.sharing.service, session, id, (p) => {
        if (p.connectionId) usableConnection(ctx, session, p.connectionId);
        else requireSharedProviderAllowed(ctx, p.kind, p.baseUrl);
      }),
    watchShared: (session, id, credential, stop) => accounts.sharing.runs.watch(session, id, credential, stop),
  };
}

export function createWorkflowRuntime(
  accounts: Accounts,
  opts: { policy: EffectivePolicy; providerRuntime: ProviderRuntime; tools: ToolCallerFactory | null; now?: () => number },
): WorkflowRuntime {
  const scheduler = new Scheduler({
    env: {
      agents: workflowAgents(accounts, opts.policy),
      tools: opts.tools,
      // Agent steps call the owner's own tools as chat does, unless the machine policy forbids own tool servers.
      toolSet: (session, o) => (opts.policy.values.allowOwnToolServers === false ? Promise.resolve({}) : toolSetFor(session, o)),
      runtime: opts.providerRuntime,
    },
    now: opts.now,
    accountActive: (session) => accounts.roleOf(session) !== null,
  });
  const background = new BackgroundSessions(accounts, scheduler, () => opts.policy.values.allowWorkflowsWhileLocked === true);
  return { scheduler, background };
}

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
