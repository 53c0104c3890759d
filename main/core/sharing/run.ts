/**
 * Running a shared agent for one person: the access check, the quota and the access log in the
 * catalog; the conversation, memory and answer in the person's own vault (the runner). The
 * shared credential is opened in main at call time and goes nowhere but the provider SDK.
 */
import type { Session } from '../accounts/session';
import type { AgentDefinition } from '../agents/definition';
import type { ResolvedProvider } from '../agents/providers';
import { CubbyError } from '../errors';
import { listConnections } from '../vault/providerConnections';
import { baseUrlOf } from '../agents/providers';
import { destinationOf } from './sharedAgentService';
import { lowerMemoryAccess, myMemoryAccess } from './memoryChoice';
import { effectiveLevel, requireAccess } from './access';
import { atLeast } from './levels';
import { recordTokens, releaseMessage, reserveMessage } from './quota';
import type { SharedAgentService } from './sharedAgentService';

export interface PreparedSharedRun {
  definition: AgentDefinition;
  /** Count the tokens the answer used against the person's quota (shared credential only). */
  settle(tokens: number): void;
  /** The run was refused before it started (nothing was sent): give the reserved message back. */
  release(): void;
  /** The sealed key the run uses (null: the person's own connection); a run stops when it changes. */
  credentialAtStart: Buffer | null;
}

/** Whether a connection's address is the one a shared agent names (none: the provider's own). */
function sameAddress(kind: ResolvedProvider['kind'], connectionUrl: string | null, agentUrl: string | null): boolean {
  const norm = (url: string | null) => {
    if (url) return url.replace(/\/+$/, '');
    return kind === 'openai-compatible' ? null : baseUrlOf({ kind });
  };
  return norm(connectionUrl) === norm(agentUrl);
}

const KIND_NAMES = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'OpenAI-compatible' } as const;

/**
 * Everything needed to run shared agent `id` for the caller, or the refusal: NOT_FOUND without
 * access, FORBIDDEN below use, QUOTA_EXCEEDED with its reset time, AGENT_INCOMPLETE when the
 * agent has no shared credential and the person has no connection of its kind.
 * `checkProvider` applies the machine policy to where the call will go.
 */
export async function prepareSharedRun(
  service: SharedAgentService,
  session: Session,
  id: string,
  checkProvider: (p: { kind: ResolvedProvider['kind']; baseUrl: string | null; connectionId?: string }) => void,
): Promise<PreparedSharedRun> {
  const first = service.recordFor(session, id, 'chat');
  const { agent } = first;
  const destination = destinationOf(agent);
  let provider: AgentDefinition['provider'];
  let apiKey: string | null = null;
  if (agent.credentialSealed) {
    checkProvider({ kind: agent.providerKind, baseUrl: agent.baseUrl });
    apiKey = await first.keys.openSharedCredential(first.catalog.installId, agent.id, destination, agent.credentialSealed);
    provider = { kind: agent.providerKind, baseUrl: agent.baseUrl, apiKey };
  } else {
    // The person's own connection to exactly the provider and address the agent names: a
    // connection of theirs elsewhere would hand the agent's instructions to a server they pick.
    const own = listConnections(session).find((c) => c.kind === agent.providerKind && sameAddress(c.kind, c.baseUrl, agent.baseUrl));
    if (!own) {
      throw new CubbyError(
        'AGENT_INCOMPLETE',
        `This shared agent runs on your own ${KIND_NAMES[agent.providerKind]} connection to ${agent.baseUrl ?? "the provider's own address"}. Add one in Settings under Providers.`,
      );
    }
    checkProvider({ kind: own.kind, baseUrl: own.baseUrl, connectionId: own.id });
    provider = { connectionId: own.id };
  }

  // After the keychain wait: the access (a revocation meanwhile), the quota, the access log, in one transaction.
  const { catalog, user, now } = service.member(session);
  const current = catalog.transaction(() => {
    const { agent: latest } = requireAccess(catalog, user, id, 'chat');
    const sameKey = (latest.credentialSealed === null) === (agent.credentialSealed === null) && (!latest.credentialSealed || latest.credentialSealed.equals(agent.credentialSealed!));
    if (!sameKey || destinationOf(latest) !== destination) throw new CubbyError('VALIDATION', 'This agent was changed just now. Send your message again.');
    if (apiKey !== null) reserveMessage(catalog, id, user.id, now);
    catalog.agentUsage.logAccess(id, user.id, now);
    return latest;
  });
  return {
    definition: {
      name: current.name,
      instructions: current.instructions,
      provider,
      model: current.model,
      temperature: current.temperature,
      maxOutputTokens: current.maxOutputTokens,
      // The person's own memory goes to a shared agent only as far as they allowed it (default off).
      memoryAccess: lowerMemoryAccess(current.memoryAccess, myMemoryAccess(session, id)),
      agentId: null,
      sharedAgentId: current.id,
    },
    settle: (tokens) => {
      if (apiKey !== null) recordTokens(catalog, id, user.id, now, tokens);
    },
    release: () => {
      if (apiKey !== null) releaseMessage(catalog, id, user.id, now);
    },
    credentialAtStart: current.credentialSealed,
  };
}

/**
 * Answers being written with shared agents, per session: when access may have changed (a grant
 * revoked, a group membership removed, the agent deleted, a role changed, its key replaced or
 * removed), each is checked again and stopped with ACCESS_REVOKED if its person may no longer
 * use the agent, or its shared key is not the one it started with.
 */
export class SharedRunWatch {
  private readonly runs = new Set<{ session: Session; agentId: string; credential: Buffer | null; stop: (reason: CubbyError) => void }>();

  constructor(private readonly service: SharedAgentService) {
    service.accounts.onAccessChanged(() => this.recheck());
    service.accounts.onAccountChanged(() => this.recheck()); // a demoted administrator loses manage on all
  }

  /** Returns the function that forgets the run (call it when the answer ends). */
  watch(session: Session, agentId: string, credential: Buffer | null, stop: (reason: CubbyError) => void): () => void {
    const run = { session, agentId, credential, stop };
    this.runs.add(run);
    return () => this.runs.delete(run);
  }

  recheck(): void {
    for (const run of [...this.runs]) {
      const why = this.reasonToStop(run);
      if (why) {
        this.runs.delete(run);
        run.stop(new CubbyError('ACCESS_REVOKED', why));
      }
    }
  }

  private reasonToStop(run: { session: Session; agentId: string; credential: Buffer | null }): string | null {
    const revoked = 'Your access to this agent was removed, so its answer stopped. What it wrote so far is kept.';
    try {
      if (!run.session.isOpen) return revoked;
      const { catalog, user } = this.service.member(run.session);
      const agent = catalog.sharedAgents.byId(run.agentId);
      if (!agent || !atLeast(effectiveLevel(catalog, user, agent), 'use')) return revoked;
      if (run.credential && !agent.credentialSealed?.equals(run.credential)) {
        return "This agent's shared key was changed or removed, so its answer stopped. What it wrote so far is kept.";
      }
      return null;
    } catch {
      return revoked; // the account is gone: its session is closing anyway
    }
  }
}
