import { useId } from 'react';
import { api } from '../../bridge';
import type { SharedAgentSummary } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { loadShared } from '../../stores/sharingStore';

const LABELS = { off: 'Off', read: 'Read it', readwrite: 'Read and add to it' } as const;
const ORDER = ['off', 'read', 'readwrite'] as const;

/**
 * Whether a shared agent may use this person's own memory. The agent sets the most it may ask
 * for; the person decides, and it starts off: their memory is theirs, not the agent owner's.
 */
export function MemoryChoice({ agent }: { agent: SharedAgentSummary }) {
  const id = useId();
  const { busy, error, run } = useBusyAction(loadShared);
  if (agent.memoryAccess === 'off') return null;
  const allowed = ORDER.slice(0, ORDER.indexOf(agent.memoryAccess) + 1);

  const choose = (access: (typeof ORDER)[number]) => run(() => api('shared.setMyMemory', { id: agent.id, access }));

  return (
    <span className="memory-choice">
      <label htmlFor={`${id}-memory`}>My memory</label>{' '}
      <select id={`${id}-memory`} value={agent.myMemoryAccess} disabled={busy} onChange={(e) => void choose(e.target.value as (typeof ORDER)[number])} aria-label={`Let ${agent.name} use my memory`}>
        {allowed.map((a) => (
          <option key={a} value={a}>
            {LABELS[a]}
          </option>
        ))}
      </select>
      <ErrorAlert error={error} />
    </span>
  );
}
