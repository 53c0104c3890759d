/**
 * Provider connections (kind, address, which secret holds the key), their models, and local
 * servers offered in one click. The machine policy can forbid adding or using them
 * (POLICY_FORBIDS); every provider call runs in main with the key read at call time.
 */
import { z } from 'zod';
import { ObjectId } from './ids';
import { channel, Empty } from './shared';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible'] as const;

export const ProviderConnection = z.object({
  id: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  name: z.string(),
  /** null: the provider's public endpoint. */
  baseUrl: z.string().nullable(),
  secretId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ProviderConnection = z.infer<typeof ProviderConnection>;

export const ModelInfo = z.object({ id: z.string(), name: z.string() });
export type ModelInfo = z.infer<typeof ModelInfo>;

export const LocalServerOffer = z.object({ name: z.enum(['Ollama', 'LM Studio']), baseUrl: z.string(), models: z.array(ModelInfo) });
export type LocalServerOffer = z.infer<typeof LocalServerOffer>;

const ConnectionFields = {
  kind: z.enum(PROVIDER_KINDS),
  name: z.string().max(1000),
  baseUrl: z.string().max(2048).nullable().optional(),
  secretId: ObjectId.nullable().optional(),
};
const ById = z.strictObject({ id: ObjectId });

export const providersChannels = {
  'providers.list': channel(Empty, z.array(ProviderConnection), 'session'),
  /** The first connection also creates the starter "Assistant" agent (on `starterModel` when given). */
  'providers.create': channel(
    z.strictObject({ ...ConnectionFields, starterModel: z.string().min(1).max(200).optional() }),
    ProviderConnection,
    'session',
    { requires: 'allowOwnProviders' },
  ),
  'providers.update': channel(z.strictObject({ id: ObjectId, ...ConnectionFields }), ProviderConnection, 'session', { requires: 'allowOwnProviders' }),
  /** Agents on it stay, without a connection, until given another. */
  'providers.delete': channel(ById, Empty, 'session'),
  /** The connection's models (its models endpoint); failures answer the provider codes. */
  'providers.models': channel(ById, z.array(ModelInfo), 'session'),
  /** "Test connection": the same request as the model list, answered as a count. */
  'providers.test': channel(ById, z.object({ modelCount: z.number().int().nonnegative() }), 'session'),
  /** Ollama and LM Studio answering on their default loopback ports (and allowed here). */
  'providers.probeLocal': channel(Empty, z.array(LocalServerOffer), 'session', { requires: 'allowOwnProviders' }),
} as const;
