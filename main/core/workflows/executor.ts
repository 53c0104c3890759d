/**
 * Runs one workflow run to its end: steps in order, each one's result written in its own
 * transaction as soon as it ends; a failing step stops the run unless it says continue on error.
 * The run stops on cancel, at its time limit (RUN_TIME_LIMIT), or when its owner has no open
 * session any more (then nothing more is written; the vault marks it interrupted when it opens).
 * A step that ignores the abort (a stuck tool) is left behind: the run ends anyway.
 */
import type { Session } from '../accounts/session';
import type { RunRuntime } from '../agents/runner';
import { CubbyError, isCubbyError } from '../errors';
import type { ToolSet } from 'ai';
import type { ToolCallRecord } from '../tools';
import { DEFAULT_CALL_TIMEOUT_MS } from '../tools/host';
import { runAgentStep, type AgentResolver } from './agentStep';
import type { RunStatus, WorkflowStep } from './definition';
import { appendLog, finishRun, markRunning, recordStep, type StepResult } from './runs';
import type { Workflow } from './store';
import { renderArgs, renderTemplate, type TemplateScope } from './template';
import { toolOutputText, type ToolCallerFactory } from './toolCaller';

export interface StepEnv {
  agents: AgentResolver;
  /** null: tool servers are not available (a tool step fails with NOT_SUPPORTED). */
  tools: ToolCallerFactory | null;
  /**
   * The owner's tools for agent steps (AI SDK tool calling), as in chat; absent: agent steps get
   * no tools. `onCall` reports each call for the run log.
   */
  toolSet?: (session: Session, opts: { signal: AbortSignal; approval: 'ask' | 'require-stored' | 'ask-every-time'; onCall: (c: ToolCallRecord) => void }) => Promise<ToolSet>;
  runtime: RunRuntime;
}

/** What a run needs from whoever started it (the scheduler). */
export interface RunHost {
  /** The owner's open session now (their window's, or their background session while locked); LOCKED when none. */
  session(): Session;
  /** Aborts with a CubbyError (time limit, access) or anything else (cancelled). */
  signal: AbortSignal;
  approval: 'ask' | 'require-stored';
  /** A status or step changed (for events to the owner's windows). */
  changed?(status: RunStatus): void;
  now?(): number;
}

const stepLabel = (step: WorkflowStep, i: number) => `Step ${i + 1}${step.name ? ` (${step.name})` : ''}`;

/** The abort's reason as the run's outcome. */
function stopped(signal: AbortSignal): { status: 'cancelled' | 'failed'; error: CubbyError | null } {
  return isCubbyError(signal.reason) ? { status: 'failed', error: signal.reason } : { status: 'cancelled', error: null };
}

/** `work`, or the abort: whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function runStep(
  host: RunHost,
  env: StepEnv,
  step: WorkflowStep,
  scope: TemplateScope,
  timeLeftMs: number,
  log: (message: string) => void,
): Promise<Omit<StepResult, 'index' | 'startedAt' | 'finishedAt' | 'status' | 'errorCode' | 'errorMessage'>> {
  const session = host.session();
  if (step.kind === 'agent') {
    const input = renderTemplate(step.prompt, scope);
    const onCall = (c: ToolCallRecord) => log(`Tool ${c.serverName} / ${c.toolName}: ${c.status}.`);
    // A shared agent's steps ask for each tool call (its instructions may be hidden): only in a run started from a window.
    const shared = 'sharedAgentId' in step.agent;
    const approval = shared ? (host.approval === 'ask' ? 'ask-every-time' : null) : host.approval;
    const tools = env.toolSet && approval ? await untilAborted(env.toolSet(session, { signal: host.signal, approval, onCall }), host.signal) : undefined;
    const r = await untilAborted(runAgentStep(session, env.agents, step.agent, input, env.runtime, host.signal, tools), host.signal);
    return { kind: 'agent', input, output: r.output, inputTokens: r.inputTokens, outputTokens: r.outputTokens };
  }
  const args = renderArgs(step.args, scope) as Record<string, unknown>;
  const input = JSON.stringify(args);
  if (!env.tools) throw new CubbyError('NOT_SUPPORTED', 'Tool servers are not available in this version of Cubby.');
  const result = await untilAborted(
    // The per-call limit (as in chat) and the run's own, whichever ends first.
    env.tools(session).call(step.serverId, step.toolName, args, { signal: host.signal, timeoutMs: Math.min(DEFAULT_CALL_TIMEOUT_MS, timeLeftMs), approval: host.approval }),
    host.signal,
  );
  const output = toolOutputText(result.content);
  // The call in the run log, as an agent step's tool calls are.
  log(`Tool ${step.toolName}: ${result.isError ? 'error' : 'ok'}.`);
  if (result.isError) throw Object.assign(new CubbyError('TOOL_FAILED', `The tool ${step.toolName} answered with an error.`), { output, input });
  return { kind: 'tool', input, output, inputTokens: null, outputTokens: null };
}

const asError = (e: unknown): CubbyError =>
  isCubbyError(e) ? e : new CubbyError('INTERNAL', 'This step failed unexpectedly.');

/**
 * Execute `runId` (already recorded as queued) of `workflow` with `inputs`. Resolves with the
 * run's final status; 'interrupted' means the owner's vault closed and nothing more was written.
 */
export async function executeRun(host: RunHost, env: StepEnv, runId: string, workflow: Workflow, inputs: Record<string, string>): Promise<RunStatus> {
  const now = host.now ?? Date.now;
  const deadline = now() + workflow.timeLimitMs;
  const scope: TemplateScope = { inputs, stepOutputs: [] };
  let failure: CubbyError | null = null;
  try {
    markRunning(host.session(), runId, now());
    host.changed?.('running');
    appendLog(host.session(), runId, { at: now(), level: 'info', message: `Started: ${workflow.steps.length} step(s).` });
    for (const [index, step] of workflow.steps.entries()) {
      if (host.signal.aborted) break;
      const startedAt = now();
      let result: StepResult;
      try {
        const log = (message: string) => appendLog(host.session(), runId, { at: now(), level: 'info', message: `${stepLabel(step, index)}: ${message}` });
        const r = await runStep(host, env, step, scope, Math.max(1, deadline - startedAt), log);
        result = { ...r, index, startedAt, finishedAt: now(), status: 'succeeded', errorCode: null, errorMessage: null };
      } catch (e) {
        if (host.signal.aborted && e === host.signal.reason) break;
        if (!host.session().isOpen) throw e;
        const error = asError(e);
        const partial = e as { input?: string; output?: string };
        result = {
          kind: step.kind,
          index,
          input: partial.input ?? '',
          output: partial.output ?? '',
          inputTokens: null,
          outputTokens: null,
          startedAt,
          finishedAt: now(),
          status: 'failed',
          errorCode: error.code,
          errorMessage: error.message,
        };
        if (!step.continueOnError) failure = error;
      }
      scope.stepOutputs.push(result.output);
      const label = stepLabel(step, index);
      recordStep(host.session(), runId, result, {
        at: result.finishedAt,
        level: result.status === 'failed' ? 'error' : 'info',
        message: result.status === 'failed' ? `${label} failed: ${result.errorMessage}${step.continueOnError ? ' (continuing)' : ''}` : `${label} done.`,
      });
      host.changed?.('running');
      if (failure) break;
    }
    const outcome = host.signal.aborted ? stopped(host.signal) : failure ? { status: 'failed' as const, error: failure } : { status: 'succeeded' as const, error: null };
    const session = host.session();
    appendLog(session, runId, {
      at: now(),
      level: outcome.status === 'succeeded' ? 'info' : 'error',
      message: outcome.status === 'succeeded' ? 'Finished.' : outcome.status === 'cancelled' ? 'Cancelled.' : `Stopped: ${outcome.error?.message ?? ''}`,
    });
    finishRun(session, runId, outcome.status, outcome.error && { code: outcome.error.code, message: outcome.error.message }, now());
    host.changed?.(outcome.status);
    return outcome.status;
  } catch {
    // No open session of the owner any more: nothing more may be written.
    return 'interrupted';
  }
}

/** A run's inputs: the values given, defaults for the rest; VALIDATION for a required one missing or an unknown one. */
export function resolveInputs(workflow: Workflow, given: Record<string, string> = {}): Record<string, string> {
  const names = new Set(workflow.inputs.map((i) => i.name));
  for (const k of Object.keys(given)) if (!names.has(k)) throw new CubbyError('VALIDATION', `This workflow has no input named "${k.slice(0, 40)}".`);
  // A null prototype and own-property reads: an input named "constructor" or "__proto__" is just a name.
  const out: Record<string, string> = Object.create(null);
  for (const def of workflow.inputs) {
    const value = (Object.hasOwn(given, def.name) ? given[def.name] : undefined) ?? def.default;
    if (def.required && !value.trim()) throw new CubbyError('VALIDATION', `Fill in "${def.label || def.name}".`);
    if (value.length > 100_000) throw new CubbyError('VALIDATION', 'An input has at most 100,000 characters.');
    out[def.name] = value;
  }
  return out;
}
