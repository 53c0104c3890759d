import type { AttachmentUpload, chatChannels, RunIds } from '../../../preload/contract';
import type { Session } from '../../core/accounts/session';
import { definitionOf, type AgentDefinition } from '../../core/agents/definition';
import { cancelRun, runAgent, type RunRequest } from '../../core/agents/runner';
import { CubbyError } from '../../core/errors';
import type { AttachmentInput } from '../../core/vault/attachments';
import { getConversation } from '../../core/vault/conversations';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { embeddingRuntime } from './memory';
import { usableConnection } from './providerPolicy';

/** One of the caller's agents, ready to run, if the machine policy still allows its connection. */
function runnableAgent(ctx: HandlerContext, session: Session, agentId: string): AgentDefinition {
  const def = definitionOf(session, agentId);
  if ('connectionId' in def.provider) usableConnection(ctx, session, def.provider.connectionId);
  return def;
}

function agentOfConversation(session: Session, conversationId: string): string {
  const agentId = getConversation(session, conversationId).agentId;
  if (!agentId) throw new CubbyError('AGENT_INCOMPLETE', 'The agent of this conversation was deleted. Start a new chat with another agent.');
  return agentId;
}

function decoded(uploads: AttachmentUpload[] | undefined): AttachmentInput[] | undefined {
  return uploads?.map((u) => ({ name: u.name, mime: u.mime, bytes: Buffer.from(u.dataBase64, 'base64') }));
}

/**
 * Start a run owned by the caller's session and answer where it will appear. Its text goes out
 * as chat.delta events and its end as one chat.finished, to that session's windows only; a run
 * whose session ended (lock, sign-out, window closed) sends nothing more.
 */
async function startRun(ctx: HandlerContext, session: Session, def: AgentDefinition, req: Pick<RunRequest, 'conversationId' | 'mode' | 'text' | 'attachments'>): Promise<RunIds> {
  const started: { ids?: RunIds } = {};
  const run = runAgent(
    session,
    def,
    {
      ...req,
      onStart: (ids) => {
        started.ids = ids;
      },
      onDelta: (d) => ctx.emit(session, 'chat.delta', { conversationId: started.ids!.conversationId, messageId: d.assistantMessageId, text: d.delta }),
    },
    { ...ctx.providerRuntime, embeddingConnectionAllowed: embeddingRuntime(ctx, session).embeddingConnectionAllowed },
  );
  // runAgent saves the turn and calls onStart before its first await: no ids means it refused (its error is the answer).
  if (!started.ids) {
    await run;
    throw new CubbyError('INTERNAL', 'The answer could not start. Try again.');
  }
  run
    .then((r) => {
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
      });
    })
    .catch(() => undefined); // the session closed while finishing: the vault marks it interrupted on next sign-in
  return started.ids;
}

export const chatHandlers: AreaHandlers<keyof typeof chatChannels> = {
  'chat.send': (input, ctx) => {
    const session = own(ctx);
    if (input.conversationId) getConversation(session, input.conversationId);
    const agentId = input.agentId ?? (input.conversationId ? agentOfConversation(session, input.conversationId) : null);
    if (!agentId) throw new CubbyError('VALIDATION', 'Choose an agent to chat with.');
    const def = runnableAgent(ctx, session, agentId);
    return startRun(ctx, session, def, { conversationId: input.conversationId, text: input.text, attachments: decoded(input.attachments) });
  },
  'chat.retry': (input, ctx) => {
    const session = own(ctx);
    const def = runnableAgent(ctx, session, agentOfConversation(session, input.conversationId));
    return startRun(ctx, session, def, { conversationId: input.conversationId, mode: 'retry', text: '' });
  },
  'chat.editLast': (input, ctx) => {
    const session = own(ctx);
    const def = runnableAgent(ctx, session, agentOfConversation(session, input.conversationId));
    return startRun(ctx, session, def, { conversationId: input.conversationId, mode: 'edit-last', text: input.text });
  },
  'chat.cancel': (input, ctx) => ({ cancelled: cancelRun(own(ctx), input.messageId) }),
};
