/**
 * How much of their own memory a person lets a shared agent use. The agent's definition sets the
 * most it may ask for; the person's choice (kept in their vault, default off) decides, so an
 * editor of a shared agent cannot turn on reading or writing anyone's memory by themselves.
 */
import type { Session } from '../accounts/session';
import { getSetting, listSettings, setSetting } from '../vault/settings';
import { MEMORY_ACCESS, type MemoryAccess } from '../vault/agents';

const PREFIX = 'sharedAgentMemory:';
const key = (agentId: string) => `${PREFIX}${agentId}`;

export function myMemoryAccess(session: Session, agentId: string): MemoryAccess {
  const v = getSetting(session, key(agentId));
  return (MEMORY_ACCESS as readonly string[]).includes(v ?? '') ? (v as MemoryAccess) : 'off';
}

export function setMyMemoryAccess(session: Session, agentId: string, access: MemoryAccess): void {
  setSetting(session, key(agentId), access);
}

export function lowerMemoryAccess(a: MemoryAccess, b: MemoryAccess): MemoryAccess {
  return MEMORY_ACCESS[Math.min(MEMORY_ACCESS.indexOf(a), MEMORY_ACCESS.indexOf(b))]!;
}

/** Every choice the person made, by agent id (one read of their settings, for lists). */
export function myMemoryChoices(session: Session): Map<string, MemoryAccess> {
  const out = new Map<string, MemoryAccess>();
  for (const [k, v] of Object.entries(listSettings(session))) {
    if (k.startsWith(PREFIX) && (MEMORY_ACCESS as readonly string[]).includes(v)) out.set(k.slice(PREFIX.length), v as MemoryAccess);
  }
  return out;
}
