/**
 * What managers see and set about a shared agent's use (quotas, who used it and when), and what
 * each person sees of actions taken on their own account and grants. Counts and times only.
 */
import { z } from 'zod';
import type { Session } from '../accounts/session';
import type { AuditAction } from '../catalog/audit';
import { CubbyError, notFound } from '../errors';
import { parseInput } from '../vault/common';
import { requireAccess } from './access';
import { periodsAt } from './quota';
import type { SharedAgentService } from './sharedAgentService';

const Limit = z.number().int('A limit is a whole number.').min(1, 'A limit is at least 1.').max(1_000_000_000).nullable();
const QuotaInput = z.object({
  /** An account id, or '*' for everyone without a limit of their own. */
  userId: z.string().min(1).max(100),
  messagesPerDay: Limit,
  tokensPerMonth: Limit,
});
export type QuotaInput = z.input<typeof QuotaInput>;

export interface QuotaView {
  userId: string;
  /** null for '*' (everyone). */
  displayName: string | null;
  messagesPerDay: number | null;
  tokensPerMonth: number | null;
  usedToday: number;
  tokensThisMonth: number;
}

export interface AccessLogEntry {
  id: number;
  at: number;
  /** null: an account deleted since. */
  user: { id: string; displayName: string } | null;
}

export function listQuotas(service: SharedAgentService, session: Session, agentId: string): QuotaView[] {
  const { catalog, user, now } = service.member(session);
  requireAccess(catalog, user, agentId, 'setQuota');
  const p = periodsAt(now);
  return catalog.agentUsage.quotas(agentId).map((q) => {
    const counted = q.userId === '*' ? null : q.userId;
    return {
      ...q,
      displayName: counted ? (catalog.users.byId(counted)?.displayName ?? null) : null,
      usedToday: counted ? catalog.agentUsage.counts(agentId, counted, p.day).messages : 0,
      tokensThisMonth: counted ? catalog.agentUsage.counts(agentId, counted, p.month).tokens : 0,
    };
  });
}

/** Both limits null removes the quota. Quotas apply to calls that use the agent's shared credential. */
export function setQuota(service: SharedAgentService, session: Session, agentId: string, input: QuotaInput): void {
  const q = parseInput(QuotaInput, input);
  const { catalog, user, now } = service.member(session);
  catalog.transaction(() => {
    const { agent } = requireAccess(catalog, user, agentId, 'setQuota');
    if (!agent.credentialSealed) throw new CubbyError('VALIDATION', 'Limits apply to an agent that runs on a shared key. Add one first.');
    if (q.userId !== '*' && !catalog.users.byId(q.userId)) throw notFound('account');
    catalog.agentUsage.setQuota(agentId, q);
    service.audit(catalog, now, user, 'agent_quota_set', q.userId === '*' ? null : q.userId, agentId);
  });
}

/** Newest first. */
export function accessLog(service: SharedAgentService, session: Session, agentId: string, page: { limit?: number; beforeId?: number } = {}): AccessLogEntry[] {
  const { catalog, user } = service.member(session);
  requireAccess(catalog, user, agentId, 'readAccessLog');
  const names = new Map<string, string | null>();
  const nameOf = (id: string) => {
    if (!names.has(id)) names.set(id, catalog.users.byId(id)?.displayName ?? null);
    return names.get(id)!;
  };
  return catalog.agentUsage.accessLog(agentId, Math.min(Math.max(page.limit ?? 100, 1), 1000), page.beforeId).map((r) => {
    const displayName = r.userId ? nameOf(r.userId) : null;
    return { id: r.id, at: r.at, user: r.userId && displayName !== null ? { id: r.userId, displayName } : null };
  });
}

/** Actions on a person's account and on grants made to them or their groups. */
const ACCOUNT_ACTIVITY: readonly AuditAction[] = [
  'invite_created',
  'invite_redeemed',
  'password_changed',
  'recovery_used',
  'recovery_key_renewed',
  'user_disabled',
  'user_enabled',
  'role_changed',
  'lockout_cleared',
  'admin_break_glass',
  'group_member_added',
  'group_member_removed',
  'shared_agent_transferred',
  'agent_granted',
  'agent_revoked',
  'agent_quota_set',
];
const GRANT_ACTIONS: readonly AuditAction[] = ['agent_granted', 'agent_revoked'];

export interface ActivityEntry {
  id: number;
  at: number;
  action: AuditAction;
  /** Who acted, without names: the person themselves, an administrator, or someone else (a manager). */
  by: 'you' | 'administrator' | 'someone';
  /** The group concerned (its name): a grant to one of the person's groups, or a membership change. */
  viaGroup: string | null;
  /** The shared agent concerned, when the person can still see it. */
  agentName: string | null;
  /** For agent_granted: the level given; for role_changed: the new role. */
  level: string | null;
}

/** "My account activity": newest first. */
export function accountActivity(service: SharedAgentService, session: Session, page: { limit?: number; beforeId?: number } = {}): ActivityEntry[] {
  const { catalog, user } = service.member(session);
  const groups = catalog.groups.groupIdsOf(user.id);
  const limit = Math.min(Math.max(page.limit ?? 100, 1), 500);
  const rows = catalog.audit.aboutPerson({ userId: user.id, groupIds: groups, accountActions: ACCOUNT_ACTIVITY, groupActions: GRANT_ACTIONS, limit, beforeId: page.beforeId });
  return rows.map((r) => {
    const actor = r.actorId ? catalog.users.byId(r.actorId) : undefined;
    const by = r.actorId === user.id ? 'you' : actor?.role === 'admin' ? 'administrator' : 'someone';
    const [agentId, level] = r.action === 'agent_granted' ? (r.detail ?? '').split(':') : [r.detail, null];
    const membership = r.action === 'group_member_added' || r.action === 'group_member_removed';
    const agent = agentId && !membership ? catalog.sharedAgents.byId(agentId) : undefined;
    const groupId = membership ? r.detail : r.targetId !== user.id ? r.targetId : null;
    const visible = agent && service.levelOf(session, agent.id) !== null;
    return {
      id: r.id,
      at: r.at,
      action: r.action,
      by,
      viaGroup: groupId ? (catalog.groups.byId(groupId)?.name ?? null) : null,
      agentName: visible ? agent.name : null,
      level: r.action === 'agent_granted' ? (level ?? null) : r.action === 'role_changed' ? r.detail : null,
    };
  });
}
