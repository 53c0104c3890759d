/** Admin: groups of accounts, which shared-agent grants can name (role checked on every call). */
import { z } from 'zod';
import { ObjectId } from './ids';
import { channel, Empty, UserId } from './shared';

export const GroupSummary = z.object({ id: z.string(), name: z.string(), createdAt: z.number(), memberCount: z.number() });
export type GroupSummary = z.infer<typeof GroupSummary>;

const ById = z.strictObject({ id: ObjectId });
const Membership = z.strictObject({ id: ObjectId, userId: UserId });

export const groupsChannels = {
  'admin.groups.list': channel(Empty, z.array(GroupSummary), 'admin'),
  'admin.groups.create': channel(z.strictObject({ name: z.string().max(1000) }), GroupSummary, 'admin'),
  /** Its grants and memberships go with it; the accounts stay. */
  'admin.groups.delete': channel(ById, Empty, 'admin'),
  /** Member account ids, oldest membership first. */
  'admin.groups.members': channel(ById, z.array(z.string()), 'admin'),
  'admin.groups.addMember': channel(Membership, z.object({ added: z.boolean() }), 'admin'),
  'admin.groups.removeMember': channel(Membership, z.object({ removed: z.boolean() }), 'admin'),
} as const;
