import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { Agent, ModelInfo } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { sameSession } from '../../stores/epoch';
import { loadAgents, useLibraryStore } from '../../stores/libraryStore';

const COLOURS = ['#4f6bd8', '#297e73', '#865cc7', '#ac5c2a', '#36789b', '#b2487a', '#557d35', '#6b7280'];
const MEMORY_LABELS = { off: 'No access', read: 'Read facts', readwrite: 'Read and save facts' } as const;

interface Draft {
  name: string;
  description: string;
  avatarColor: string;
  instructions: string;
  connectionId: string;
  model: string;
  temperature: string;
  maxOutputTokens: string;
  memoryAccess: Agent['memoryAccess'];
}

function draftOf(agent: Agent | null): Draft {
  return {
    name: agent?.name ?? '',
    description: agent?.description ?? '',
    avatarColor: agent?.avatarColor || COLOURS[0]!,
    instructions: agent?.instructions ?? '',
    connectionId: agent?.connectionId ?? '',
    model: agent?.model ?? '',
    temperature: agent?.temperature?.toString() ?? '',
    maxOutputTokens: agent?.maxOutputTokens?.toString() ?? '',
    memoryAccess: agent?.memoryAccess ?? 'read',
  };
}

/** Create or edit an agent: every field; the model from the connection's list, or typed when the list is unavailable. */
export function AgentEditor({ agent, onDone }: { agent: Agent | null; onDone: () => void }) {
  const id = useId();
  const providers = useLibraryStore((s) => s.providers);
  const [draft, setDraft] = useState<Draft>(() => draftOf(agent));
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [modelsError, setModelsError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    setModels(null);
    setModelsError(null);
    if (!draft.connectionId) return;
    const current = sameSession();
    let live = true;
    api('providers.models', { id: draft.connectionId })
      .then((list) => live && current() && setModels(list))
      .catch((e) => live && current() && setModelsError(asBridgeError(e).message));
    return () => {
      live = false;
    };
  }, [draft.connectionId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const fields = {
      name: draft.name.trim(),
      description: draft.description,
      avatarColor: draft.avatarColor,
      instructions: draft.instructions,
      connectionId: draft.connectionId || null,
      model: draft.model.trim() || null,
      temperature: draft.temperature.trim() === '' ? null : Number(draft.temperature),
      maxOutputTokens: draft.maxOutputTokens.trim() === '' ? null : Math.trunc(Number(draft.maxOutputTokens)),
      memoryAccess: draft.memoryAccess,
    };
    try {
      if (agent) await api('agents.update', { id: agent.id, ...fields });
      else await api('agents.create', fields);
      await loadAgents();
      onDone();
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{agent ? `Edit ${agent.name}` : 'New agent'}</h2>
      <form onSubmit={submit} autoComplete="off" aria-busy={busy} className="editor-form">
        <Field label="Name" value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={1000} autoComplete="off" />
        <Field label="Description" value={draft.description} onChange={(e) => set('description', e.target.value)} maxLength={10_000} autoComplete="off" />
        <fieldset className="field colour-field">
          <legend>Colour</legend>
          <div className="colour-choices">
            {COLOURS.map((c, i) => (
              <label key={c} className="colour-choice">
                <input type="radio" name={`${id}-colour`} value={c} checked={draft.avatarColor === c} onChange={() => set('avatarColor', c)} />
                <span className={`colour-swatch avatar-hue-${i}`} aria-hidden="true" />
                <span className="visually-hidden">Colour {i + 1}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-instructions`}>Instructions</label>
          <textarea id={`${id}-instructions`} rows={6} value={draft.instructions} onChange={(e) => set('instructions', e.target.value)} autoComplete="off" />
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-connection`}>Connection</label>
            <select id={`${id}-connection`} value={draft.connectionId} onChange={(e) => set('connectionId', e.target.value)}>
              <option value="">None</option>
              {(providers ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-model`}>Model</label>
            <input
              id={`${id}-model`}
              list={`${id}-models`}
              value={draft.model}
              onChange={(e) => set('model', e.target.value)}
              maxLength={1000}
              autoComplete="off"
              aria-describedby={`${id}-model-hint`}
            />
            <datalist id={`${id}-models`}>
              {(models ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </datalist>
            <p className="hint" id={`${id}-model-hint`}>
              {modelsError
                ? `The model list could not be read (${modelsError}). Type the model's name.`
                : models
                  ? `${models.length} models offered; pick one or type its name.`
                  : draft.connectionId
                    ? 'Reading the model list…'
                    : 'Choose a connection to see its models.'}
            </p>
          </div>
          <Field label="Temperature" type="number" step="0.1" min="0" max="2" value={draft.temperature} onChange={(e) => set('temperature', e.target.value)} hint="Empty: the model's default." />
          <Field label="Max output tokens" type="number" step="1" min="1" value={draft.maxOutputTokens} onChange={(e) => set('maxOutputTokens', e.target.value)} hint="Empty: the model's default." />
        </div>
        <div className="field">
          <label htmlFor={`${id}-memory`}>Memory access</label>
          <select id={`${id}-memory`} value={draft.memoryAccess} onChange={(e) => set('memoryAccess', e.target.value as Draft['memoryAccess'])}>
            {(Object.keys(MEMORY_LABELS) as Draft['memoryAccess'][]).map((k) => (
              <option key={k} value={k}>
                {MEMORY_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Saving…">
            {agent ? 'Save agent' : 'Create agent'}
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
