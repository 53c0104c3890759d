import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SecretSummary, ToolServerView } from '../../bridge/types';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';

type Kind = 'stdio' | 'http';
/** One environment value or header: from a secret (by id) or, for environment only, a plain value. */
interface Row {
  name: string;
  secretId: string;
  value: string;
}

const rowsOf = (s: ToolServerView | null, kind: Kind): Row[] =>
  kind === 'stdio'
    ? (s?.env ?? []).map((e) => ({ name: e.name, secretId: 'secretId' in e ? e.secretId : '', value: 'value' in e ? e.value : '' }))
    : (s?.headers ?? []).map((h) => ({ name: h.name, secretId: h.secretId, value: '' }));

/** Add or edit a tool server. Secret values are never shown or sent from here: rows name a secret. */
export function ToolServerForm({ server, kind, secrets, onDone, onCancel }: { server: ToolServerView | null; kind: Kind; secrets: SecretSummary[]; onDone(): void; onCancel(): void }) {
  const id = useId();
  const [name, setName] = useState(server?.name ?? '');
  const [command, setCommand] = useState(server?.command ?? '');
  const [args, setArgs] = useState((server?.args ?? []).join('\n'));
  const [url, setUrl] = useState(server?.url ?? '');
  const [rows, setRows] = useState<Row[]>(rowsOf(server, kind));
  const [error, setError] = useState<BridgeCallError | null>(null);
  const setRow = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const what = kind === 'stdio' ? 'environment value' : 'header';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const named = rows.filter((r) => r.name.trim());
    const fields =
      kind === 'stdio'
        ? {
            kind,
            name: name.trim(),
            command: command.trim(),
            args: args.split('\n').filter((a) => a !== ''),
            env: named.map((r) => (r.secretId ? { name: r.name.trim(), secretId: r.secretId } : { name: r.name.trim(), value: r.value })),
          }
        : { kind, name: name.trim(), url: url.trim(), headers: named.map((r) => ({ name: r.name.trim(), secretId: r.secretId })) };
    try {
      if (server) await api('tools.servers.update', { id: server.id, ...fields, enabled: server.enabled });
      else await api('tools.servers.create', fields);
      onDone();
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  return (
    <Dialog title={server ? `Edit ${server.name}` : kind === 'stdio' ? 'Add a command (stdio) tool server' : 'Add an HTTP tool server'} onClose={onCancel}>
      <form onSubmit={submit} autoComplete="off">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        {kind === 'stdio' ? (
          <>
            <Field label="Command" value={command} onChange={(e) => setCommand(e.target.value)} required maxLength={4096} hint="The program to start, for example /usr/bin/node or npx." />
            <div className="field">
              <label htmlFor={`${id}-args`}>Arguments, one per line</label>
              <textarea id={`${id}-args`} rows={3} value={args} onChange={(e) => setArgs(e.target.value)} />
            </div>
          </>
        ) : (
          <Field label="Address" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={2048} hint="The server's Streamable HTTP address, http:// or https://." />
        )}
        <fieldset className="tool-rows">
          <legend>{kind === 'stdio' ? 'Environment' : 'Headers'}</legend>
          {kind === 'stdio' ? <p className="hint">The server gets only these, its own HOME and temporary folders, and a minimal PATH unless you set PATH here.</p> : null}
          {rows.map((r, i) => (
            <div className="tool-row" key={i}>
              <Field label={`Name of ${what} ${i + 1}`} value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} maxLength={128} />
              <div className="field">
                <label htmlFor={`${id}-secret-${i}`}>Secret</label>
                <select id={`${id}-secret-${i}`} value={r.secretId} onChange={(e) => setRow(i, { secretId: e.target.value })} required={kind === 'http'}>
                  {kind === 'stdio' ? <option value="">None: a plain value</option> : <option value="">Choose a key</option>}
                  {secrets.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
              {kind === 'stdio' && !r.secretId ? <Field label="Plain value (not secret)" value={r.value} onChange={(e) => setRow(i, { value: e.target.value })} maxLength={4096} /> : null}
              <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Remove ${what} ${i + 1}`} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={() => setRows((rs) => [...rs, { name: '', secretId: '', value: '' }])}>
            Add {what}
          </button>
        </fieldset>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            {server ? 'Save' : 'Add server'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
