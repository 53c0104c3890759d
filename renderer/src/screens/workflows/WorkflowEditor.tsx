import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { ChannelInput, SharedAgentSummary, Workflow } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert, LocalError } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { loadAgents, useLibraryStore } from '../../stores/libraryStore';
import { loadPolicy, usePolicyStore } from '../../stores/policyStore';
import { SetByOrganization } from '../../components/SetByOrganization';
import { PRESETS, type PresetId } from './presets';
import { ToolStepFields } from './ToolStepFields';

type InputDraft = { name: string; label: string; required: boolean; default: string };
type StepDraft =
  | { kind: 'agent'; name: string; continueOnError: boolean; agentRef: string; prompt: string }
  | { kind: 'tool'; name: string; continueOnError: boolean; serverId: string; toolName: string; argsJson: string };

interface Draft {
  name: string;
  inputs: InputDraft[];
  steps: StepDraft[];
  schedule: PresetId | 'none' | 'custom';
  cron: string;
  allowBackground: boolean;
  catchUp: boolean;
  enabled: boolean;
  timeLimitMinutes: string;
}

function draftOf(w: Workflow | null): Draft {
  if (!w) {
    return { name: '', inputs: [], steps: [], schedule: 'none', cron: '', allowBackground: false, catchUp: false, enabled: true, timeLimitMinutes: '10' };
  }
  return {
    name: w.name,
    inputs: w.inputs.map((i) => ({ ...i })),
    steps: w.steps.map((s) =>
      s.kind === 'agent'
        ? { kind: 'agent', name: s.name, continueOnError: s.continueOnError, prompt: s.prompt, agentRef: 'agentId' in s.agent ? `own:${s.agent.agentId}` : `shared:${s.agent.sharedAgentId}` }
        : { kind: 'tool', name: s.name, continueOnError: s.continueOnError, serverId: s.serverId, toolName: s.toolName, argsJson: JSON.stringify(s.args, null, 2) },
    ),
    schedule: w.schedule ? (w.schedule.preset ?? 'custom') : 'none',
    cron: w.schedule?.cron ?? '',
    allowBackground: w.allowBackground,
    catchUp: w.catchUp,
    enabled: w.enabled,
    timeLimitMinutes: String(Math.round(w.timeLimitMs / 60_000) || 1),
  };
}

/** The draft as the bridge takes it; a local message for what only the editor can see (arguments that are not JSON). */
function fieldsOf(d: Draft): ChannelInput<'workflows.create'> | string {
  const steps: ChannelInput<'workflows.create'>['steps'] = [];
  for (const [i, s] of d.steps.entries()) {
    if (s.kind === 'agent') {
      const [type, id] = s.agentRef.split(':') as [string, string];
      if (!id) return `Choose the agent of step ${i + 1}.`;
      steps.push({ kind: 'agent', name: s.name, continueOnError: s.continueOnError, prompt: s.prompt, agent: type === 'own' ? { agentId: id } : { sharedAgentId: id } });
    } else {
      let args: unknown;
      try {
        args = s.argsJson.trim() ? JSON.parse(s.argsJson) : {};
      } catch {
        return `The arguments of step ${i + 1} are not valid JSON.`;
      }
      if (!args || typeof args !== 'object' || Array.isArray(args)) return `The arguments of step ${i + 1} must be a JSON object.`;
      steps.push({ kind: 'tool', name: s.name, continueOnError: s.continueOnError, serverId: s.serverId, toolName: s.toolName, args: args as Record<string, never> });
    }
  }
  const schedule = d.schedule === 'none' ? null : d.schedule === 'custom' ? { cron: d.cron, preset: null } : { cron: PRESETS[d.schedule].cron, preset: d.schedule };
  return {
    name: d.name.trim(),
    inputs: d.inputs,
    steps,
    schedule,
    allowBackground: d.allowBackground,
    catchUp: d.catchUp,
    enabled: d.enabled,
    timeLimitMs: Math.round(Number(d.timeLimitMinutes || '0') * 60_000),
  };
}

/** Create or edit a workflow: its inputs, its steps in order, and when it runs. */
export function WorkflowEditor({ workflow, onDone }: { workflow: Workflow | null; onDone: (saved: boolean) => void }) {
  const id = useId();
  const agents = useLibraryStore((s) => s.agents);
  const [shared, setShared] = useState<SharedAgentSummary[]>([]);
  const backgroundAllowed = usePolicyStore((s) => s.policy?.allowWorkflowsWhileLocked);
  const [draft, setDraft] = useState<Draft>(() => draftOf(workflow));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const [local, setLocal] = useState<string | null>(null);

  useEffect(() => {
    void loadPolicy();
    if (agents === null) void loadAgents().catch(() => undefined);
    api('shared.list', {})
      .then((list) => setShared(list.filter((a) => a.level !== 'view')))
      .catch(() => setShared([]));
  }, [agents]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setStep = (i: number, patch: Partial<StepDraft>) => set('steps', draft.steps.map((s, j) => (j === i ? ({ ...s, ...patch } as StepDraft) : s)));
  const setInput = (i: number, patch: Partial<InputDraft>) => set('inputs', draft.inputs.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => {
    const steps = [...draft.steps];
    const [s] = steps.splice(i, 1);
    steps.splice(i + by, 0, s!);
    set('steps', steps);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const fields = fieldsOf(draft);
    setLocal(typeof fields === 'string' ? fields : null);
    if (typeof fields === 'string') return;
    setBusy(true);
    try {
      if (workflow) await api('workflows.update', { id: workflow.id, ...fields });
      else await api('workflows.create', fields);
      onDone(true);
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{workflow ? `Edit ${workflow.name}` : 'New workflow'}</h2>
      <form onSubmit={submit} autoComplete="off" aria-busy={busy} className="editor-form">
        <Field label="Name" value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={1000} />

        <fieldset className="field wf-group">
          <legend>Inputs</legend>
          <p className="hint">Use an input in a prompt or argument as {'{{inputs.name}}'}.</p>
          {draft.inputs.map((input, i) => (
            <div className="wf-row" key={i}>
              <Field label={`Input ${i + 1} name`} value={input.name} onChange={(e) => setInput(i, { name: e.target.value })} maxLength={100} required />
              <Field label="Label" value={input.label} onChange={(e) => setInput(i, { label: e.target.value })} maxLength={200} />
              <Field label="Default" value={input.default} onChange={(e) => setInput(i, { default: e.target.value })} maxLength={10_000} />
              <label className="check">
                <input type="checkbox" checked={input.required} onChange={(e) => setInput(i, { required: e.target.checked })} /> Required
              </label>
              <button type="button" className="btn btn-small" aria-label={`Remove input ${i + 1}`} onClick={() => set('inputs', draft.inputs.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={() => set('inputs', [...draft.inputs, { name: '', label: '', required: false, default: '' }])}>
            Add input
          </button>
        </fieldset>

        <fieldset className="field wf-group">
          <legend>Steps</legend>
          <p className="hint">Steps run in order. Use an earlier step's result as {'{{steps.1.output}}'}. A failing step stops the run unless it continues on error.</p>
          <ol className="wf-steps">
            {draft.steps.map((step, i) => (
              <li key={i} className="wf-step" aria-label={`Step ${i + 1}`}>
                <p className="wf-step-title">
                  Step {i + 1}: {step.kind === 'agent' ? 'agent' : 'tool'}
                </p>
                <Field label={`Step ${i + 1} name`} value={step.name} onChange={(e) => setStep(i, { name: e.target.value })} maxLength={200} />
                {step.kind === 'agent' ? (
                  <>
                    <div className="field">
                      <label htmlFor={`${id}-agent-${i}`}>Agent for step {i + 1}</label>
                      <select id={`${id}-agent-${i}`} value={step.agentRef} onChange={(e) => setStep(i, { agentRef: e.target.value })} required>
                        <option value="">Choose an agent</option>
                        <optgroup label="Your agents">
                          {(agents ?? []).map((a) => (
                            <option key={a.id} value={`own:${a.id}`}>
                              {a.name}
                            </option>
                          ))}
                        </optgroup>
                        {shared.length ? (
                          <optgroup label="Shared with you">
                            {shared.map((a) => (
                              <option key={a.id} value={`shared:${a.id}`}>
                                {a.name}
                              </option>
                            ))}
                          </optgroup>
                        ) : null}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-prompt-${i}`}>Prompt for step {i + 1}</label>
                      <textarea id={`${id}-prompt-${i}`} rows={4} value={step.prompt} onChange={(e) => setStep(i, { prompt: e.target.value })} required />
                    </div>
                  </>
                ) : (
                  <ToolStepFields idPrefix={id} index={i} value={step} onChange={(patch) => setStep(i, patch)} />
                )}
                <div className="wf-step-actions">
                  <label className="check">
                    <input type="checkbox" checked={step.continueOnError} onChange={(e) => setStep(i, { continueOnError: e.target.checked })} /> Continue on error
                  </label>
                  <button type="button" className="btn btn-small" disabled={i === 0} aria-label={`Move step ${i + 1} up`} onClick={() => move(i, -1)}>
                    Up
                  </button>
                  <button type="button" className="btn btn-small" disabled={i === draft.steps.length - 1} aria-label={`Move step ${i + 1} down`} onClick={() => move(i, 1)}>
                    Down
                  </button>
                  <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Remove step ${i + 1}`} onClick={() => set('steps', draft.steps.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </div>
              </li>
            ))}
          </ol>
          <div className="actions wf-actions-start">
            <button type="button" className="btn btn-small" onClick={() => set('steps', [...draft.steps, { kind: 'agent', name: '', continueOnError: false, agentRef: '', prompt: '' }])}>
              Add agent step
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => set('steps', [...draft.steps, { kind: 'tool', name: '', continueOnError: false, serverId: '', toolName: '', argsJson: '{}' }])}
            >
              Add tool step
            </button>
          </div>
        </fieldset>

        <fieldset className="field wf-group">
          <legend>Schedule</legend>
          <div className="grid-2">
            <div className="field">
              <label htmlFor={`${id}-schedule`}>Runs</label>
              <select id={`${id}-schedule`} value={draft.schedule} onChange={(e) => set('schedule', e.target.value as Draft['schedule'])}>
                <option value="none">Only when I run it</option>
                {(Object.keys(PRESETS) as PresetId[]).map((p) => (
                  <option key={p} value={p}>
                    {PRESETS[p].label}
                  </option>
                ))}
                <option value="custom">Custom (cron)</option>
              </select>
            </div>
            {draft.schedule === 'custom' ? (
              <Field label="Cron expression" value={draft.cron} onChange={(e) => set('cron', e.target.value)} maxLength={200} hint="Five fields: minute hour day month weekday, in this computer's time zone." required />
            ) : null}
          </div>
          <label className="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Schedule on
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.catchUp} onChange={(e) => set('catchUp', e.target.checked)} /> Run once at my next unlock if a scheduled run was missed
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.allowBackground}
              disabled={backgroundAllowed?.value === false && !draft.allowBackground}
              onChange={(e) => set('allowBackground', e.target.checked)}
            />{' '}
            Keep running while my window is locked (until you sign out, quit or the computer sleeps)
            {backgroundAllowed?.value === false ? <SetByOrganization /> : null}
          </label>
          <Field label="Time limit per run (minutes)" type="number" min="1" max="1440" step="1" value={draft.timeLimitMinutes} onChange={(e) => set('timeLimitMinutes', e.target.value)} />
        </fieldset>

        <LocalError message={local} />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={() => onDone(false)}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Saving…">
            {workflow ? 'Save workflow' : 'Create workflow'}
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
