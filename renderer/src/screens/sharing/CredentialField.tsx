import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SharedAgentDefinition } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { sameSession } from '../../stores/epoch';
import { loadShared } from '../../stores/sharingStore';

/** A shared agent's key: write-only. Shows whether one is set and its last 4; replace or remove it. */
export function CredentialField({ definition, onChanged }: { definition: SharedAgentDefinition; onChanged(d: SharedAgentDefinition): void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const { set, last4 } = definition.credential;

  const change = async (next: string | null) => {
    setBusy(true);
    setError(null);
    const current = sameSession();
    try {
      await api('shared.setCredential', { id: definition.id, value: next });
      const fresh = await api('shared.definition', { id: definition.id });
      if (!current()) return;
      setValue('');
      onChanged(fresh);
      await loadShared();
    } catch (e) {
      if (current()) setError(asBridgeError(e));
    } finally {
      if (current()) setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change(value.trim());
  };

  return (
    <section className="credential" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Shared key</h3>
      <p data-testid="shared-credential-state">
        {set ? (
          <>
            <span className="badge badge-ok">Set</span> ends in <span className="mono">…{last4}</span>. Everyone who uses it runs on this key.
          </>
        ) : (
          <>
            <span className="badge badge-muted">Not set</span> Each person uses their own connection.
          </>
        )}
      </p>
      <form onSubmit={submit} autoComplete="off" className="row credential-form">
        <Field label={set ? 'New key' : 'Key'} type="password" value={value} onChange={(e) => setValue(e.target.value)} required maxLength={4096} autoComplete="off" />
        <BusyButton busy={busy} busyLabel="Saving…" className="btn">
          {set ? 'Replace key' : 'Set key'}
        </BusyButton>
        {set ? (
          <button type="button" className="btn btn-danger-outline" disabled={busy} onClick={() => void change(null)}>
            Remove key
          </button>
        ) : null}
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
