import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { MemoryFact } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Snippet } from '../../components/Snippet';
import { formatDateTime } from '../../components/formatTime';
import { sameSession } from '../../stores/epoch';
import { loadMemory, useLibraryStore } from '../../stores/libraryStore';

type Found = MemoryFact & { snippet: { text: string; match: boolean }[] };

/** Facts the person (or an agent allowed to) saved: list, search, add, edit, delete. */
export default function MemorySection() {
  const id = useId();
  const memory = useLibraryStore((s) => s.memory);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found[] | null>(null);
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  useEffect(() => {
    if (memory === null) loadMemory().catch((e) => setError(asBridgeError(e)));
  }, [memory]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await loadMemory();
      if (found) setFound(null);
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => api('memory.create', { text: text.trim() }))) setText('');
  };
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!query.trim()) return setFound(null);
    const current = sameSession();
    try {
      const hits = await api('memory.search', { query: query.trim(), limit: 100 });
      if (current()) setFound(hits);
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  const shown: (MemoryFact & { snippet?: Found['snippet'] })[] = found ?? memory ?? [];
  return (
    <section aria-labelledby="memory-title">
      <h1 id="memory-title" className="page-title" tabIndex={-1}>
        Memory
      </h1>
      <p className="page-lead">Facts your agents may use when they answer you (as each agent's memory access allows). Stored encrypted in your vault.</p>
      <div className="stack">
        <section className="card" aria-labelledby={`${id}-add`}>
          <h2 id={`${id}-add`}>Add a fact</h2>
          <form onSubmit={add} autoComplete="off">
            <div className="field">
              <label htmlFor={`${id}-text`}>Fact</label>
              <textarea id={`${id}-text`} rows={2} value={text} maxLength={10_000} onChange={(e) => setText(e.target.value)} autoComplete="off" />
            </div>
            <div className="actions">
              <button type="submit" className="btn btn-primary" disabled={!text.trim()}>
                Save fact
              </button>
            </div>
          </form>
        </section>
        <ErrorAlert error={error} />
        <section className="card card-flush" aria-labelledby={`${id}-list`}>
          <div className="card-head">
            <h2 id={`${id}-list`}>{found ? 'Matching facts' : 'Saved facts'}</h2>
            <form role="search" aria-label="Memory" onSubmit={search} className="row" autoComplete="off">
              <label htmlFor={`${id}-q`} className="visually-hidden">
                Search memory
              </label>
              <input id={`${id}-q`} type="search" placeholder="Search memory" value={query} onChange={(e) => (setQuery(e.target.value), e.target.value ? null : setFound(null))} autoComplete="off" />
              <button type="submit" className="btn btn-small">
                Search
              </button>
            </form>
          </div>
          {shown.length === 0 && memory !== null ? <p className="card-pad muted">{found ? 'Nothing found.' : 'No facts yet.'}</p> : null}
          <ul className="item-list">
            {shown.map((f) => (
              <li key={f.id} className="item-row">
                {editing?.id === f.id ? (
                  <form
                    className="item-edit"
                    autoComplete="off"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      if (await run(() => api('memory.update', { id: f.id, text: editing.text.trim() }))) setEditing(null);
                    }}
                  >
                    <label htmlFor={`${id}-edit`} className="visually-hidden">
                      Fact
                    </label>
                    <textarea id={`${id}-edit`} rows={2} value={editing.text} onChange={(e) => setEditing({ id: f.id, text: e.target.value })} autoComplete="off" />
                    <span className="cell-actions">
                      <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                      <button type="submit" className="btn btn-small btn-primary">
                        Save
                      </button>
                    </span>
                  </form>
                ) : (
                  <>
                    <span className="item-text">
                      <span className="item-name item-fact">{f.snippet ? <Snippet parts={f.snippet} /> : f.text}</span>
                      <span className="item-note">
                        {f.source === 'agent' ? 'Saved by an agent' : 'Saved by you'} · {formatDateTime(f.updatedAt)}
                      </span>
                    </span>
                    <span className="cell-actions">
                      <button type="button" className="btn btn-small" aria-label="Edit fact" onClick={() => setEditing({ id: f.id, text: f.text })}>
                        Edit
                      </button>
                      <button type="button" className="btn btn-small btn-danger-outline" aria-label="Delete fact" onClick={() => void run(() => api('memory.delete', { id: f.id }))}>
                        Delete
                      </button>
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </section>
  );
}
