import '../../styles/workflows.css';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { Workflow } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { formatDateTime } from '../../components/formatTime';
import { PRESETS } from './presets';
import { RunHistory } from './RunHistory';
import { WorkflowEditor } from './WorkflowEditor';

function scheduleText(w: Workflow): string {
  if (!w.schedule) return 'Runs when you start it';
  const when = w.schedule.preset ? PRESETS[w.schedule.preset].label : `cron ${w.schedule.cron}`;
  if (!w.enabled) return `${when} (schedule off)`;
  return `${when}${w.nextRunAt ? ` · next ${formatDateTime(w.nextRunAt)}` : ''}${w.allowBackground ? ' · keeps running while locked' : ''}`;
}

/** Asks for the workflow's inputs, then starts a run. */
function RunNowDialog({ workflow, onClose }: { workflow: Workflow; onClose: (started: boolean) => void }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(workflow.inputs.map((i) => [i.name, i.default])));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('workflows.runNow', { id: workflow.id, inputs: values });
      onClose(true);
    } catch (err) {
      setError(asBridgeError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Run ${workflow.name}`} onClose={() => onClose(false)}>
      <form onSubmit={submit} autoComplete="off">
        {workflow.inputs.length === 0 ? <p>This workflow has no inputs.</p> : null}
        {workflow.inputs.map((i) => (
          <Field
            key={i.name}
            label={i.label || i.name}
            value={values[i.name] ?? ''}
            required={i.required}
            onChange={(e) => setValues({ ...values, [i.name]: e.target.value })}
            maxLength={100_000}
          />
        ))}
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={() => onClose(false)}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Starting…">
            Start run
          </BusyButton>
        </div>
      </form>
    </Dialog>
  );
}

/** The person's workflows: list, editor, run now, and the history of their runs. */
export default function WorkflowsSection() {
  const [workflows, setWorkflows] = useState<Workflow[] | null>(null);
  const [editing, setEditing] = useState<Workflow | 'new' | null>(null);
  const [running, setRunning] = useState<Workflow | null>(null);
  const [deleting, setDeleting] = useState<Workflow | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    api('workflows.list', {}).then(setWorkflows, (e) => setError(asBridgeError(e)));
  }, []);
  useEffect(load, [load]);

  return (
    <section aria-labelledby="workflows-title">
      <div className="page-head">
        <h1 id="workflows-title" className="page-title" tabIndex={-1}>
          Workflows
        </h1>
        {editing === null ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New workflow
          </button>
        ) : null}
      </div>
      <p className="page-lead">
        Steps that run one after another: agents and tools, now or on a schedule in this computer's time zone. Runs happen only while you are signed in,
        unless a workflow keeps running while your window is locked.
      </p>
      <div className="stack">
        {editing !== null ? (
          <WorkflowEditor
            key={editing === 'new' ? 'new' : editing.id}
            workflow={editing === 'new' ? null : editing}
            onDone={(saved) => {
              setEditing(null);
              if (saved) load();
            }}
          />
        ) : null}
        <ErrorAlert error={error} />
        {notice ? (
          <p className="alert alert-success" role="status">
            {notice}
          </p>
        ) : null}
        <section className="card card-flush" aria-labelledby="workflows-list-title">
          <h2 id="workflows-list-title" className="visually-hidden">
            Your workflows
          </h2>
          {workflows && workflows.length === 0 ? (
            <div className="placeholder">
              <p className="placeholder-title">No workflows yet</p>
              <p>Create one to run agents and tools in order, now or on a schedule.</p>
            </div>
          ) : (
            <ul className="item-list">
              {(workflows ?? []).map((w) => (
                <li key={w.id} className="item-row">
                  <span className="item-text">
                    <span className="item-name">{w.name}</span>
                    <span className="item-note">
                      {w.steps.length} {w.steps.length === 1 ? 'step' : 'steps'} · {scheduleText(w)}
                    </span>
                  </span>
                  <span className="cell-actions">
                    <button type="button" className="btn btn-small btn-primary" aria-label={`Run ${w.name} now`} onClick={() => setRunning(w)}>
                      Run now
                    </button>
                    <button type="button" className="btn btn-small" aria-label={`Edit ${w.name}`} onClick={() => setEditing(w)}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${w.name}`} onClick={() => setDeleting(w)}>
                      Delete
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <RunHistory workflows={workflows ?? []} />
      </div>
      {running ? (
        <RunNowDialog
          workflow={running}
          onClose={(started) => {
            setNotice(started ? `${running.name} started. Its run is in the history below.` : null);
            setRunning(null);
          }}
        />
      ) : null}
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)}>
          <p>Its past runs stay in the history, showing the name it had.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                const target = deleting;
                setDeleting(null);
                try {
                  await api('workflows.delete', { id: target.id });
                  if (editing !== null && editing !== 'new' && editing.id === target.id) setEditing(null);
                  load();
                } catch (e) {
                  setError(asBridgeError(e));
                }
              }}
            >
              Delete workflow
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
