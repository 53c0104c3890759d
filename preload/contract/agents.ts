/** A person's own agents, in their vault. */
import { z } from 'zod';
import { ObjectId } from './ids';
import { channel, Empty } from './shared';

export const MEMORY_ACCESS = ['off', 'read', 'readwrite'] as const;

export const Agent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  avatarColor: z.string(),
  instructions: z.string(),
  connectionId: z.string().nullable(),
  model: z.string().nullable(),
  temperature: z.number().nullable(),
  maxOutputTokens: z.number().nullable(),
  memoryAccess: z.enum(MEMORY_ACCESS),
  /** The shared agent it was published as (its "Update shared copy"), or null. */
  publishedId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Agent = z.infer<typeof Agent>;

/** What the editor sends: the whole agent (the core checks the values and says what is wrong). */
const AgentFields = {
  name: z.string().max(1000),
  description: z.string().max(10_000).optional(),
  avatarColor: z.string().max(32).optional(),
  instructions: z.string().max(1_000_000).optional(),
  connectionId: ObjectId.nullable().optional(),
  model: z.string().max(1000).nullable().optional(),
  temperature: z.number().nullable().optional(),
  maxOutputTokens: z.number().int().nullable().optional(),
  memoryAccess: z.enum(MEMORY_ACCESS).optional(),
};

const ById = z.strictObject({ id: ObjectId });

export const agentsChannels = {
  'agents.list': channel(Empty, z.array(Agent), 'session'),
  'agents.get': channel(ById, Agent, 'session'),
  'agents.create': channel(z.strictObject(AgentFields), Agent, 'session'),
  /** Replaces every editable field. */
  'agents.update': channel(z.strictObject({ id: ObjectId, ...AgentFields }), Agent, 'session'),
  /** A copy named "<name> (copy)". */
  'agents.duplicate': channel(ById, Agent, 'session'),
  /** Its conversations stay, showing the name it had. */
  'agents.delete': channel(ById, Empty, 'session'),
} as const;
