/** What each level may see of a shared agent: the shapes the service hands out, nothing more. */
import type { ProviderKindName, SharedAgentRecord } from '../catalog/sharedAgents';
import { atLeast, type AccessLevel } from './levels';

/** Everything a person with view or use sees: never instructions, parameters or the credential. */
export interface SharedAgentSummary {
  id: string;
  name: string;
  description: string;
  avatarColor: string;
  level: AccessLevel;
  isOwner: boolean;
  /** Without a shared credential each person runs it on a connection of their own of this kind. */
  needsOwnConnection: ProviderKindName | null;
  /** The most of a person's memory the agent may use; `myMemoryAccess` is what this person allowed. */
  memoryAccess: SharedAgentRecord['memoryAccess'];
  myMemoryAccess: SharedAgentRecord['memoryAccess'];
  updatedAt: number;
}

/** For edit and above. The credential itself is write-only: only whether it is set and its last 4. */
export interface SharedAgentDefinition extends SharedAgentSummary {
  instructions: string;
  providerKind: ProviderKindName;
  baseUrl: string | null;
  model: string;
  temperature: number | null;
  maxOutputTokens: number | null;
  memoryAccess: SharedAgentRecord['memoryAccess'];
  credential: { set: boolean; last4: string | null };
}

export function summaryOf(a: SharedAgentRecord, level: AccessLevel, userId: string, mine: SharedAgentRecord['memoryAccess'] = 'off'): SharedAgentSummary {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    avatarColor: a.avatarColor,
    level,
    isOwner: a.ownerId === userId,
    needsOwnConnection: a.credentialSealed ? null : a.providerKind,
    memoryAccess: a.memoryAccess,
    myMemoryAccess: mine,
    updatedAt: a.updatedAt,
  };
}

export function definitionOf(a: SharedAgentRecord, level: AccessLevel, userId: string, mine: SharedAgentRecord['memoryAccess'] = 'off'): SharedAgentDefinition {
  if (!atLeast(level, 'edit')) throw new Error('definitionOf below edit'); // callers check first; never reached
  return {
    ...summaryOf(a, level, userId, mine),
    instructions: a.instructions,
    providerKind: a.providerKind,
    baseUrl: a.baseUrl,
    model: a.model,
    temperature: a.temperature,
    maxOutputTokens: a.maxOutputTokens,
    credential: { set: a.credentialSealed !== null, last4: a.credentialLast4 },
  };
}
