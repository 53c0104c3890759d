import { useId } from 'react';
import type { Agent, SharedAgentSummary } from '../../bridge/types';
import { SHARED_PREFIX } from '../../stores/sharingStore';
import { atLeast } from '../../../../main/core/sharing/levels';

/** Shared agents a new chat may start with: use level or above. */
export const usableShared = (shared: SharedAgentSummary[] | null) => (shared ?? []).filter((a) => atLeast(a.level, 'use'));

/**
 * The agent a new chat starts with: `choice` when it is still offered, else the first of one's
 * own agents, else the first usable shared agent ('' when there is none).
 */
export function resolveChoice(choice: string, agents: Agent[] | null, shared: SharedAgentSummary[] | null): string {
  const offered = [...(agents ?? []).map((a) => a.id), ...usableShared(shared).map((a) => `${SHARED_PREFIX}${a.id}`)];
  return offered.includes(choice) ? choice : (offered[0] ?? '');
}

/** What chat.send needs for a choice: an own agent's id or a shared agent's. */
export function sendTarget(choice: string): { agentId?: string; sharedAgentId?: string } {
  if (!choice) return {};
  return choice.startsWith(SHARED_PREFIX) ? { sharedAgentId: choice.slice(SHARED_PREFIX.length) } : { agentId: choice };
}

export function choiceName(choice: string, agents: Agent[] | null, shared: SharedAgentSummary[] | null): string | undefined {
  if (choice.startsWith(SHARED_PREFIX)) return shared?.find((a) => `${SHARED_PREFIX}${a.id}` === choice)?.name;
  return agents?.find((a) => a.id === choice)?.name;
}

/** The "Agent" picker of a new chat: one's own agents, then the shared ones, marked as shared. */
export function AgentPicker({
  value,
  onChange,
  agents,
  shared,
}: {
  value: string;
  onChange(choice: string): void;
  agents: Agent[] | null;
  shared: SharedAgentSummary[] | null;
}) {
  const id = useId();
  const sharedUsable = usableShared(shared);
  const chosenShared = value.startsWith(SHARED_PREFIX);
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Agent</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={!agents} aria-describedby={chosenShared ? `${id}-shared` : undefined}>
        {agents && agents.length > 0 ? (
          <optgroup label="Your agents">
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </optgroup>
        ) : null}
        {sharedUsable.length > 0 ? (
          <optgroup label="Shared with you">
            {sharedUsable.map((a) => (
              <option key={a.id} value={`${SHARED_PREFIX}${a.id}`}>
                {a.name} (shared)
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      {chosenShared ? (
        <span className="badge badge-info" id={`${id}-shared`}>
          Shared agent
        </span>
      ) : null}
    </div>
  );
}
