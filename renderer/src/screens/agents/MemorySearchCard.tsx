import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, BridgeCallError } from '../../bridge';
import type { ChannelOutput, ProviderConnection } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { sameSession } from '../../stores/epoch';

type Status = ChannelOutput<'memory.embeddingStatus'>;

const SUGGESTED_MODEL: Record<ProviderConnection['kind'], string> = {
  openai: 'text-embedding-3-small',
  'openai-compatible': 'nomic-embed-text',
  anthropic: '',
};

/** How often the card asks how far indexing has got, while it is under way. */
const PROGRESS_POLL_MS = 2000;

function summary(s: Status): string {
  if (!s.config) return 'Off: memories are found by their words only.';
  return `On (${s.config.model}): ${s.indexed} of ${s.total} ${s.total === 1 ? 'memory' : 'memories'} indexed.`;
}

/**
 * "Use for memory search": an embedding model on one OpenAI or OpenAI-compatible connection,
 * so agents find memories by meaning as well as by words. Saving tests the model first.
 */
export function MemorySearchCard({ providers, forbidden }: { providers: ProviderConnection[]; forbidden: boolean }) {
  const id = useId();
  const usable = providers.filter((p) => p.kind !== 'anthropic');
  const [status, setStatus] = useState<Status | null>(null);
  const [connectionId, setConnectionId] = useState('');
  const [model, setModel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const chosen = usable.find((p) => p.id === connectionId) ?? usable[0];

  useEffect(() => {
    const current = sameSession();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      try {
        const s = await api('memory.embeddingStatus', {});
        if (!current()) return;
        setStatus(s);
        if (s.config && s.indexed < s.total && !s.lastError) timer = setTimeout(() => void refresh(), PROGRESS_POLL_MS);
      } catch (e) {
        if (current()) setError(asBridgeError(e));
      }
    };
    void refresh();
    return () => clearTimeout(timer);
  }, [busy]);

  useEffect(() => {
    if (!status?.config) return;
    setConnectionId(status.config.connectionId);
    setModel(status.config.model);
  }, [status?.config?.connectionId, status?.config?.model]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    const current = sameSession();
    try {
      const s = await api('memory.setEmbeddings', { connectionId: chosen.id, model: model.trim() || SUGGESTED_MODEL[chosen.kind] });
      if (current()) setStatus(s);
    } catch (err) {
      if (current()) setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };
  const turnOff = async () => {
    setError(null);
    try {
      setStatus(await api('memory.clearEmbeddings', {}));
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Memory search</h2>
      <p className="muted">
        Let agents find memories by meaning, not only by their words: an embedding model turns each memory into numbers, kept in your
        encrypted vault. OpenAI and OpenAI-compatible servers have embedding models; Anthropic has none.
      </p>
      <p className="status-text" role="status">
        {status ? summary(status) : ''}
      </p>
      {status?.lastError ? <ErrorAlert error={new BridgeCallError({ code: status.lastError.code, message: `Indexing stopped: ${status.lastError.message}` })} /> : null}
      {usable.length === 0 ? (
        <p className="muted">Add an OpenAI or OpenAI-compatible connection to use one of its embedding models.</p>
      ) : (
        <form onSubmit={save} autoComplete="off" aria-busy={busy}>
          <div className="grid-2">
            <div className="field">
              <label htmlFor={`${id}-connection`}>Connection</label>
              <select id={`${id}-connection`} value={chosen?.id ?? ''} onChange={(e) => setConnectionId(e.target.value)} disabled={forbidden}>
                {usable.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <Field
              label="Embedding model"
              value={model}
              onChange={(e) => setModel(e.target.value)}
              placeholder={chosen ? SUGGESTED_MODEL[chosen.kind] : ''}
              maxLength={200}
              autoComplete="off"
              disabled={forbidden}
              hint="Empty: the suggested model. Changing the model indexes every memory again."
            />
          </div>
          <ErrorAlert error={error} />
          <div className="actions">
            {status?.config ? (
              <button type="button" className="btn" onClick={() => void turnOff()}>
                Turn off
              </button>
            ) : null}
            <BusyButton busy={busy} busyLabel="Testing the model…" disabled={forbidden}>
              Use for memory search
            </BusyButton>
          </div>
        </form>
      )}
    </section>
  );
}
