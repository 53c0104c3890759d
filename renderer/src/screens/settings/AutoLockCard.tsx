import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError, type BridgeCallError } from '../../bridge';
import type { IdleLockView } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SetByOrganization } from '../../components/SetByOrganization';
import { sameSession } from '../../stores/epoch';

const CHOICES = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440];

function minutesText(n: number): string {
  if (n >= 60 && n % 60 === 0) return `${n / 60} hour${n === 60 ? '' : 's'}`;
  return `${n} minute${n === 1 ? '' : 's'}`;
}

/**
 * How long this window may sit unused before it locks. The machine's time is the longest
 * allowed; main refuses a longer one (POLICY_FORBIDS), so only shorter ones are offered.
 */
export function AutoLockCard() {
  const [view, setView] = useState<IdleLockView | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const id = useId();

  useEffect(() => {
    const current = sameSession();
    api('settings.idleLock.get', {})
      .then((v) => current() && setView(v))
      .catch((e) => current() && setError(asBridgeError(e)));
  }, []);

  const max = view?.maxMinutes ?? null;
  const machine = view ? (view.chosen === null ? view.minutes : max) : null;
  const options = CHOICES.filter((n) => max === null || n <= max);
  const value = draft ?? (view?.chosen !== null && view?.chosen !== undefined ? String(view.chosen) : '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const current = sameSession();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api('settings.idleLock.set', { minutes: value === '' ? null : Number(value) });
      const next = await api('settings.idleLock.get', {});
      if (!current()) return;
      setView(next);
      setDraft(null);
      setSaved(true);
    } catch (err) {
      if (current()) setError(asBridgeError(err));
    } finally {
      if (current()) setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Automatic lock</h2>
      <p className="card-lead">Cubby locks your window when you have not used it for a while. You can choose a shorter time.</p>
      <form onSubmit={submit} aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${id}-minutes`}>Lock after</label>
          <select
            id={`${id}-minutes`}
            aria-describedby={`${id}-hint`}
            value={value}
            disabled={view === null}
            onChange={(e) => {
              setDraft(e.target.value);
              setSaved(false);
            }}
          >
            <option value="">{machine ? `This computer’s time (${minutesText(machine)})` : 'This computer’s time'}</option>
            {options.map((n) => (
              <option key={n} value={String(n)}>
                {minutesText(n)}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-hint`}>
            {max === null ? 'This computer sets no longest time.' : `At most ${minutesText(max)} on this computer`}
            {view?.setByOrganization ? <SetByOrganization /> : null}
            {max === null ? '' : '.'}
          </p>
        </div>
        <ErrorAlert error={error} />
        <div className="actions">
          <span className="status-text" role="status">
            {saved ? 'Lock time updated.' : ''}
          </span>
          <BusyButton busy={busy} busyLabel="Saving…" disabled={view === null}>
            Save
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
