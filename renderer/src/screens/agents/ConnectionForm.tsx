import { useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { ProviderConnection } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { SetByOrganization } from '../../components/SetByOrganization';
import { usePolicyStore } from '../../stores/policyStore';
import { reloadLibrary, useLibraryStore } from '../../stores/libraryStore';

export const KIND_LABELS = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'OpenAI-compatible (Ollama, LM Studio, …)' } as const;
type Kind = keyof typeof KIND_LABELS;
const NEW_SECRET = '__new__';

/**
 * Add or change a connection. The key is picked from the secrets list or typed here, in which
 * case it is stored as a new secret first; it is never shown again.
 */
export function ConnectionForm({ connection, onDone }: { connection: ProviderConnection | null; onDone: () => void }) {
  const id = useId();
  const secrets = useLibraryStore((s) => s.secrets);
  const allowedKinds = usePolicyStore((s) => s.policy?.allowedProviderKinds);
  const allowedUrls = usePolicyStore((s) => s.policy?.allowedProviderBaseUrls);
  // The organization may limit the kinds and addresses; main refuses the others (POLICY_FORBIDS).
  const kinds = (Object.keys(KIND_LABELS) as Kind[]).filter((k) => !allowedKinds?.setByOrganization || allowedKinds.value.includes(k) || k === connection?.kind);
  const [chosenKind, setKind] = useState<Kind | null>(connection?.kind ?? null);
  const kind: Kind = chosenKind ?? kinds[0] ?? 'openai';
  const [name, setName] = useState(connection?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(connection?.baseUrl ?? '');
  const [secretId, setSecretId] = useState(connection?.secretId ?? (secrets?.length ? secrets[0]!.id : NEW_SECRET));
  const [secretName, setSecretName] = useState('');
  const [secretValue, setSecretValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let keyId: string | null = secretId === '' ? null : secretId;
      if (secretId === NEW_SECRET) {
        keyId = secretValue
          ? (await api('secrets.create', { name: secretName.trim() || `${name.trim() || KIND_LABELS[kind]} key`, value: secretValue })).id
          : null;
        setSecretValue('');
      }
      const fields = { kind, name: name.trim(), baseUrl: baseUrl.trim() || null, secretId: keyId };
      if (connection) await api('providers.update', { id: connection.id, ...fields });
      else await api('providers.create', fields);
      await reloadLibrary();
      onDone();
    } catch (err) {
      setError(asBridgeError(err));
      await reloadLibrary().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{connection ? `Edit ${connection.name}` : 'Add a connection'}</h2>
      <form onSubmit={submit} autoComplete="off" aria-busy={busy}>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)} aria-describedby={allowedKinds?.setByOrganization ? `${id}-kind-hint` : undefined}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
            {allowedKinds?.setByOrganization ? (
              <p className="hint" id={`${id}-kind-hint`}>
                Only the kinds allowed on this computer are offered.
                <SetByOrganization />
              </p>
            ) : null}
          </div>
          <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={1000} autoComplete="off" />
        </div>
        <Field
          label="Address (base URL)"
          type="url"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          placeholder={kind === 'openai-compatible' ? 'http://127.0.0.1:11434/v1' : "Empty: the provider's own"}
          hint={
            <>
              {kind === 'openai-compatible' ? 'Required for OpenAI-compatible servers.' : "Leave empty to use the provider's public address."}
              {allowedUrls?.value ? (
                <>
                  {' '}
                  Allowed addresses: {allowedUrls.value.join(', ') || 'none'}.
                  {allowedUrls.setByOrganization ? <SetByOrganization /> : null}
                </>
              ) : null}
            </>
          }
          autoComplete="off"
        />
        <div className="field">
          <label htmlFor={`${id}-secret`}>API key</label>
          <select id={`${id}-secret`} value={secretId} onChange={(e) => setSecretId(e.target.value)}>
            <option value="">No key</option>
            {(secrets ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
                {s.last4 ? ` (…${s.last4})` : ''}
              </option>
            ))}
            <option value={NEW_SECRET}>A new key…</option>
          </select>
        </div>
        {secretId === NEW_SECRET ? (
          <div className="grid-2">
            <Field label="Key name" value={secretName} onChange={(e) => setSecretName(e.target.value)} maxLength={1000} autoComplete="off" placeholder="e.g. Work OpenAI key" />
            <Field
              label="Key"
              type="password"
              value={secretValue}
              onChange={(e) => setSecretValue(e.target.value)}
              maxLength={16_384}
              autoComplete="off"
              hint="Stored encrypted; Cubby never shows it again."
            />
          </div>
        ) : null}
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
          <BusyButton busy={busy} busyLabel="Saving…">
            {connection ? 'Save connection' : 'Add connection'}
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
