import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api, asBridgeError } from '../../bridge';
import type { GroupSummary, UserSummary } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { sameSession } from '../../stores/epoch';

/** One group's members: add an account, remove one. */
export function GroupMembers({ group, users, onChanged }: { group: GroupSummary; users: UserSummary[]; onChanged(): void }) {
  const id = useId();
  const [members, setMembers] = useState<string[] | null>(null);
  const [adding, setAdding] = useState('');

  const reload = useCallback(async () => {
    const current = sameSession();
    const ids = await api('admin.groups.members', { id: group.id });
    if (current()) setMembers(ids);
  }, [group.id]);
  const { busy, error, setError, run: act } = useBusyAction(async () => {
    await reload();
    onChanged();
  });
  useEffect(() => {
    reload().catch((e) => setError(asBridgeError(e)));
  }, [reload]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (adding && (await act(() => api('admin.groups.addMember', { id: group.id, userId: adding })))) setAdding('');
  };

  const nameOf = (userId: string) => {
    const u = users.find((x) => x.id === userId);
    return u ? `${u.displayName} (${u.username})` : 'Unknown account';
  };
  const candidates = users.filter((u) => !members?.includes(u.id));
  return (
    <div className="group-members" id={`group-${group.id}`}>
      {members === null ? (
        <p className="muted">Loading…</p>
      ) : members.length === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <ul className="item-list" aria-label={`Members of ${group.name}`}>
          {members.map((m) => (
            <li key={m} className="item-row">
              <span className="item-text">{nameOf(m)}</span>
              <button
                type="button"
                className="btn btn-small"
                disabled={busy}
                aria-label={`Remove ${nameOf(m)} from ${group.name}`}
                onClick={() => void act(() => api('admin.groups.removeMember', { id: group.id, userId: m }))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="row" onSubmit={add} autoComplete="off" aria-label={`Add someone to ${group.name}`}>
        <div className="field field-inline">
          <label htmlFor={`${id}-add`}>Add to {group.name}</label>
          <select id={`${id}-add`} value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose someone…</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-small" disabled={busy || !adding}>
          Add member
        </button>
      </form>
      <ErrorAlert error={error} />
    </div>
  );
}
