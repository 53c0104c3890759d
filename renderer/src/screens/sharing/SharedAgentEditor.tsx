import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { SharedAgentDefinition, SharedAgentSummary } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { sameSession } from '../../stores/epoch';
import { loadShared } from '../../stores/sharingStore';
import { CredentialField } from './CredentialField';

const KINDS = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'OpenAI-compatible server' } as const;
const MEMORY_LABELS = { off: 'No access', read: 'Read facts', readwrite: 'Read and save facts' } as const;
type Kind = keyof typeof KINDS;
type Memory = keyof typeof MEMORY_LABELS;

interface Draft {
  name: string;
  description: string;
  instructions: string;
  providerKind: Kind;
  baseUrl: string;
  model: string;
  temperature: string;
  maxOutputTokens: string;
  memoryAccess: Memory;
}

function draftOf(d: SharedAgentDefinition | null): Draft {
  return {
    name: d?.name ?? '',
    description: d?.description ?? '',
    instructions: d?.instructions ?? '',
    providerKind: d?.providerKind ?? 'openai',
    baseUrl: d?.baseUrl ?? '',
    model: d?.model ?? '',
    temperature: d?.temperature?.toString() ?? '',
    maxOutputTokens: d?.maxOutputTokens?.toString() ?? '',
    memoryAccess: d?.memoryAccess ?? 'off',
  };
}

/**
 * Create (administrators) or edit (edit level and above) a shared agent's definition. The shared
 * key is write-only: it is typed once, and afterwards only "set, ends in …1234" is shown.
 */
export function SharedAgentEditor({ agent, onDone }: { agent: SharedAgentSummary | null; onDone: () => void }) {
  const id = useId();
  const [definition, setDefinition] = useState<SharedAgentDefinition | null>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(null));
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    if (!agent) return;
    const current = sameSession();
    api('shared.definition', { id: agent.id })
      .then((d) => {
        if (!current()) return;
        setDefinition(d);
        setDraft(draftOf(d));
      })
      .catch((e) => current() && setError(asBridgeError(e)));
  }, [agent]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const fields = {
      name: draft.name.trim(),
      description: draft.description,
      ...(definition ? { avatarColor: definition.avatarColor } : {}),
      instructions: draft.instructions,
      providerKind: draft.providerKind,
      baseUrl: draft.baseUrl.trim() || null,
      model: draft.model.trim(),
      temperature: draft.temperature.trim() === '' ? null : Number(draft.temperature),
      maxOutputTokens: draft.maxOutputTokens.trim() === '' ? null : Math.trunc(Number(draft.maxOutputTokens)),
      memoryAccess: draft.memoryAccess,
    };
    try {
      if (agent) await api('shared.update', { id: agent.id, ...fields });
      else await api('shared.create', { ...fields, credential: credential.trim() || null });
      setCredential('');
      await loadShared();
      onDone();
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  const title = agent ? `Edit ${agent.name}` : 'New shared agent';
  const loading = agent !== null && definition === null;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {loading && !error ? <p className="muted">Loading…</p> : null}
      <form onSubmit={submit} autoComplete="off" aria-busy={busy} className="editor-form" hidden={loading}>
        <Field label="Name" value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={1000} autoComplete="off" />
        <Field label="Description" value={draft.description} onChange={(e) => set('description', e.target.value)} maxLength={10_000} autoComplete="off" hint="Everyone it is shared with sees this." />
        <div className="field">
          <label htmlFor={`${id}-instructions`}>Instructions</label>
          <textarea
            id={`${id}-instructions`}
            rows={5}
            value={draft.instructions}
            onChange={(e) => set('instructions', e.target.value)}
            autoComplete="off"
            aria-describedby={`${id}-instructions-hint`}
          />
          <p className="hint" id={`${id}-instructions-hint`}>
            Only people who can edit it see these; people who use it never do.
          </p>
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-kind`}>Provider</label>
            <select id={`${id}-kind`} value={draft.providerKind} onChange={(e) => set('providerKind', e.target.value as Kind)}>
              {(Object.keys(KINDS) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KINDS[k]}
                </option>
              ))}
            </select>
          </div>
          <Field
            label="Address (base URL)"
            value={draft.baseUrl}
            onChange={(e) => set('baseUrl', e.target.value)}
            maxLength={4096}
            autoComplete="off"
            hint={draft.providerKind === 'openai-compatible' ? 'Required for a compatible server.' : "Empty: the provider's usual address."}
          />
          <Field label="Model" value={draft.model} onChange={(e) => set('model', e.target.value)} required maxLength={1000} autoComplete="off" />
          <div className="field">
            <label htmlFor={`${id}-memory`}>Memory access</label>
            <select id={`${id}-memory`} value={draft.memoryAccess} onChange={(e) => set('memoryAccess', e.target.value as Memory)}>
              {(Object.keys(MEMORY_LABELS) as Memory[]).map((k) => (
                <option key={k} value={k}>
                  {MEMORY_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <Field label="Temperature" type="number" step="0.1" min="0" max="2" value={draft.temperature} onChange={(e) => set('temperature', e.target.value)} hint="Empty: the model's default." />
          <Field label="Max output tokens" type="number" step="1" min="1" value={draft.maxOutputTokens} onChange={(e) => set('maxOutputTokens', e.target.value)} hint="Empty: the model's default." />
        </div>
        {agent ? null : (
          <Field
            label="Shared key"
            type="password"
            value={credential}
            onChange={(e) => setCredential(e.target.value)}
            maxLength={4096}
            autoComplete="off"
            hint="Optional. Everyone who uses this agent runs on this key; nobody can read it back. Without one, each person uses their own connection."
          />
        )}
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Saving…">
            {agent ? 'Save shared agent' : 'Create shared agent'}
          </BusyButton>
        </div>
      </form>
      {definition ? <CredentialField definition={definition} onChanged={setDefinition} /> : null}
    </section>
  );
}
