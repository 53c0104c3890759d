import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError } from '../../bridge';
import type { QuotaView, SharedAgentSummary } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { sameSession } from '../../stores/epoch';

const limitOf = (text: string): number | null => (text.trim() === '' ? null : Math.trunc(Number(text)));
const shown = (n: number | null) => (n === null ? 'No limit' : n.toLocaleString());

/**
 * Usage limits on an agent that runs on a shared key (managers): per person or for everyone
 * without a limit of their own, with what each has used today and this month.
 */
export function QuotasPanel({ agent, people }: { agent: SharedAgentSummary; people: { id: string; displayName: string }[] }) {
  const id = useId();
  const [quotas, setQuotas] = useState<QuotaView[] | null>(null);
  const [who, setWho] = useState('*');
  const [perDay, setPerDay] = useState('');
  const [perMonth, setPerMonth] = useState('');

  const reload = useCallback(async () => {
    const current = sameSession();
    const list = await api('shared.quotas', { id: agent.id });
    if (current()) setQuotas(list);
  }, [agent.id]);
  const { busy, error, setError, run } = useBusyAction(reload);
  useEffect(() => {
    reload().catch((e) => setError(asBridgeError(e)));
  }, [reload]);

  const save = (userId: string, messagesPerDay: number | null, tokensPerMonth: number | null) =>
    run(() => api('shared.setQuota', { id: agent.id, personId: userId, messagesPerDay, tokensPerMonth }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save(who, limitOf(perDay), limitOf(perMonth))) {
      setPerDay('');
      setPerMonth('');
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="quotas">
      <h3 id={`${id}-title`}>Usage limits</h3>
      {quotas === null ? (
        <p className="muted">Loading…</p>
      ) : quotas.length === 0 ? (
        <p className="muted">No limits: anyone with access may use it as much as they like.</p>
      ) : (
        <table className="table" aria-labelledby={`${id}-title`}>
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Messages a day</th>
              <th scope="col">Tokens a month</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {quotas.map((q) => {
              const name = q.userId === '*' ? 'Everyone else' : (q.displayName ?? 'Deleted account');
              return (
                <tr key={q.userId}>
                  <th scope="row">{name}</th>
                  <td>
                    {shown(q.messagesPerDay)}
                    {q.userId !== '*' ? <span className="cell-note"> · {q.usedToday.toLocaleString()} used today</span> : null}
                  </td>
                  <td>
                    {shown(q.tokensPerMonth)}
                    {q.userId !== '*' ? <span className="cell-note"> · {q.tokensThisMonth.toLocaleString()} used this month</span> : null}
                  </td>
                  <td>
                    <button type="button" className="btn btn-small" aria-label={`Remove the limit of ${name}`} disabled={busy} onClick={() => void save(q.userId, null, null)}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} autoComplete="off" className="quota-form" aria-label="Set a limit">
        <div className="field">
          <label htmlFor={`${id}-who`}>Limit for</label>
          <select id={`${id}-who`} value={who} onChange={(e) => setWho(e.target.value)}>
            <option value="*">Everyone without a limit of their own</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-day`}>Messages a day</label>
          <input id={`${id}-day`} type="number" min="1" step="1" value={perDay} onChange={(e) => setPerDay(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-month`}>Tokens a month</label>
          <input id={`${id}-month`} type="number" min="1" step="1" value={perMonth} onChange={(e) => setPerMonth(e.target.value)} autoComplete="off" />
        </div>
        <div className="actions">
          <BusyButton busy={busy} busyLabel="Saving…" className="btn" disabled={perDay.trim() === '' && perMonth.trim() === ''}>
            Set limit
          </BusyButton>
        </div>
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
