import { useId, useState, type FormEvent } from 'react';
import { api } from '../../bridge';
import type { SharedAgentSummary } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { loadShared } from '../../stores/sharingStore';

/**
 * Managers hand the agent to a new owner (who then manages it). The previous owner keeps only
 * the grants they hold, so the dialog closes when the caller may no longer share it.
 */
export function TransferPanel({ agent, people, onDone }: { agent: SharedAgentSummary; people: { id: string; displayName: string }[]; onDone(): void }) {
  const id = useId();
  const [to, setTo] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useBusyAction(loadShared);
  const name = people.find((p) => p.id === to)?.displayName ?? '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!to) return;
    if (!confirming) return setConfirming(true);
    if (await run(() => api('shared.transfer', { id: agent.id, newOwnerId: to }))) onDone();
  };

  return (
    <form onSubmit={submit} className="share-form" aria-labelledby={`${id}-title`} autoComplete="off">
      <h3 id={`${id}-title`}>Owner</h3>
      <div className="field">
        <label htmlFor={`${id}-to`}>Give this agent to</label>
        <select
          id={`${id}-to`}
          value={to}
          onChange={(e) => {
            setTo(e.target.value);
            setConfirming(false);
          }}
        >
          <option value="">Choose a person…</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
        {confirming ? (
          <p className="hint" role="status">
            {name} will own {agent.name} and manage it.{agent.isOwner ? ' You keep only the access you were granted.' : ''} Press again to confirm.
          </p>
        ) : null}
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <BusyButton busy={busy} busyLabel="Transferring…" disabled={!to}>
          {confirming ? 'Confirm transfer' : 'Transfer ownership'}
        </BusyButton>
      </div>
    </form>
  );
}
