/** Facts the person saved (or an agent saved, when allowed), and search over them. */
import { z } from 'zod';
import { ObjectId, Page, Query, SnippetPart } from './ids';
import { BridgeError, channel, Empty } from './shared';

export const MemoryFact = z.object({
  id: z.string(),
  text: z.string(),
  source: z.enum(['person', 'agent']),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MemoryFact = z.infer<typeof MemoryFact>;

const FactText = z.string().max(10_000);

/** Memory search by meaning: the chosen embedding model, how many facts have a vector from it, why indexing last stopped. */
export const EmbeddingStatus = z.object({
  config: z.object({ connectionId: z.string(), model: z.string() }).nullable(),
  indexed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  lastError: BridgeError.pick({ code: true, message: true }).nullable(),
});
export type EmbeddingStatus = z.infer<typeof EmbeddingStatus>;

export const memoryChannels = {
  /** Newest first. */
  'memory.list': channel(z.strictObject(Page), z.array(MemoryFact), 'session'),
  'memory.create': channel(z.strictObject({ text: FactText }), MemoryFact, 'session'),
  'memory.update': channel(z.strictObject({ id: ObjectId, text: FactText }), MemoryFact, 'session'),
  'memory.delete': channel(z.strictObject({ id: ObjectId }), Empty, 'session'),
  /** Every word must match; the match is marked in `snippet`. */
  'memory.search': channel(
    z.strictObject({ query: Query, limit: z.number().int().min(1).max(200).optional() }),
    z.array(MemoryFact.extend({ snippet: z.array(SnippetPart) })),
    'session',
  ),
  /** Also resumes indexing facts without a vector, in the background. */
  'memory.embeddingStatus': channel(Empty, EmbeddingStatus, 'session'),
  /**
   * "Use for memory search": one test embed through the model first (its failure answers the
   * provider's code and saves nothing; Anthropic answers NOT_SUPPORTED), then facts are indexed
   * in the background. Choosing another model drops the old vectors.
   */
  'memory.setEmbeddings': channel(
    z.strictObject({ connectionId: ObjectId, model: z.string().max(1000) }),
    EmbeddingStatus,
    'session',
    { requires: 'allowOwnProviders' },
  ),
  /** Back to full-text search alone; every vector is deleted. */
  'memory.clearEmbeddings': channel(Empty, EmbeddingStatus, 'session'),
} as const;
