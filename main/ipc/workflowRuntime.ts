/**
 * The workflow runtime main runs (one per app): the scheduler with its step environment (agents
 * checked as chat checks them, the person's tools, the machine policy), and background sessions.
 * The router makes it; the workflows handlers use it through their context.
 */
import type { Accounts } from '../core/accounts/accounts';
import { definitionOf } from '../core/agents/definition';
import type { EffectivePolicy } from '../core/policy/effective';
import { BackgroundSessions } from '../core/scheduler/background';
import { Scheduler } from '../core/scheduler/scheduler';
import { prepareSharedRun } from '../core/sharing/run';
import { toolSetFor } from '../core/tools';
import type { AgentResolver } from '../core/workflows/agentStep';
import type { ToolCallerFactory } from '../core/workflows/toolCaller';
import { usableConnection } from './handlers/providerPolicy';
import { requireSharedProviderAllowed } from './handlers/sharing';
import type { ProviderRuntime } from './router';

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

