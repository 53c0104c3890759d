import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, asBridgeError } from '../../bridge';
import type { GroupSummary } from '../../bridge/types';
import { BusyButton } from '../../components/BusyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBusyAction } from '../../components/useBusyAction';
import { Field } from '../../components/Field';
import { loadUsers, useAdminStore } from '../../stores/adminStore';
import { sameSession } from '../../stores/epoch';
import { GroupMembers } from './GroupMembers';

/** Admin: groups of accounts, which shared agents can be granted to. */
export default function GroupsSection() {
  const [groups, setGroups] = useState<GroupSummary[] | null>(null);
  const users = useAdminStore((s) => s.users);
  const [name, setName] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<GroupSummary | null>(null);

  const reload = useCallback(async () => {
    const current = sameSession();
    const list = await api('admin.groups.list', {});
    if (current()) setGroups(list);
  }, []);
  const { busy, error, setError, run: act } = useBusyAction(reload);
  useEffect(() => {
    reload().catch((e) => setError(asBridgeError(e)));
    loadUsers().catch((e) => setError(asBridgeError(e)));
  }, [reload]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await act(() => api('admin.groups.create', { name: name.trim() }))) setName('');
  };

  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title" className="page-title" tabIndex={-1}>
        Groups
      </h1>
      <p className="page-lead">Give a shared agent to a group, and everyone in it can use it. Adding or removing someone takes effect at once.</p>
      <div className="stack">
        <form className="card row group-create" onSubmit={create} autoComplete="off" aria-label="New group">
          <Field label="Group name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={1000} autoComplete="off" placeholder="e.g. Front desk" />
          <BusyButton busy={busy} busyLabel="Creating…" disabled={!name.trim()}>
            Create group
          </BusyButton>
        </form>
        <ErrorAlert error={error} />
        <section className="card card-flush" aria-labelledby="groups-list-title">
          <h2 id="groups-list-title" className="visually-hidden">
            All groups
          </h2>
          {groups && groups.length === 0 ? (
            <div className="placeholder">
              <p className="placeholder-title">No groups yet</p>
              <p>Create one, then add the people who should share agents.</p>
            </div>
          ) : (
            <ul className="item-list">
              {(groups ?? []).map((g) => (
                <li key={g.id} className="item-row group-row">
                  <span className="item-text">
                    <span className="item-name">{g.name}</span>
                    <span className="item-note">
                      {g.memberCount} {g.memberCount === 1 ? 'member' : 'members'}
                    </span>
                  </span>
                  <span className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={open === g.id}
                      aria-controls={`group-${g.id}`}
                      aria-label={`Members of ${g.name}`}
                      onClick={() => setOpen(open === g.id ? null : g.id)}
                    >
                      Members
                    </button>
                    <button type="button" className="btn btn-small btn-danger-outline" aria-label={`Delete ${g.name}`} onClick={() => setDeleting(g)}>
                      Delete
                    </button>
                  </span>
                  {open === g.id ? <GroupMembers group={g} users={users ?? []} onChanged={() => void reload().catch(() => undefined)} /> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)}>
          <p>Its members lose what was shared with the group (not what was shared with them directly). Their accounts stay.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                const target = deleting;
                setDeleting(null);
                void act(() => api('admin.groups.delete', { id: target.id }));
              }}
            >
              Delete group
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
