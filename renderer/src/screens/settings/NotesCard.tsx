import { useEffect, useId, useState, type FormEvent } from 'react';
import { asBridgeError, type BridgeCallError } from '../../bridge';
import { BusyButton } from '../../components/BusyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { loadNotes, saveNotes, useSettingsStore } from '../../stores/settingsStore';

/** A free-text preference kept in the user's encrypted vault (settings.set). */
export function NotesCard() {
  const stored = useSettingsStore((s) => s.notes);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const id = useId();

  useEffect(() => {
    if (stored === null) loadNotes().catch((e) => setError(asBridgeError(e)));
  }, [stored]);

  const value = draft ?? stored ?? '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await saveNotes(value);
      setDraft(null);
      setSaved(true);
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Display preferences and notes</h2>
      <p className="card-lead">Anything you want to keep here. It is stored encrypted in your vault.</p>
      {/* autocomplete=off: Chromium then neither offers nor saves this text as form history or restore state. */}
      <form onSubmit={submit} aria-busy={busy} autoComplete="off">
        <div className="field">
          <label htmlFor={`${id}-notes`}>Notes</label>
          <textarea
            id={`${id}-notes`}
            rows={4}
            autoComplete="off"
            spellCheck={false}
            value={value}
            disabled={stored === null}
            onChange={(e) => {
              setDraft(e.target.value);
              setSaved(false);
            }}
          />
        </div>
        <ErrorAlert error={error} />
        <div className="actions">
          <span className="status-text" role="status">
            {saved ? 'Saved.' : ''}
          </span>
          <BusyButton busy={busy} busyLabel="Saving…" disabled={stored === null}>
            Save notes
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
