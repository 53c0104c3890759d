/** Facts the person saved (or an agent saved, when allowed), and search over them. */
import { z } from 'zod';
import { ObjectId, Page, Query, SnippetPart } from './ids';
import { channel, Empty } from './shared';

export const MemoryFact = z.object({
  id: z.string(),
  text: z.string(),
  source: z.enum(['person', 'agent']),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type MemoryFact = z.infer<typeof MemoryFact>;

const FactText = z.string().max(10_000);

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
} as const;
