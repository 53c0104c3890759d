import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError } from '../../bridge';
import type { AccessLevel, Directory, GrantView, SharedAgentSummary, Subject } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { sameSession } from '../../stores/epoch';
import { useSharingStore } from '../../stores/sharingStore';
import { canGrant, grantableLevels, LEVEL_HINTS, LEVEL_LABELS } from './levelLabels';
import { QuotasPanel } from './QuotasPanel';
import { TransferPanel } from './TransferPanel';

const subjectKey = (s: Pick<Subject, 'type' | 'id'>) => `${s.type}:${s.id}`;

/**
 * Who has access to a shared agent, and giving or taking it: people or groups from the directory,
 * at the levels the caller may hand out (share: view and use; manage: every level). Managers of
 * an agent that runs on a shared key also set usage limits here.
 */
export function ShareDialog({ agent, onClose }: { agent: SharedAgentSummary; onClose(): void }) {
  const id = useId();
  const shared = useSharingStore((s) => s.shared);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [grants, setGrants] = useState<GrantView[] | null>(null);
  const [subject, setSubject] = useState('');
  const levels = grantableLevels(agent.level);
  const [level, setLevel] = useState<AccessLevel>('use');

  const reload = useCallback(async () => {
    const current = sameSession();
    const [dir, list] = await Promise.all([api('shared.directory', {}), api('shared.grants', { id: agent.id })]);
    if (!current()) return;
    setDirectory(dir);
    setGrants(list);
  }, [agent.id]);
  const { busy, error, setError, run: act } = useBusyAction(reload);

  // Again whenever main says access changed (shared.changed refreshes the store's list).
  useEffect(() => {
    reload().catch((e) => setError(asBridgeError(e)));
  }, [reload, shared]);

  const give = async (e: FormEvent) => {
    e.preventDefault();
    const [type, subjectId] = subject.split(':') as ['user' | 'group', string];
    if (!subjectId) return;
    if (await act(() => api('shared.grant', { id: agent.id, subject: { type, id: subjectId }, level }))) setSubject('');
  };

  return (
    <Dialog title={`Share ${agent.name}`} onClose={onClose}>
      <p className="muted">
        {agent.level === 'share' ? 'You can share this agent: you may give others view or use.' : 'You manage this agent: you may give any level.'} People who
        use it never see its instructions or key.
      </p>
      <form onSubmit={give} autoComplete="off" className="share-form" aria-label="Give access">
        <div className="field">
          <label htmlFor={`${id}-who`}>Person or group</label>
          <select id={`${id}-who`} value={subject} onChange={(e) => setSubject(e.target.value)} required>
            <option value="">Choose…</option>
            {directory && directory.groups.length > 0 ? (
              <optgroup label="Groups">
                {directory.groups.map((g) => (
                  <option key={g.id} value={subjectKey({ type: 'group', id: g.id })}>
                    {g.name} ({g.memberCount} {g.memberCount === 1 ? 'member' : 'members'})
                  </option>
                ))}
              </optgroup>
            ) : null}
            {directory && directory.people.length > 0 ? (
              <optgroup label="People">
                {directory.people.map((p) => (
                  <option key={p.id} value={subjectKey({ type: 'user', id: p.id })}>
                    {p.displayName}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-level`}>Access</label>
          <select id={`${id}-level`} value={level} onChange={(e) => setLevel(e.target.value as AccessLevel)} aria-describedby={`${id}-level-hint`}>
            {levels.map((l) => (
              <option key={l} value={l}>
                {LEVEL_LABELS[l]}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-level-hint`}>
            {LEVEL_LABELS[level]}: {LEVEL_HINTS[level]}.
          </p>
        </div>
        <div className="actions">
          <BusyButton busy={busy} busyLabel="Saving…" disabled={!subject}>
            Give access
          </BusyButton>
        </div>
      </form>
      <ErrorAlert error={error} />
      <h3 id={`${id}-grants`}>Who has access</h3>
      {grants === null ? (
        <p className="muted">Loading…</p>
      ) : grants.length === 0 ? (
        <p className="muted">Nobody yet{agent.isOwner ? ' but you' : ''}.</p>
      ) : (
        <ul className="item-list grant-list" aria-labelledby={`${id}-grants`}>
          {grants.map((g) => (
            <li key={subjectKey(g.subject)} className="item-row">
              <span className="item-text">
                <span className="item-name">{g.subject.name}</span>
                <span className="item-note">{g.subject.type === 'group' ? 'Group' : 'Person'}</span>
              </span>
              <span className="badge badge-info">{LEVEL_LABELS[g.level]}</span>
              {canGrant(agent.level, g.level) ? (
                <button
                  type="button"
                  className="btn btn-small btn-danger-outline"
                  aria-label={`Revoke access of ${g.subject.name}`}
                  disabled={busy}
                  onClick={() => void act(() => api('shared.revoke', { id: agent.id, subject: { type: g.subject.type, id: g.subject.id } }))}
                >
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {agent.level === 'manage' && agent.needsOwnConnection === null ? <QuotasPanel agent={agent} people={directory?.people ?? []} /> : null}
      {agent.level === 'manage' && agent.needsOwnConnection !== null ? (
        <p className="hint">Usage limits apply to an agent that runs on a shared key; this one runs on each person's own connection.</p>
      ) : null}
      {agent.level === 'manage' && directory ? <TransferPanel agent={agent} people={directory.people} onDone={onClose} /> : null}
      <div className="actions">
        <button type="button" className="btn" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
