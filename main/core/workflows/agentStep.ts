/**
 * One agent step: a single prompt to an agent (the owner's own, or a shared agent they may use),
 * answered without a conversation. It reuses the chat runner's pieces: provider resolution, the
 * system prompt with memory facts (read only: a workflow never writes memory), and error mapping.
 */
import { estimateTokens } from '../vault/memory';
import { stepCountIs, streamText, type LanguageModelUsage, type ToolSet } from 'ai';
import type { Session } from '../accounts/session';
import { definitionOf, resolveProvider, type AgentDefinition } from '../agents/definition';
import { factsFor, MEMORY_TOKEN_BUDGET, systemPrompt } from '../agents/prompt';
import { mapProviderError } from '../agents/providerErrors';
import { languageModel } from '../agents/providers';
import type { RunRuntime } from '../agents/runner';
import { CubbyError } from '../errors';
import type { PreparedSharedRun } from '../sharing/run';

/** How agent steps find their agents; the wiring adds the machine policy's checks. */
export interface AgentResolver {
  own(session: Session, agentId: string): AgentDefinition;
  /** Access (use or above), quota and access log, as for a chat (prepareSharedRun). */
  shared(session: Session, sharedAgentId: string): Promise<PreparedSharedRun>;
  /** Stop the step (ACCESS_REVOKED) if access goes while it runs; returns the unwatch. */
  watchShared?(session: Session, sharedAgentId: string, credential: Buffer | null, stop: (reason: CubbyError) => void): () => void;
}

/** Own agents only, no policy: what core tests use. */
export const ownAgentsOnly: AgentResolver = {
  own: definitionOf,
  shared: () => Promise.reject(new CubbyError('NOT_SUPPORTED', 'Shared agents are not available here.')),
};

export interface AgentStepResult {
  output: string;
  inputTokens: number | null;
  outputTokens: number | null;
}

const count = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

export async function runAgentStep(
  session: Session,
  agents: AgentResolver,
  agent: { agentId: string } | { sharedAgentId: string },
  prompt: string,
  runtime: RunRuntime,
  signal: AbortSignal,
  /** The owner's tools, as in chat (approval as the run allows); none: no tool calling. */
  tools?: ToolSet,
): Promise<AgentStepResult> {
  let shared: PreparedSharedRun | undefined;
  let def: AgentDefinition;
  if ('sharedAgentId' in agent) {
    shared = await agents.shared(session, agent.sharedAgentId);
    def = shared.definition;
  } else def = agents.own(session, agent.agentId);
  let model: ReturnType<typeof languageModel>;
  try {
    if (!def.model?.trim()) throw new CubbyError('AGENT_INCOMPLETE', 'This agent has no model yet. Choose one in the agent editor.');
    model = languageModel(resolveProvider(session, def), def.model, runtime);
  } catch (e) {
    shared?.release(); // refused before anything was sent: the message does not count
    throw e;
  }

  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const unwatch =
    shared && agents.watchShared ? agents.watchShared(session, def.sharedAgentId!, shared.credentialAtStart, (reason) => controller.abort(reason)) : () => undefined;
  let text = '';
  let usage: LanguageModelUsage | undefined;
  let failure: unknown;
  try {
    const facts = await factsFor(session, def, prompt, runtime.memoryTokenBudget ?? MEMORY_TOKEN_BUDGET, runtime, controller.signal);
    const result = streamText({
      model,
      instructions: systemPrompt({ ...def, memoryAccess: def.memoryAccess === 'off' ? 'off' : 'read' }, facts) || undefined,
      messages: [{ role: 'user', content: prompt }],
      temperature: def.temperature ?? undefined,
      maxOutputTokens: def.maxOutputTokens ?? undefined,
      maxRetries: runtime.maxRetries ?? 2,
      abortSignal: controller.signal,
      tools: tools && Object.keys(tools).length ? tools : undefined,
      stopWhen: stepCountIs(tools && Object.keys(tools).length ? 5 : 1),
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'error') failure ??= part.error;
      else if (part.type === 'finish') usage = part.totalUsage;
    }
  } catch (e) {
    failure ??= e;
  } finally {
    unwatch();
    signal.removeEventListener('abort', onAbort);
  }
  const inputTokens = count(usage?.inputTokens);
  const outputTokens = count(usage?.outputTokens);
  // A stopped or failed step has no usage from the provider: estimated, so stopping is not free.
  shared?.settle((inputTokens ?? estimateTokens(def.instructions + prompt)) + (outputTokens ?? estimateTokens(text)));
  if (controller.signal.aborted) throw controller.signal.reason instanceof CubbyError ? controller.signal.reason : new CubbyError('VALIDATION', 'The run was stopped.');
  if (failure !== undefined) throw mapProviderError(failure);
  return { output: text, inputTokens, outputTokens };
}
