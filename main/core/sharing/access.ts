/**
 * Who may do what with a shared agent, read from the catalog on every call: a revocation, a
 * removed group membership or a demotion takes effect at the next call.
 */
import type { Catalog } from '../catalog/catalog';
import type { SharedAgentRecord } from '../catalog/sharedAgents';
import type { UserRecord } from '../catalog/users';
import { CubbyError, notFound } from '../errors';
import { ACTION_NEEDS, atLeast, levelOfRank, type AccessLevel, type SharedAgentAction } from './levels';

/** The one answer for an agent that does not exist and for one the caller cannot see. */
export const noSuchSharedAgent = (): CubbyError => notFound('shared agent');

/** manage for administrators and the owner, else the highest direct or group grant (null: none). */
export function effectiveLevel(catalog: Catalog, user: UserRecord, agent: Pick<SharedAgentRecord, 'id' | 'ownerId'>): AccessLevel | null {
  if (user.role === 'admin' || agent.ownerId === user.id) return 'manage';
  return levelOfRank(catalog.sharedAgents.grantRank(agent.id, user.id));
}

const FORBIDDEN_MESSAGES: Record<AccessLevel, string> = {
  view: 'You can see this agent, but not use it. Ask whoever shared it for access.',
  use: 'You can chat with this agent, but not change it or see how it is set up.',
  edit: 'You can change this agent, but not share it.',
  share: 'Only someone who manages this agent can do that.',
  manage: 'Only someone who manages this agent can do that.',
};

/** The agent, if `user` may take `action` on it: NOT_FOUND without any access, FORBIDDEN below the level needed. */
export function requireAccess(catalog: Catalog, user: UserRecord, agentId: string, action: SharedAgentAction): { agent: SharedAgentRecord; level: AccessLevel } {
  const agent = catalog.sharedAgents.byId(agentId);
  const level = agent ? effectiveLevel(catalog, user, agent) : null;
  if (!agent || !level) throw noSuchSharedAgent();
  if (!atLeast(level, ACTION_NEEDS[action])) throw new CubbyError('FORBIDDEN', FORBIDDEN_MESSAGES[level]);
  return { agent, level };
}
