/**
 * Shared agents: definitions in the catalog, granted to people and groups at view < use < edit <
 * share < manage (levels.ts). Every method takes the caller's Session and reads their account
 * and grants again; no user id comes from a caller except as the subject of a grant. What a
 * person does with a shared agent (conversations, memory) is written to their own vault by the
 * runner, never here: the catalog holds definitions, grants, counts and times.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Accounts } from '../accounts/accounts';
import type { Session } from '../accounts/session';
import type { AuditAction } from '../catalog/audit';
import type { Catalog } from '../catalog/catalog';
import type { SharedAgentFields, SharedAgentRecord, SubjectType } from '../catalog/sharedAgents';
import type { UserRecord } from '../catalog/users';
import { CubbyError, notFound } from '../errors';
import { AgentInput, type MemoryAccess } from '../vault/agents';
import { myMemoryAccess, myMemoryChoices, setMyMemoryAccess } from './memoryChoice';
import { parseInput } from '../vault/common';
import { BaseUrl, PROVIDER_KINDS } from '../vault/providerConnections';
import { effectiveLevel, noSuchSharedAgent, requireAccess } from './access';
import { atLeast, highestGrantable, levelOfRank, levelRank, type AccessLevel } from './levels';
import { definitionOf, summaryOf, type SharedAgentDefinition, type SharedAgentSummary } from './views';

export const SharedAgentInput = AgentInput.pick({ name: true, description: true, avatarColor: true, instructions: true, temperature: true, maxOutputTokens: true, memoryAccess: true })
  .extend({
    providerKind: z.enum(PROVIDER_KINDS, 'Choose OpenAI, Anthropic or an OpenAI-compatible server.'),
    baseUrl: BaseUrl.nullish(),
    model: z.string().trim().min(1, 'Choose the model this agent uses.').max(200, 'A model name has at most 200 characters.'),
  })
  .refine((a) => a.providerKind !== 'openai-compatible' || !!a.baseUrl, 'An OpenAI-compatible server needs its address (base URL).');
export type SharedAgentInput = z.input<typeof SharedAgentInput>;

const Credential = z.string().trim().min(8, 'That key looks too short.').max(4096, 'That key is too long.');

export interface Subject {
  type: SubjectType;
  id: string;
}

export interface GrantView {
  subject: Subject & { name: string };
  level: AccessLevel;
  grantedAt: number;
}

export function toFields(input: SharedAgentInput): SharedAgentFields {
  const a = parseInput(SharedAgentInput, input);
  return {
    name: a.name,
    description: a.description,
    avatarColor: a.avatarColor,
    instructions: a.instructions,
    providerKind: a.providerKind,
    baseUrl: a.baseUrl ?? null,
    model: a.model,
    temperature: a.temperature ?? null,
    maxOutputTokens: a.maxOutputTokens ?? null,
    memoryAccess: a.memoryAccess,
  };
}

/** Where a shared agent's key goes: its kind and address (the provider's own when none is named). */
export function destinationOf(a: Pick<SharedAgentFields, 'providerKind' | 'baseUrl'>): string {
  return `${a.providerKind} ${a.baseUrl ?? 'default'}`;
}

export class SharedAgentService {
  constructor(readonly accounts: Accounts) {}

  /** The caller's account and the catalog; LOCKED when the session or account is gone. */
  member(session: Session): ReturnType<Accounts['memberCatalog']> {
    return this.accounts.memberCatalog(session);
  }

  /** "Shared with me": every agent the caller may at least see (administrators: all), by name. */
  list(session: Session): SharedAgentSummary[] {
    const { catalog, user } = this.member(session);
    const mine = myMemoryChoices(session);
    if (user.role === 'admin') return catalog.sharedAgents.all().map((a) => summaryOf(a, 'manage', user.id, mine.get(a.id)));
    return catalog.sharedAgents
      .visibleTo(user.id)
      .map((a) => summaryOf(a, a.ownerId === user.id ? 'manage' : levelOfRank(a.grantRank)!, user.id, mine.get(a.id)));
  }

  get(session: Session, id: string): SharedAgentSummary {
    const { catalog, user } = this.member(session);
    const { agent, level } = requireAccess(catalog, user, id, 'see');
    return summaryOf(agent, level, user.id, myMemoryAccess(session, id));
  }

  definition(session: Session, id: string): SharedAgentDefinition {
    const { catalog, user } = this.member(session);
    const { agent, level } = requireAccess(catalog, user, id, 'readDefinition');
    return definitionOf(agent, level, user.id, myMemoryAccess(session, id));
  }

  /** How much of their own memory the caller lets this agent use (use level and above; default off). */
  setMyMemory(session: Session, id: string, access: MemoryAccess): SharedAgentSummary {
    const { catalog, user } = this.member(session);
    requireAccess(catalog, user, id, 'chat');
    setMyMemoryAccess(session, id, access);
    return this.get(session, id);
  }

  /** An administrator creates a shared agent (they own it), with a credential when given. */
  async create(session: Session, input: SharedAgentInput, credential?: string | null): Promise<SharedAgentDefinition> {
    const fields = toFields(input);
    const key = credential ? parseInput(Credential, credential) : null;
    const requireAdmin = (user: UserRecord) => {
      if (user.role !== 'admin') throw new CubbyError('FORBIDDEN', 'Only an administrator can do that.');
    };
    requireAdmin(this.member(session).user);
    return this.insert(session, fields, key, requireAdmin);
  }

  /**
   * Insert a new agent owned by the caller (an administrator's new agent, or a person publishing
   * one of their own), sealing its credential first so no row exists with a half-set key.
   * `stillAllowed` runs again inside the transaction, after the keychain wait.
   */
  async insert(session: Session, fields: SharedAgentFields, credential: string | null, stillAllowed: (user: UserRecord) => void = () => undefined): Promise<SharedAgentDefinition> {
    const id = randomUUID();
    const { catalog, keys } = this.member(session);
    const sealed = credential ? await keys.sealSharedCredential(catalog.installId, id, destinationOf(fields), credential) : null;
    const { user, now } = this.member(session); // again: the account may have changed during the keychain wait
    catalog.transaction(() => {
      stillAllowed(user);
      catalog.sharedAgents.insert(id, user.id, fields, now);
      if (sealed) catalog.sharedAgents.setCredential(id, sealed, credential!.slice(-4), now);
      this.audit(catalog, now, user, 'shared_agent_created', null, id);
    });
    return this.definition(session, id);
  }

  /**
   * Change the definition (edit and above). Pointing an agent that has a shared key at another
   * provider or address would send its key there: only a manager may, and the key is removed
   * (sealed to the old destination, it would not open anyway); they enter it again.
   */
  update(session: Session, id: string, input: SharedAgentInput): SharedAgentDefinition {
    const fields = toFields(input);
    const { catalog, user, now } = this.member(session);
    const keyRemoved = catalog.transaction(() => {
      const { agent, level } = requireAccess(catalog, user, id, 'edit');
      const keyMoves = agent.credentialSealed !== null && destinationOf(agent) !== destinationOf(fields);
      if (keyMoves && !atLeast(level, 'manage')) {
        throw new CubbyError('FORBIDDEN', 'Only someone who manages this agent can point it at another provider or address: its shared key would go there.');
      }
      catalog.sharedAgents.update(id, fields, now);
      this.audit(catalog, now, user, 'shared_agent_updated', null, id);
      if (!keyMoves) return false;
      catalog.sharedAgents.setCredential(id, null, null, now);
      this.audit(catalog, now, user, 'shared_credential_set', null, id);
      return true;
    });
    if (keyRemoved) this.accounts.accessChanged();
    return this.definition(session, id);
  }

  /** Set, replace or (null) remove the shared credential. Nobody can read it back. */
  async setCredential(session: Session, id: string, value: string | null): Promise<void> {
    const key = value === null ? null : parseInput(Credential, value);
    const first = this.member(session);
    const { agent } = requireAccess(first.catalog, first.user, id, 'replaceCredential');
    const destination = destinationOf(agent);
    const sealed = key ? await first.keys.sealSharedCredential(first.catalog.installId, id, destination, key) : null;
    const { catalog, user, now } = this.member(session);
    catalog.transaction(() => {
      // Again after the keychain wait: the access, and that the agent still goes where the key was sealed for.
      const { agent: latest } = requireAccess(catalog, user, id, 'replaceCredential');
      if (destinationOf(latest) !== destination) throw new CubbyError('VALIDATION', 'This agent was changed just now. Enter the key again.');
      catalog.sharedAgents.setCredential(id, sealed, key ? key.slice(-4) : null, now);
      this.audit(catalog, now, user, 'shared_credential_set', null, id);
    });
    this.accounts.accessChanged();
  }

  /** People's conversations with it stay in their vaults, marked no longer available. */
  delete(session: Session, id: string): void {
    const { catalog, user, now } = this.member(session);
    catalog.transaction(() => {
      requireAccess(catalog, user, id, 'delete');
      catalog.sharedAgents.delete(id);
      this.audit(catalog, now, user, 'shared_agent_deleted', null, id);
    });
    this.accounts.accessChanged();
  }

  /**
   * The new owner gets manage through ownership; the previous owner keeps only their own grants.
   * A manager cannot make themselves the owner (that would put them beyond other managers' reach).
   */
  transfer(session: Session, id: string, toUserId: string): void {
    const { catalog, user, now } = this.member(session);
    catalog.transaction(() => {
      const { agent } = requireAccess(catalog, user, id, 'transfer');
      const target = catalog.users.byId(toUserId);
      if (!target || target.status !== 'active') throw notFound('account');
      if (target.id === agent.ownerId) throw new CubbyError('VALIDATION', 'That person already owns this agent.');
      if (target.id === user.id && user.role !== 'admin') throw new CubbyError('FORBIDDEN', 'You cannot make yourself the owner. Ask the owner or an administrator.');
      catalog.sharedAgents.setOwner(id, target.id, now);
      this.audit(catalog, now, user, 'shared_agent_transferred', target.id, id);
    });
    this.accounts.accessChanged();
  }

  listGrants(session: Session, id: string): GrantView[] {
    const { catalog, user } = this.member(session);
    requireAccess(catalog, user, id, 'listGrants');
    return catalog.sharedAgents.grants(id).flatMap((g) => {
      const name = g.subjectType === 'user' ? catalog.users.byId(g.subjectId)?.displayName : catalog.groups.byId(g.subjectId)?.name;
      const level = levelOfRank(g.level);
      return name && level ? [{ subject: { type: g.subjectType, id: g.subjectId, name }, level, grantedAt: g.grantedAt }] : [];
    });
  }

  /**
   * Give `subject` `level` (replacing what they had). share hands out view and use; manage any
   * level. A grant above what the caller may hand out cannot be changed by them either.
   */
  grant(session: Session, id: string, subject: Subject, level: AccessLevel): void {
    const { catalog, user, now } = this.member(session);
    catalog.transaction(() => {
      const { level: mine } = requireAccess(catalog, user, id, 'see');
      this.requireGrantable(mine, level);
      this.requireSubject(catalog, subject);
      const existing = catalog.sharedAgents.grant(id, subject.type, subject.id);
      if (existing) this.requireGrantable(mine, levelOfRank(existing.level)!);
      catalog.sharedAgents.putGrant({ agentId: id, subjectType: subject.type, subjectId: subject.id, level: levelRank(level), grantedBy: user.id, grantedAt: now });
      this.audit(catalog, now, user, 'agent_granted', subject.id, `${id}:${level}`);
    });
    this.accounts.accessChanged();
  }

  /** False when the subject held no grant. */
  revoke(session: Session, id: string, subject: Subject): boolean {
    const { catalog, user, now } = this.member(session);
    const removed = catalog.transaction(() => {
      const { level: mine } = requireAccess(catalog, user, id, 'revoke');
      const existing = catalog.sharedAgents.grant(id, subject.type, subject.id);
      if (!existing) return false;
      this.requireGrantable(mine, levelOfRank(existing.level)!);
      catalog.sharedAgents.deleteGrant(id, subject.type, subject.id);
      this.audit(catalog, now, user, 'agent_revoked', subject.id, id);
      return true;
    });
    if (removed) this.accounts.accessChanged();
    return removed;
  }

  /**
   * Whom the caller may pick in a sharing dialog: active people and groups. Only for someone who
   * can share at least one agent (an owner, a share grant, an administrator). Anyone may publish
   * an agent and so own one: the people listed are the ones the login screen already shows.
   */
  directory(session: Session): { people: { id: string; displayName: string }[]; groups: { id: string; name: string; memberCount: number }[] } {
    const { catalog, user } = this.member(session);
    const canShare =
      user.role === 'admin' ||
      catalog.sharedAgents.visibleTo(user.id).some((a) => a.ownerId === user.id || atLeast(levelOfRank(a.grantRank), 'share'));
    if (!canShare) throw new CubbyError('FORBIDDEN', 'Only someone who can share an agent can see this list.');
    return {
      people: catalog.users
        .list()
        .filter((u) => u.status === 'active' && u.id !== user.id)
        .map((u) => ({ id: u.id, displayName: u.displayName })),
      groups: catalog.groups.list().map((g) => ({ id: g.id, name: g.name, memberCount: g.memberCount })),
    };
  }

  /** The level the caller has on an agent, or null when they cannot see it (no error). */
  levelOf(session: Session, id: string): AccessLevel | null {
    const { catalog, user } = this.member(session);
    const agent = catalog.sharedAgents.byId(id);
    return agent ? effectiveLevel(catalog, user, agent) : null;
  }

  /** The record, for main only (the runner); throws as requireAccess does. */
  recordFor(session: Session, id: string, action: 'chat'): ReturnType<Accounts['memberCatalog']> & { agent: SharedAgentRecord } {
    const m = this.member(session);
    return { ...m, agent: requireAccess(m.catalog, m.user, id, action).agent };
  }

  private requireGrantable(mine: AccessLevel, level: AccessLevel): void {
    const top = highestGrantable(mine);
    if (!top) throw new CubbyError('FORBIDDEN', 'Only someone who can share this agent can do that.');
    if (levelRank(level) > levelRank(top)) throw new CubbyError('FORBIDDEN', `You can give or take away access up to "${top}" only.`);
  }

  /** Any account that exists: an invited one can be given access before it signs in, a disabled one keeps its grants. */
  private requireSubject(catalog: Catalog, subject: Subject): void {
    if (subject.type === 'user') {
      if (!catalog.users.byId(subject.id)) throw notFound('account');
    } else if (!catalog.groups.byId(subject.id)) {
      throw notFound('group');
    }
  }

  audit(catalog: Catalog, now: number, actor: UserRecord, action: AuditAction, targetId: string | null, detail: string): void {
    catalog.audit.append({ at: now, actorId: actor.id, action, targetId, detail });
  }
}

export { noSuchSharedAgent };
