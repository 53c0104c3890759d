/** Shared setup for workflow tests: a recording tool caller and a scheduler on the fake provider. */
import type { Session } from '../../main/core/accounts/session';
import { Scheduler, type RunChange } from '../../main/core/scheduler/scheduler';
import { ownAgentsOnly, type AgentResolver } from '../../main/core/workflows/agentStep';
import type { StepEnv } from '../../main/core/workflows/executor';
import type { ToolCaller, ToolCallOptions, ToolCallResult } from '../../main/core/workflows/toolCaller';

export interface RecordedToolCall {
  userId: string;
  serverId: string;
  toolName: string;
  args: Record<string, unknown>;
  opts: ToolCallOptions;
}

/**
 * A real, tiny implementation of the tools branch's ToolCaller: it records every call with the
 * session it was made for and answers from `answer` (which may never resolve: a stuck tool).
 */
export function recordingTools(answer: (call: RecordedToolCall) => Promise<ToolCallResult> | ToolCallResult = (c) => ({
  content: [{ type: 'text', text: `${c.toolName}:${JSON.stringify(c.args)}` }],
  isError: false,
})) {
  const calls: RecordedToolCall[] = [];
  const factory = (session: Session): ToolCaller => ({
    call: async (serverId, toolName, args, opts) => {
      if (!session.isOpen) throw new Error('tool call on a closed session');
      const call = { userId: session.user.id, serverId, toolName, args, opts };
      calls.push(call);
      return answer(call);
    },
    list: async () => [],
  });
  return { calls, factory };
}

export function makeScheduler(opts: { tools?: ReturnType<typeof recordingTools>; agents?: AgentResolver; now?: () => number; perUserConcurrency?: number } = {}) {
  const changes: { userIds: string[]; change: RunChange }[] = [];
  const env: StepEnv = { agents: opts.agents ?? ownAgentsOnly, tools: opts.tools?.factory ?? null, runtime: { maxRetries: 0 } };
  const scheduler = new Scheduler({
    env,
    now: opts.now,
    perUserConcurrency: opts.perUserConcurrency,
    onRunChanged: (windows, change) => changes.push({ userIds: windows.map((w) => w.user.id), change }),
  });
  return { scheduler, changes, env };
}

/** A clock tests move by hand. */
export function manualClock(start: number) {
  let now = start;
  return { now: () => now, set: (t: number) => (now = t), add: (ms: number) => (now += ms) };
}

export const textOf = (text: string) => ({ content: [{ type: 'text', text }], isError: false });
