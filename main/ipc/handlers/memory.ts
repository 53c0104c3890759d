import type { memoryChannels } from '../../../preload/contract';
import type { Session } from '../../core/accounts/session';
import { backfillMemoryVectors, configureMemoryEmbeddings, embeddingStatus, type EmbeddingRuntime } from '../../core/agents/memoryEmbeddings';
import { createMemory, deleteMemory, listMemory, searchMemory, updateMemory } from '../../core/vault/memory';
import { clearEmbeddingConfig } from '../../core/vault/memoryVectors';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { usableConnection } from './providerPolicy';

/** How embedding calls leave main for this session: the app's runtime, and the machine policy on the chosen connection. */
export function embeddingRuntime(ctx: HandlerContext, session: Session): EmbeddingRuntime {
  const { fetch, maxRetries } = ctx.providerRuntime;
  const embeddingConnectionAllowed = (connectionId: string) => {
    try {
      usableConnection(ctx, session, connectionId);
      return true;
    } catch {
      return false;
    }
  };
  return { fetch, maxRetries, embeddingConnectionAllowed };
}

/** The new or edited fact gets its vector in the background; a failure there never fails the save. */
function indexLater<T>(ctx: HandlerContext, session: Session, result: T): T {
  void backfillMemoryVectors(session, embeddingRuntime(ctx, session));
  return result;
}

export const memoryHandlers: AreaHandlers<keyof typeof memoryChannels> = {
  'memory.list': (input, ctx) => listMemory(own(ctx), input),
  'memory.create': (input, ctx) => {
    const session = own(ctx);
    return indexLater(ctx, session, createMemory(session, input.text, 'person'));
  },
  'memory.update': (input, ctx) => {
    const session = own(ctx);
    return indexLater(ctx, session, updateMemory(session, input.id, input.text));
  },
  'memory.delete': (input, ctx) => {
    deleteMemory(own(ctx), input.id);
    return {};
  },
  'memory.search': (input, ctx) => searchMemory(own(ctx), input.query, input.limit),
  'memory.embeddingStatus': (_input, ctx) => {
    const session = own(ctx);
    return indexLater(ctx, session, embeddingStatus(session));
  },
  'memory.setEmbeddings': (input, ctx) => {
    const session = own(ctx);
    usableConnection(ctx, session, input.connectionId);
    return configureMemoryEmbeddings(session, { connectionId: input.connectionId, model: input.model }, embeddingRuntime(ctx, session));
  },
  'memory.clearEmbeddings': (_input, ctx) => {
    const session = own(ctx);
    clearEmbeddingConfig(session);
    return embeddingStatus(session);
  },
};
