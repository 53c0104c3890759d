import { useEffect, useState } from 'react';
import { asBridgeError, type BridgeCallError } from '../../bridge';
import type { AuditAction, AuditEntry } from '../../bridge/types';
import { ACTION_LABELS } from '../../components/auditLabels';
import { AUDIT_ACTIONS } from '../../../../main/core/catalog/auditActions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/formatTime';
import { loadAudit, loadOlderAudit, loadUsers, useAdminStore } from '../../stores/adminStore';


function party(p: AuditEntry['actor']): string {
  if (!p) return '—';
  return p.username ?? 'deleted account';
}

/** Admin: what happened on this computer, newest first, filtered by person and action. */
export function AuditSection() {
  const users = useAdminStore((s) => s.users);
  const audit = useAdminStore((s) => s.audit);
  const filter = useAdminStore((s) => s.auditFilter);
  const hasMore = useAdminStore((s) => s.auditHasMore);
  const [error, setError] = useState<BridgeCallError | null>(null);

  const apply = (next: typeof filter) => {
    setError(null);
    loadAudit(next).catch((e) => setError(asBridgeError(e)));
  };

  useEffect(() => {
    loadUsers().catch(() => undefined);
    apply(useAdminStore.getState().auditFilter);
    // Load once on open; filters reload explicitly.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title" className="page-title" tabIndex={-1}>
        Audit log
      </h1>
      <p className="page-lead">Sign-ins, invites and account changes. It never records what anyone wrote.</p>
      <div className="filters" role="group" aria-label="Filter the audit log">
        <div className="field field-inline">
          <label htmlFor="audit-user">User</label>
          <select id="audit-user" value={filter.userId} onChange={(e) => apply({ ...filter, userId: e.target.value })}>
            <option value="">All users</option>
            {(users ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={filter.action} onChange={(e) => apply({ ...filter, action: e.target.value as AuditAction | '' })}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorAlert error={error} />
      <div className="card card-flush">
        <table className="table" aria-label="Audit events">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">By</th>
              <th scope="col">Account</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {audit === null ? (
              <tr>
                <td colSpan={5} className="muted">
                  Loading…
                </td>
              </tr>
            ) : audit.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Nothing matches these filters.
                </td>
              </tr>
            ) : (
              audit.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>
                    <span className={`badge ${e.action.includes('failed') || e.action === 'user_deleted' ? 'badge-warn' : 'badge-muted'}`}>
                      {ACTION_LABELS[e.action]}
                    </span>
                  </td>
                  <td>{party(e.actor)}</td>
                  <td>{party(e.target)}</td>
                  <td className="cell-wrap">{e.detail ?? ''}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {hasMore ? (
        <div className="actions">
          <button type="button" className="btn" onClick={() => loadOlderAudit().catch((e) => setError(asBridgeError(e)))}>
            Show older events
          </button>
        </div>
      ) : null}
    </section>
  );
}
