import type { Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { getAgent, type MemoryAccess } from '../vault/agents';
import { connectionMissing } from '../vault/providerConnections';
import { resolveConnection, type ResolvedProvider } from './providers';

/**
 * What the runner needs to run an agent, wherever its definition lives: a person's own agent
 * (definitionOf), a shared agent from the catalog, or a workflow step. Not a table row.
 */
export interface AgentDefinition {
  name: string;
  instructions: string;
  /** A connection in the caller's vault (its key read at call time), or an already resolved provider. */
  provider: { connectionId: string } | ResolvedProvider;
  model: string;
  temperature?: number | null;
  maxOutputTokens?: number | null;
  memoryAccess: MemoryAccess;
  /** The agent's id in the caller's vault, when it is one of theirs (linked from new conversations). */
  agentId?: string | null;
  /** The shared agent's catalog id, when it is one (its conversations name it). */
  sharedAgentId?: string | null;
}

/** The definition of one of the caller's own agents. */
export function definitionOf(session: Session, agentId: string): AgentDefinition {
  const a = getAgent(session, agentId);
  if (!a.connectionId) throw connectionMissing();
  if (!a.model) throw new CubbyError('AGENT_INCOMPLETE', 'This agent has no model yet. Choose one in the agent editor.');
  return {
    name: a.name,
    instructions: a.instructions,
    provider: { connectionId: a.connectionId },
    model: a.model,
    temperature: a.temperature,
    maxOutputTokens: a.maxOutputTokens,
    memoryAccess: a.memoryAccess,
    agentId: a.id,
  };
}

/** Where a definition's calls go: its connection read from the caller's vault now, or its resolved provider. */
export function resolveProvider(session: Session, def: AgentDefinition): ResolvedProvider {
  return 'connectionId' in def.provider ? resolveConnection(session, def.provider.connectionId) : def.provider;
}
