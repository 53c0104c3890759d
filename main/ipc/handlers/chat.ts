import type { AttachmentUpload, chatChannels, RunIds } from '../../../preload/contract';
import type { Session } from '../../core/accounts/session';
import { definitionOf, type AgentDefinition } from '../../core/agents/definition';
import { cancelRun, runAgent, type RunRequest, type RunResult } from '../../core/agents/runner';
import { estimateTokens } from '../../core/vault/memory';
import { CubbyError } from '../../core/errors';
import type { AttachmentInput } from '../../core/vault/attachments';
import { getConversation } from '../../core/vault/conversations';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { embeddingRuntime } from './memory';
import { usableConnection } from './providerPolicy';
import { prepareSharedRun, type PreparedSharedRun } from '../../core/sharing/run';
import { requireSharedProviderAllowed } from './sharing';
import { promptApprovalsInWindows } from './tools';

/** One of the caller's agents, ready to run, if the machine policy still allows its connection. */
function runnableAgent(ctx: HandlerContext, session: Session, agentId: string): AgentDefinition {
  const def = definitionOf(session, agentId);
  if ('connectionId' in def.provider) usableConnection(ctx, session, def.provider.connectionId);
  return def;
}

/**
 * A shared agent, ready to run for the caller: access (use or above), quota and access log in
 * the catalog; where it calls checked against the machine policy.
 */
function sharedRunnable(ctx: HandlerContext, session: Session, sharedAgentId: string): Promise<PreparedSharedRun> {
  return prepareSharedRun(ctx.accounts.sharing.service, session, sharedAgentId, (p) => {
    if (p.connectionId) usableConnection(ctx, session, p.connectionId);
    else requireSharedProviderAllowed(ctx, p.kind, p.baseUrl);
  });
}

type Runnable = { def: AgentDefinition; shared?: PreparedSharedRun };

/** The agent a conversation was started with: one of the caller's, or a shared one (checked again now). */
async function agentOfConversation(ctx: HandlerContext, session: Session, conversationId: string): Promise<Runnable> {
  const { agentId, sharedAgentId } = getConversation(session, conversationId);
  if (sharedAgentId) {
    const shared = await sharedRunnable(ctx, session, sharedAgentId);
    return { def: shared.definition, shared };
  }
  if (!agentId) throw new CubbyError('AGENT_INCOMPLETE', 'The agent of this conversation was deleted. Start a new chat with another agent.');
  return { def: runnableAgent(ctx, session, agentId) };
}

function decoded(uploads: AttachmentUpload[] | undefined): AttachmentInput[] | undefined {
  return uploads?.map((u) => ({ name: u.name, mime: u.mime, bytes: Buffer.from(u.dataBase64, 'base64') }));
}

/**
 * Start a run owned by the caller's session and answer where it will appear. Its text goes out
 * as chat.delta events and its end as one chat.finished, to that session's windows only; a run
 * whose session ended (lock, sign-out, window closed) sends nothing more.
 */
async function startRun(
  ctx: HandlerContext,
  session: Session,
  { def, shared }: Runnable,
  req: Pick<RunRequest, 'conversationId' | 'mode' | 'text' | 'attachments'>,
): Promise<RunIds> {
  const started: { ids?: RunIds } = {};
  // A shared agent's answer stops (ACCESS_REVOKED) when its person's access goes while it is written.
  const revoked = new AbortController();
  const unwatch =
    def.sharedAgentId && shared
      ? ctx.accounts.sharing.runs.watch(session, def.sharedAgentId, shared.credentialAtStart, (reason) => revoked.abort(reason))
      : () => undefined;
  promptApprovalsInWindows(ctx, session); // a tool's first use asks in this session's windows
  const run = runAgent(
    session,
    def,
    {
      ...req,
      signal: revoked.signal,
      onStart: (ids) => {
        started.ids = ids;
      },
      onDelta: (d) => ctx.emit(session, 'chat.delta', { conversationId: started.ids!.conversationId, messageId: d.assistantMessageId, text: d.delta }),
    },
    {
      ...ctx.providerRuntime,
      toolServers: ctx.policy.values.allowOwnToolServers,
      embeddingConnectionAllowed: embeddingRuntime(ctx, session).embeddingConnectionAllowed,
    },
  );
  const ended = run.finally(unwatch);
  // runAgent saves the turn and calls onStart before its first await: no ids means it refused (its error is the answer).
  if (!started.ids) {
    try {
      await ended;
    } finally {
      shared?.release(); // nothing reached the provider: the message does not count
    }
    throw new CubbyError('INTERNAL', 'The answer could not start. Try again.');
  }
  ended
    .then((r) => {
      if (shared) countTokens(shared, def, req.text, r);
      if (r.status === 'interrupted' || !session.isOpen) return;
      ctx.emit(session, 'chat.finished', {
        conversationId: r.conversationId,
        messageId: r.assistantMessageId,
        status: r.status,
        ...(r.error && {
          error: {
            code: r.error.code,
            message: r.error.message,
            ...(r.error.retryAfterMs !== undefined && { retryAfterMs: Math.max(0, Math.ceil(r.error.retryAfterMs)) }),
          },
        }),
        model: r.model,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        ttftMs: r.ttftMs,
        totalMs: r.totalMs,
        ...(r.toolCalls.length > 0 && { toolCalls: r.toolCalls }),
      });
    })
    .catch(() => undefined); // the session closed while finishing: the vault marks it interrupted on next sign-in
  return started.ids;
}

/**
 * Count an answer's tokens against the person's quota on a shared key. A stopped or failed
 * answer has no usage from the provider: it is estimated from what was sent and written, so
 * stopping answers just before their end does not make them free.
 */
function countTokens(shared: PreparedSharedRun, def: AgentDefinition, question: string, r: RunResult): void {
  const input = r.inputTokens ?? estimateTokens(def.instructions + question);
  const output = r.outputTokens ?? estimateTokens(r.text);
  try {
    shared.settle(input + output);
  } catch {
    // The catalog is busy or the agent just went: the answer itself is unaffected.
  }
}

export const chatHandlers: AreaHandlers<keyof typeof chatChannels> = {
  'chat.send': async (input, ctx) => {
    const session = own(ctx);
    if (input.agentId && input.sharedAgentId) throw new CubbyError('VALIDATION', 'Choose one agent to chat with.');
    if (input.conversationId) getConversation(session, input.conversationId);
    let runnable: Runnable;
    if (input.sharedAgentId) {
      const shared = await sharedRunnable(ctx, session, input.sharedAgentId);
      runnable = { def: shared.definition, shared };
    } else if (input.agentId) runnable = { def: runnableAgent(ctx, session, input.agentId) };
    else if (input.conversationId) runnable = await agentOfConversation(ctx, session, input.conversationId);
    else throw new CubbyError('VALIDATION', 'Choose an agent to chat with.');
    return startRun(ctx, session, runnable, { conversationId: input.conversationId, text: input.text, attachments: decoded(input.attachments) });
  },
  'chat.retry': async (input, ctx) => {
    const session = own(ctx);
    return startRun(ctx, session, await agentOfConversation(ctx, session, input.conversationId), { conversationId: input.conversationId, mode: 'retry', text: '' });
  },
  'chat.editLast': async (input, ctx) => {
    const session = own(ctx);
    const runnable = await agentOfConversation(ctx, session, input.conversationId);
    return startRun(ctx, session, runnable, { conversationId: input.conversationId, mode: 'edit-last', text: input.text });
  },
  'chat.cancel': (input, ctx) => ({ cancelled: cancelRun(own(ctx), input.messageId) }),
};
