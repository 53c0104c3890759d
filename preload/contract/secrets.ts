/**
 * API keys and other credentials. Write-only over the bridge: a value goes to main in the
 * request that creates or replaces it, and no answer or event ever carries one back.
 */
import { z } from 'zod';
import { ObjectId } from './ids';
import { channel, Empty } from './shared';

export const SecretSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The last 4 characters ('' for short values), so a person can tell keys apart. */
  last4: z.string(),
  usedBy: z.array(z.object({ kind: z.literal('provider-connection'), id: z.string(), name: z.string() })),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SecretSummary = z.infer<typeof SecretSummary>;

const SecretName = z.string().max(1000);
const SecretValue = z.string().min(1).max(16_384);

export const secretsChannels = {
  'secrets.list': channel(Empty, z.array(SecretSummary), 'session'),
  'secrets.create': channel(z.strictObject({ name: SecretName, value: SecretValue }), SecretSummary, 'session'),
  /** A new value (and optionally a new name); the old value is overwritten. */
  'secrets.replace': channel(z.strictObject({ id: ObjectId, value: SecretValue, name: SecretName.optional() }), SecretSummary, 'session'),
  'secrets.rename': channel(z.strictObject({ id: ObjectId, name: SecretName }), SecretSummary, 'session'),
  /** Connections that used it answer SECRET_MISSING until given another. */
  'secrets.delete': channel(z.strictObject({ id: ObjectId }), Empty, 'session'),
} as const;
