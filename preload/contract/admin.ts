/** Admin: accounts, invites and the audit log (role checked against the catalog on every call). */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../main/core/catalog/auditActions';
import { channel, DisplayName, Empty, Role, UserId, Username } from './shared';

export const UserSummary = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  status: z.enum(['invited', 'active', 'disabled']),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
  lockedUntil: z.number().nullable(),
  invite: z.object({ expiresAt: z.number(), expired: z.boolean() }).nullable(),
});
export type UserSummary = z.infer<typeof UserSummary>;

const AuditParty = z.object({ id: z.string(), username: z.string().nullable() }).nullable();
export const AuditEntry = z.object({
  id: z.number(),
  at: z.number(),
  action: z.enum(AUDIT_ACTIONS),
  actor: AuditParty,
  target: AuditParty,
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const adminChannels = {
  'admin.users.list': channel(Empty, z.array(UserSummary), 'admin'),
  'admin.invites.create': channel(
    z.strictObject({ username: Username, displayName: DisplayName, role: Role }),
    z.object({ userId: z.string(), code: z.string(), expiresAt: z.number() }),
    'admin',
  ),
  'admin.users.setDisabled': channel(z.strictObject({ userId: UserId, disabled: z.boolean() }), Empty, 'admin'),
  'admin.users.setRole': channel(z.strictObject({ userId: UserId, role: Role }), Empty, 'admin'),
  'admin.users.clearLockout': channel(z.strictObject({ userId: UserId }), Empty, 'admin'),
  'admin.users.delete': channel(z.strictObject({ userId: UserId, confirmUsername: Username }), Empty, 'admin'),
  'admin.audit.list': channel(
    z.strictObject({
      userId: UserId.optional(),
      action: z.enum(AUDIT_ACTIONS).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      beforeId: z.number().int().positive().optional(),
    }),
    z.array(AuditEntry),
    'admin',
  ),
} as const;
