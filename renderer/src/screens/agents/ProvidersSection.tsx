import { useEffect, useRef, useState } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { LocalServerOffer, ModelInfo, ProviderConnection } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SetByOrganization } from '../../components/SetByOrganization';
import { sameSession } from '../../stores/epoch';
import { loadProviders, loadSecrets, reloadLibrary, useLibraryStore } from '../../stores/libraryStore';
import { loadPolicy, usePolicyStore } from '../../stores/policyStore';
import { ConnectionForm, KIND_LABELS } from './ConnectionForm';
import { MemorySearchCard } from './MemorySearchCard';
import { SecretsCard } from './SecretsCard';

interface RowState {
  status?: string;
  models?: ModelInfo[];
  error?: BridgeCallError;
}

/** Provider connections (test, models, edit, delete), local servers in one click, and the keys they use. */
export default function ProvidersSection() {
  const providers = useLibraryStore((s) => s.providers);
  const secrets = useLibraryStore((s) => s.secrets);
  const ownAllowed = usePolicyStore((s) => s.policy?.allowOwnProviders);
  const [editing, setEditing] = useState<ProviderConnection | 'new' | null>(null);
  const [rows, setRows] = useState<Record<string, RowState>>({});
  const [offers, setOffers] = useState<LocalServerOffer[] | null>(null);
  const [probing, setProbing] = useState(false);
  const [connecting, setConnecting] = useState<string | null>(null);
  const [connected, setConnected] = useState<string | null>(null);
  const connectionsTitle = useRef<HTMLHeadingElement>(null);
  const [error, setError] = useState<BridgeCallError | null>(null);

  useEffect(() => {
    void loadPolicy();
    if (providers === null) loadProviders().catch((e) => setError(asBridgeError(e)));
    if (secrets === null) loadSecrets().catch((e) => setError(asBridgeError(e)));
  }, [providers, secrets]);

  const forbidden = ownAllowed?.value === false;
  const setRow = (id: string, row: RowState) => setRows((r) => ({ ...r, [id]: row }));
  const onRow = async (p: ProviderConnection, action: 'test' | 'models' | 'delete') => {
    const current = sameSession();
    setRow(p.id, { status: action === 'delete' ? 'Deleting…' : 'Asking the provider…' });
    try {
      if (action === 'test') {
        const { modelCount } = await api('providers.test', { id: p.id });
        if (current()) setRow(p.id, { status: `Connected: ${modelCount} model${modelCount === 1 ? '' : 's'} available.` });
      } else if (action === 'models') {
        const models = await api('providers.models', { id: p.id });
        if (current()) setRow(p.id, { models, status: `${models.length} models.` });
      } else {
        await api('providers.delete', { id: p.id });
        await reloadLibrary();
      }
    } catch (e) {
      if (current()) setRow(p.id, { error: asBridgeError(e) });
    }
  };
  const probe = async () => {
    const current = sameSession();
    setError(null);
    setConnected(null);
    setProbing(true);
    try {
      const found = await api('providers.probeLocal', {});
      if (current()) setOffers(found);
    } catch (e) {
      if (current()) setError(asBridgeError(e));
    } finally {
      if (current()) setProbing(false);
    }
  };
  const connectOffer = async (offer: LocalServerOffer) => {
    if (connecting) return; // one click makes one connection, however fast the second comes
    const current = sameSession();
    setError(null);
    setConnecting(offer.baseUrl);
    try {
      const first = offer.models[0]?.id;
      await api('providers.create', { kind: 'openai-compatible', name: offer.name, baseUrl: offer.baseUrl, secretId: null, ...(first ? { starterModel: first } : {}) });
      await reloadLibrary();
      if (current()) {
        setOffers(null);
        setConnected(offer.name);
        // The button pressed is gone: focus goes to the list that now holds the new connection.
        connectionsTitle.current?.focus();
      }
    } catch (e) {
      if (current()) setError(asBridgeError(e));
    } finally {
      if (current()) setConnecting(null);
    }
  };
  // A server already connected (same address) is not offered again.
  const connectedUrls = new Set((providers ?? []).map((p) => p.baseUrl?.replace(/\/+$/, '')));
  const newOffers = offers?.filter((o) => !connectedUrls.has(o.baseUrl.replace(/\/+$/, ''))) ?? null;

  return (
    <section aria-labelledby="providers-title">
      <div className="page-head">
        <h1 id="providers-title" className="page-title" tabIndex={-1}>
          Providers and keys
        </h1>
        {editing === null ? (
          <span className="row">
            <BusyButton type="button" className="btn" onClick={() => void probe()} disabled={forbidden} busy={probing} busyLabel="Looking…">
              Look for local servers
            </BusyButton>
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={forbidden}>
              Add connection
            </button>
          </span>
        ) : null}
      </div>
      <p className="page-lead">
        Where your agents get their answers. Requests go from this computer straight to the provider, with your own key.
        {forbidden ? <SetByOrganization /> : null}
      </p>
      <div className="stack">
        {editing !== null ? <ConnectionForm key={editing === 'new' ? 'new' : editing.id} connection={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
        <ErrorAlert error={error} />
        <p className="status-text" role="status">
          {connected ? `Connected ${connected}. Its models are ready for your agents.` : ''}
        </p>
        {newOffers ? (
          <section className="card" aria-labelledby="offers-title">
            <h2 id="offers-title">Local servers</h2>
            {newOffers.length === 0 ? (
              <p className="muted">
                {offers && offers.length > 0 ? 'Every local server that answered is already connected.' : 'No Ollama or LM Studio server answered on this computer.'}
              </p>
            ) : null}
            <ul className="item-list">
              {newOffers.map((o) => (
                <li key={o.baseUrl} className="item-row">
                  <span className="item-text">
                    <span className="item-name">{o.name}</span>
                    <span className="item-note">
                      {o.baseUrl} · {o.models.length} model{o.models.length === 1 ? '' : 's'}
                    </span>
                  </span>
                  <BusyButton
                    type="button"
                    className="btn btn-small btn-primary"
                    onClick={() => void connectOffer(o)}
                    disabled={connecting !== null}
                    busy={connecting === o.baseUrl}
                    busyLabel={`Connecting ${o.name}…`}
                  >
                    Connect {o.name}
                  </BusyButton>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section className="card card-flush" aria-labelledby="connections-title">
          <div className="card-head">
            <h2 id="connections-title" ref={connectionsTitle} tabIndex={-1}>
              Connections
            </h2>
          </div>
          {providers && providers.length === 0 ? <p className="card-pad muted">No connections yet. Add one, or look for a local server.</p> : null}
          <ul className="item-list">
            {(providers ?? []).map((p) => {
              const row = rows[p.id] ?? {};
              return (
                <li key={p.id} className="item-row item-row-wrap">
                  <span className="item-text">
                    <span className="item-name">{p.name}</span>
                    <span className="item-note">
                      {KIND_LABELS[p.kind]} · {p.baseUrl ?? 'public address'} · {secrets?.find((s) => s.id === p.secretId)?.name ?? 'no key'}
                    </span>
                  </span>
                  <span className="cell-actions">
                    <button type="button" className="btn btn-small" aria-label={`Test connection ${p.name}`} onClick={() => void onRow(p, 'test')}>
                      Test connection
                    </button>
                    <button type="button" className="btn btn-small" aria-label={`Models of ${p.name}`} onClick={() => void onRow(p, 'models')}>
                      Models
                    </button>
                    <button type="button" className="btn btn-small" aria-label={`Edit ${p.name}`} onClick={() => setEditing(p)} disabled={forbidden}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${p.name}`} onClick={() => void onRow(p, 'delete')}>
                      Delete
                    </button>
                  </span>
                  <div className="item-detail">
                    <p className="status-text" role="status">
                      {row.status ?? ''}
                    </p>
                    <ErrorAlert error={row.error ?? null} />
                    {row.models ? (
                      <ul className="model-list" aria-label={`Models of ${p.name}`}>
                        {row.models.map((m) => (
                          <li key={m.id} className="chip">
                            {m.name}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
        {providers ? <MemorySearchCard providers={providers} forbidden={forbidden} /> : null}
        <SecretsCard />
      </div>
    </section>
  );
}
