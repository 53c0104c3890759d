import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SecretSummary } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { reloadLibrary, useLibraryStore } from '../../stores/libraryStore';

type Editing = { mode: 'add' } | { mode: 'replace' | 'rename' | 'delete'; secret: SecretSummary };

/** API keys: name, last 4 characters and where each is used. A value goes in once and never comes back. */
export function SecretsCard() {
  const id = useId();
  const secrets = useLibraryStore((s) => s.secrets);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<BridgeCallError | null>(null);

  const open = (e: Editing) => {
    setError(null);
    setName(e.mode === 'add' ? '' : e.secret.name);
    setValue('');
    setEditing(e);
  };
  const close = () => {
    setValue('');
    setEditing(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    setError(null);
    try {
      if (editing.mode === 'add') await api('secrets.create', { name: name.trim(), value });
      else if (editing.mode === 'replace') await api('secrets.replace', { id: editing.secret.id, value });
      else if (editing.mode === 'rename') await api('secrets.rename', { id: editing.secret.id, name: name.trim() });
      else await api('secrets.delete', { id: editing.secret.id });
      close();
      await reloadLibrary();
    } catch (err) {
      setValue('');
      setError(asBridgeError(err));
    }
  };

  const title = !editing ? '' : editing.mode === 'add' ? 'Add a key' : editing.mode === 'replace' ? `Replace ${editing.secret.name}` : editing.mode === 'rename' ? `Rename ${editing.secret.name}` : `Delete ${editing.secret.name}?`;
  return (
    <section className="card card-flush" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Keys</h2>
        <button type="button" className="btn btn-small" onClick={() => open({ mode: 'add' })}>
          Add key
        </button>
      </div>
      {secrets && secrets.length === 0 ? <p className="card-pad muted">No keys yet.</p> : null}
      <ul className="item-list">
        {(secrets ?? []).map((s) => (
          <li key={s.id} className="item-row">
            <span className="item-text">
              <span className="item-name">{s.name}</span>
              <span className="item-note">
                {s.last4 ? `Ends in ${s.last4}` : 'Short value'} · {s.usedBy.length ? `Used by ${s.usedBy.map((u) => u.name).join(', ')}` : 'Not used'}
              </span>
            </span>
            <span className="cell-actions">
              <button type="button" className="btn btn-small" aria-label={`Replace ${s.name}`} onClick={() => open({ mode: 'replace', secret: s })}>
                Replace
              </button>
              <button type="button" className="btn btn-small" aria-label={`Rename ${s.name}`} onClick={() => open({ mode: 'rename', secret: s })}>
                Rename
              </button>
              <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${s.name}`} onClick={() => open({ mode: 'delete', secret: s })}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      {editing ? (
        <Dialog title={title} onClose={close}>
          <form onSubmit={submit} autoComplete="off">
            {editing.mode === 'delete' ? (
              <p>{editing.secret.usedBy.length ? `Connections using it (${editing.secret.usedBy.map((u) => u.name).join(', ')}) stop working until given another key.` : 'It is not used by any connection.'}</p>
            ) : null}
            {editing.mode === 'add' || editing.mode === 'rename' ? (
              <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={1000} autoComplete="off" />
            ) : null}
            {editing.mode === 'add' || editing.mode === 'replace' ? (
              <Field label="Key" type="password" value={value} onChange={(e) => setValue(e.target.value)} required maxLength={16_384} autoComplete="off" hint="Stored encrypted; Cubby never shows it again." />
            ) : null}
            <ErrorAlert error={error} />
            <div className="actions">
              <button type="button" className="btn" onClick={close}>
                Cancel
              </button>
              <button type="submit" className={editing.mode === 'delete' ? 'btn btn-danger' : 'btn btn-primary'}>
                {editing.mode === 'add' ? 'Add key' : editing.mode === 'replace' ? 'Replace key' : editing.mode === 'rename' ? 'Rename' : 'Delete key'}
              </button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </section>
  );
}
