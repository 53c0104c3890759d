/**
 * Shared agents from the catalog (issue 10): "Shared with me", the definition for editors, grants,
 * quotas, the access log, publishing one's own agent, and a person's own account activity.
 * Every answer is shaped by the caller's level: a use-level caller never receives instructions,
 * parameters or the credential (which no channel returns to anyone).
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../main/core/catalog/auditActions';
import { ACCESS_LEVELS } from '../../main/core/sharing/levels';
import { MEMORY_ACCESS } from './agents';
import { ObjectId } from './ids';
import { PROVIDER_KINDS } from './providers';
import { channel, Empty, UserId } from './shared';

export const AccessLevel = z.enum(ACCESS_LEVELS);

export const SharedAgentSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  avatarColor: z.string(),
  level: AccessLevel,
  isOwner: z.boolean(),
  needsOwnConnection: z.enum(PROVIDER_KINDS).nullable(),
  /** The most of a person's own memory the agent may use, and what this person allowed (default off). */
  memoryAccess: z.enum(MEMORY_ACCESS),
  myMemoryAccess: z.enum(MEMORY_ACCESS),
  updatedAt: z.number(),
});
export type SharedAgentSummary = z.infer<typeof SharedAgentSummary>;

export const SharedAgentDefinition = SharedAgentSummary.extend({
  instructions: z.string(),
  providerKind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().nullable(),
  model: z.string(),
  temperature: z.number().nullable(),
  maxOutputTokens: z.number().nullable(),
  credential: z.object({ set: z.boolean(), last4: z.string().nullable() }),
});
export type SharedAgentDefinition = z.infer<typeof SharedAgentDefinition>;

/** What an editor sends: the whole definition (the core checks the values and says what is wrong). */
const DefinitionFields = {
  name: z.string().max(1000),
  description: z.string().max(10_000).optional(),
  avatarColor: z.string().max(32).optional(),
  instructions: z.string().max(1_000_000).optional(),
  providerKind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().max(4096).nullable().optional(),
  model: z.string().max(1000),
  temperature: z.number().nullable().optional(),
  maxOutputTokens: z.number().int().nullable().optional(),
  memoryAccess: z.enum(MEMORY_ACCESS).optional(),
};

const Credential = z.string().max(4096);
export const Subject = z.strictObject({ type: z.enum(['user', 'group']), id: z.uuid() });
export type Subject = z.infer<typeof Subject>;

export const GrantView = z.object({
  subject: z.object({ type: z.enum(['user', 'group']), id: z.string(), name: z.string() }),
  level: AccessLevel,
  grantedAt: z.number(),
});
export type GrantView = z.infer<typeof GrantView>;

const Limit = z.number().int().nullable();
export const QuotaView = z.object({
  userId: z.string(),
  displayName: z.string().nullable(),
  messagesPerDay: z.number().nullable(),
  tokensPerMonth: z.number().nullable(),
  usedToday: z.number(),
  tokensThisMonth: z.number(),
});
export type QuotaView = z.infer<typeof QuotaView>;

export const AccessLogEntry = z.object({ id: z.number(), at: z.number(), user: z.object({ id: z.string(), displayName: z.string() }).nullable() });
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const ActivityEntry = z.object({
  id: z.number(),
  at: z.number(),
  action: z.enum(AUDIT_ACTIONS),
  by: z.enum(['you', 'administrator', 'someone']),
  viaGroup: z.string().nullable(),
  agentName: z.string().nullable(),
  level: z.string().nullable(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

export const Directory = z.object({
  people: z.array(z.object({ id: z.string(), displayName: z.string() })),
  groups: z.array(z.object({ id: z.string(), name: z.string(), memberCount: z.number() })),
});
export type Directory = z.infer<typeof Directory>;

const ById = z.strictObject({ id: ObjectId });
const LogPage = { limit: z.number().int().min(1).max(1000).optional(), beforeId: z.number().int().positive().optional() };

export const sharingChannels = {
  /** Every shared agent the caller may at least see, with their level (administrators: all). */
  'shared.list': channel(Empty, z.array(SharedAgentSummary), 'session'),
  'shared.get': channel(ById, SharedAgentSummary, 'session'),
  /** edit and above. */
  'shared.definition': channel(ById, SharedAgentDefinition, 'session'),
  /** How much of the caller's own memory this agent may use, up to what it allows (use and above). */
  'shared.setMyMemory': channel(z.strictObject({ id: ObjectId, access: z.enum(MEMORY_ACCESS) }), SharedAgentSummary, 'session'),
  /** An administrator creates one (and owns it), with a shared credential when given. */
  'shared.create': channel(z.strictObject({ ...DefinitionFields, credential: Credential.nullable().optional() }), SharedAgentDefinition, 'admin'),
  /** Publish one of the caller's own agents (a copy); `shareKey`: it runs on the caller's key. */
  'shared.publish': channel(z.strictObject({ agentId: ObjectId, shareKey: z.boolean() }), SharedAgentDefinition, 'session'),
  /** Copy the caller's own agent onto the shared agent it was published as. */
  'shared.updateFromMine': channel(z.strictObject({ agentId: ObjectId }), SharedAgentDefinition, 'session'),
  'shared.update': channel(z.strictObject({ id: ObjectId, ...DefinitionFields }), SharedAgentDefinition, 'session'),
  /** Write-only: set, replace or (null) remove. */
  'shared.setCredential': channel(z.strictObject({ id: ObjectId, value: Credential.nullable() }), Empty, 'session'),
  'shared.delete': channel(ById, Empty, 'session'),
  /** `newOwnerId`: the account that becomes the owner. Managers cannot name themselves (administrators can). */
  'shared.transfer': channel(z.strictObject({ id: ObjectId, newOwnerId: UserId }), Empty, 'session'),
  'shared.grants': channel(ById, z.array(GrantView), 'session'),
  'shared.grant': channel(z.strictObject({ id: ObjectId, subject: Subject, level: AccessLevel }), Empty, 'session'),
  'shared.revoke': channel(z.strictObject({ id: ObjectId, subject: Subject }), z.object({ revoked: z.boolean() }), 'session'),
  /** People and groups to pick in a sharing dialog (only for someone who can share). */
  'shared.directory': channel(Empty, Directory, 'session'),
  'shared.quotas': channel(ById, z.array(QuotaView), 'session'),
  /** The limit of `personId`, or '*' for everyone without a limit of their own. Both limits null removes it. */
  'shared.setQuota': channel(
    z.strictObject({ id: ObjectId, personId: z.union([UserId, z.literal('*')]), messagesPerDay: Limit, tokensPerMonth: Limit }),
    Empty,
    'session',
  ),
  'shared.accessLog': channel(z.strictObject({ id: ObjectId, ...LogPage }), z.array(AccessLogEntry), 'session'),
  /** What administrators and managers did to the caller's account and grants, newest first. */
  'activity.mine': channel(z.strictObject(LogPage), z.array(ActivityEntry), 'session'),
} as const;
