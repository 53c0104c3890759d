/**
 * A person publishes one of their own agents: the catalog gets a copy of its definition, owned
 * by them, and their agent remembers it (agents.published_id) so they can update it from their
 * copy later. Their key goes with it only when they choose to share it.
 */
import type { Session } from '../accounts/session';
import { vaultOf } from '../accounts/session';
import { CubbyError } from '../errors';
import { getAgent, type Agent } from '../vault/agents';
import { getConnection } from '../vault/providerConnections';
import { readSecretValue } from '../vault/secrets';
import type { SharedAgentService, SharedAgentInput } from './sharedAgentService';
import { toFields } from './sharedAgentService';
import type { SharedAgentDefinition } from './views';

function publishedIdOf(session: Session, agentId: string): string | null {
  return (vaultOf(session).prepare('SELECT published_id FROM agents WHERE id = ?').pluck().get(agentId) as string | null | undefined) ?? null;
}

function inputFrom(session: Session, agent: Agent): SharedAgentInput {
  if (!agent.connectionId || !agent.model) throw new CubbyError('AGENT_INCOMPLETE', 'Choose a provider connection and a model for this agent before you publish it.');
  const connection = getConnection(session, agent.connectionId);
  return {
    name: agent.name,
    description: agent.description,
    avatarColor: agent.avatarColor,
    instructions: agent.instructions,
    providerKind: connection.kind,
    baseUrl: connection.baseUrl,
    model: agent.model,
    temperature: agent.temperature,
    maxOutputTokens: agent.maxOutputTokens,
    memoryAccess: agent.memoryAccess,
  };
}

/** Agents of each session being published right now: a double click publishes once. */
const publishing = new WeakMap<Session, Set<string>>();

function requireNotPublished(service: SharedAgentService, session: Session, agentId: string): void {
  const previous = publishedIdOf(session, agentId);
  if (previous && service.levelOf(session, previous)) {
    throw new CubbyError('VALIDATION', 'This agent is already published. Update the shared copy instead.');
  }
}

/**
 * Publish `agentId` (one of the caller's). `shareKey`: people who use it run on the caller's key.
 * `checkProvider` applies the machine policy to where the shared copy will call.
 */
export async function publishAgent(
  service: SharedAgentService,
  session: Session,
  agentId: string,
  opts: { shareKey: boolean; checkProvider: (kind: SharedAgentInput['providerKind'], baseUrl: string | null) => void },
): Promise<SharedAgentDefinition> {
  const agent = getAgent(session, agentId);
  const inFlight = publishing.get(session) ?? new Set<string>();
  if (inFlight.has(agentId)) throw new CubbyError('VALIDATION', 'This agent is being published already.');
  requireNotPublished(service, session, agentId);
  const input = inputFrom(session, agent);
  opts.checkProvider(input.providerKind, input.baseUrl ?? null);
  let key: string | null = null;
  if (opts.shareKey) {
    const secretId = getConnection(session, agent.connectionId!).secretId;
    key = secretId ? readSecretValue(session, secretId) : null;
    if (!key) throw new CubbyError('SECRET_MISSING', "This agent's connection has no key to share. Add one in Settings under Secrets, or publish without it.");
  }
  publishing.set(session, inFlight.add(agentId));
  try {
    const { catalog } = service.member(session);
    const published = await service.insert(session, toFields(input), key, () => requireNotPublished(service, session, agentId));
    try {
      vaultOf(session).prepare('UPDATE agents SET published_id = ? WHERE id = ?').run(published.id, agentId);
    } catch (e) {
      catalog.sharedAgents.delete(published.id); // the vault closed meanwhile: no orphan copy in the catalog
      throw e;
    }
    return published;
  } finally {
    inFlight.delete(agentId);
  }
}

/** Copy the caller's agent onto the shared agent it was published as (edit access needed). The key is not touched. */
export function updatePublished(service: SharedAgentService, session: Session, agentId: string): SharedAgentDefinition {
  const agent = getAgent(session, agentId);
  const publishedId = publishedIdOf(session, agentId);
  if (!publishedId) throw new CubbyError('VALIDATION', 'This agent has not been published.');
  return service.update(session, publishedId, inputFrom(session, agent));
}
