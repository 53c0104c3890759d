import { useCallback, useEffect, useId, useState } from 'react';
import { api, asBridgeError, bridge, type BridgeCallError } from '../../bridge';
import type { RunDetail, RunSummary, Workflow } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatTime } from '../../components/formatTime';
import { STATUS_LABELS, TRIGGER_LABELS } from './presets';

type Status = keyof typeof STATUS_LABELS;
const live = (s: Status) => s === 'queued' || s === 'running';

/** One run's steps (input, output, tokens, timing, error) and its log. */
function RunDetails({ runId, onChanged }: { runId: string; onChanged: () => void }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const load = useCallback(() => {
    api('runs.get', { id: runId }).then(setRun, (e) => setError(asBridgeError(e)));
  }, [runId]);
  useEffect(() => {
    load();
    return bridge.on('runs.changed', (c) => {
      if (c.runId === runId) load();
    });
  }, [load, runId]);

  const act = async (channel: 'runs.cancel' | 'runs.delete') => {
    setError(null);
    try {
      await api(channel, { id: runId });
      onChanged();
    } catch (e) {
      setError(asBridgeError(e));
    }
  };
  if (!run) return <ErrorAlert error={error} />;
  return (
    <div className="wf-run-details">
      <p>
        {STATUS_LABELS[run.status]} · {TRIGGER_LABELS[run.trigger]}
        {run.startedAt ? ` · started ${formatDateTime(run.startedAt)}` : run.dueAt ? ` · due ${formatDateTime(run.dueAt)}` : ''}
        {run.finishedAt && run.startedAt ? ` · ${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s` : ''}
      </p>
      {run.errorMessage ? (
        <p className="wf-error" data-code={run.errorCode ?? undefined}>
          {run.errorMessage}
        </p>
      ) : null}
      {Object.keys(run.inputs).length ? (
        <dl className="wf-inputs">
          {Object.entries(run.inputs).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <ol className="wf-step-results">
        {run.steps.map((s) => (
          <li key={s.index}>
            <p className="wf-step-title">
              Step {s.index + 1} ({s.kind}): {s.status === 'succeeded' ? 'done' : s.status}
              {` · ${((s.finishedAt - s.startedAt) / 1000).toFixed(1)} s`}
              {s.inputTokens !== null ? ` · ${s.inputTokens} in / ${s.outputTokens ?? 0} out tokens` : ''}
            </p>
            {s.errorMessage ? <p className="wf-error">{s.errorMessage}</p> : null}
            <details>
              <summary>Input</summary>
              <pre className="wf-pre">{s.input}</pre>
            </details>
            <details open={s.status === 'succeeded'}>
              <summary>Output</summary>
              <pre className="wf-pre">{s.output}</pre>
            </details>
          </li>
        ))}
      </ol>
      <details>
        <summary>Log ({run.log.length})</summary>
        <ul className="wf-log">
          {run.log.map((l, i) => (
            <li key={i} className={l.level === 'error' ? 'wf-log-error' : undefined}>
              <time dateTime={new Date(l.at).toISOString()}>{formatTime(l.at)}</time> {l.message}
            </li>
          ))}
        </ul>
      </details>
      <ErrorAlert error={error} />
      <div className="actions wf-actions-start">
        {live(run.status) ? (
          <button type="button" className="btn btn-small" onClick={() => void act('runs.cancel')}>
            Cancel run
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void act('runs.delete')}>
            Delete run
          </button>
        )}
      </div>
    </div>
  );
}

/** Past and current runs, filtered by workflow and status, each opening to its steps and log. */
export function RunHistory({ workflows }: { workflows: Workflow[] }) {
  const id = useId();
  const [workflowId, setWorkflowId] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const load = useCallback(() => {
    api('runs.list', { ...(workflowId && { workflowId }), ...(status && { status }), limit: 100 }).then(
      (r) => {
        setRuns(r);
        setError(null);
      },
      (e) => setError(asBridgeError(e)),
    );
  }, [workflowId, status]);
  useEffect(() => {
    load();
    return bridge.on('runs.changed', load);
  }, [load]);

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>History</h2>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-wf`}>Workflow</label>
          <select id={`${id}-wf`} value={workflowId} onChange={(e) => setWorkflowId(e.target.value)}>
            <option value="">All workflows</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">Any status</option>
            {(Object.keys(STATUS_LABELS) as Status[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorAlert error={error} />
      {runs && runs.length === 0 ? <p className="muted">No runs yet.</p> : null}
      <ul className="item-list wf-runs">
        {(runs ?? []).map((r) => (
          <li key={r.id} className="wf-run">
            <button
              type="button"
              className="wf-run-toggle"
              aria-expanded={open === r.id}
              aria-controls={`${id}-${r.id}`}
              onClick={() => setOpen(open === r.id ? null : r.id)}
            >
              <span className={`wf-status wf-status-${r.status}`}>{STATUS_LABELS[r.status]}</span>
              <span className="item-name">{r.workflowName}</span>
              <span className="item-note">
                {TRIGGER_LABELS[r.trigger]} · {formatDateTime(r.startedAt ?? r.dueAt ?? r.createdAt)}
              </span>
            </button>
            {open === r.id ? (
              <div id={`${id}-${r.id}`}>
                <RunDetails
                  runId={r.id}
                  onChanged={() => {
                    load();
                    if (!live(r.status)) setOpen(null);
                  }}
                />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
