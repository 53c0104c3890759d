import { create } from 'zustand';
import { api } from '../bridge';
import type { AuditAction, AuditEntry, UserSummary } from '../bridge/types';
import { sameSession } from './epoch';
import { useSessionStore } from './sessionStore';

/** What the admin panels have loaded. In memory only; dropped on lock and sign-out. */
export interface AuditFilter {
  userId: string;
  action: AuditAction | '';
}

interface AdminState {
  users: UserSummary[] | null;
  audit: AuditEntry[] | null;
  auditFilter: AuditFilter;
  auditHasMore: boolean;
}

export const AUDIT_PAGE = 100;

export const initialAdminState: AdminState = {
  users: null,
  audit: null,
  auditFilter: { userId: '', action: '' },
  auditHasMore: false,
};

export const useAdminStore = create<AdminState>()(() => initialAdminState);

/**
 * Call before an await: whether the answer may still be kept. Not after a lock, and not after a
 * demotion (main's session.changed) that arrived while the admin data was on its way.
 */
function stillAdmin(): () => boolean {
  const current = sameSession();
  return () => current() && useSessionStore.getState().session?.isAdmin === true;
}

export async function loadUsers(): Promise<void> {
  const current = stillAdmin();
  const users = await api('admin.users.list', {});
  if (current()) useAdminStore.setState({ users });
}

function auditQuery(filter: AuditFilter, beforeId?: number) {
  return {
    limit: AUDIT_PAGE,
    ...(filter.userId ? { userId: filter.userId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(beforeId ? { beforeId } : {}),
  };
}

export async function loadAudit(filter: AuditFilter): Promise<void> {
  useAdminStore.setState({ auditFilter: filter });
  const current = stillAdmin();
  const entries = await api('admin.audit.list', auditQuery(filter));
  // A newer filter may have been chosen, or the window locked, while this one loaded.
  if (!current() || useAdminStore.getState().auditFilter !== filter) return;
  useAdminStore.setState({ audit: entries, auditHasMore: entries.length === AUDIT_PAGE });
}

export async function loadOlderAudit(): Promise<void> {
  const { audit, auditFilter } = useAdminStore.getState();
  const last = audit?.at(-1);
  if (!audit || !last) return;
  const current = stillAdmin();
  const older = await api('admin.audit.list', auditQuery(auditFilter, last.id));
  if (!current()) return;
  useAdminStore.setState({ audit: [...audit, ...older], auditHasMore: older.length === AUDIT_PAGE });
}
