import { create } from 'zustand';
import { api } from '../bridge';
import type { AuditAction, AuditEntry, UserSummary } from '../bridge/types';

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

export async function loadUsers(): Promise<void> {
  useAdminStore.setState({ users: await api('admin.users.list', {}) });
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
  const entries = await api('admin.audit.list', auditQuery(filter));
  // A newer filter may have been chosen while this one loaded.
  if (useAdminStore.getState().auditFilter !== filter) return;
  useAdminStore.setState({ audit: entries, auditHasMore: entries.length === AUDIT_PAGE });
}

export async function loadOlderAudit(): Promise<void> {
  const { audit, auditFilter } = useAdminStore.getState();
  const last = audit?.at(-1);
  if (!audit || !last) return;
  const older = await api('admin.audit.list', auditQuery(auditFilter, last.id));
  useAdminStore.setState({ audit: [...audit, ...older], auditHasMore: older.length === AUDIT_PAGE });
}
