/**
 * Groups of accounts, for administrators: create, delete, add and remove members. Every change
 * is audited with ids only (a group's name never goes into the audit log). Electron-free; the
 * command line uses it now, shared-agent grants will build on it.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction } from '../catalog/audit';
import type { Catalog } from '../catalog/catalog';
import type { GroupRecord } from '../catalog/groups';
import { CubbyError, notFound } from '../errors';
import type { Accounts } from './accounts';
import type { Session } from './session';

export type GroupSummary = GroupRecord;

/** 1 to 64 characters: letters, digits, spaces and . _ - ; starting with a letter or digit. */
const GROUP_NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._-]{0,63}$/u;

export function checkGroupName(name: string): string {
  // NFC: an accent typed as a combining mark is stored and shown like the precomposed letter.
  const trimmed = name.trim().normalize('NFC');
  if (!GROUP_NAME.test(trimmed)) {
    throw new CubbyError('VALIDATION', 'A group name has 1 to 64 letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit.');
  }
  return trimmed;
}

export class GroupService {
  constructor(private readonly accounts: Accounts) {}

  list(admin: Session): GroupSummary[] {
    return this.catalogFor(admin).catalog.groups.list();
  }

  /** A group by name (case-insensitive), or NOT_FOUND. */
  byName(admin: Session, name: string): GroupSummary {
    const group = this.catalogFor(admin).catalog.groups.byName(name.trim());
    if (!group) throw notFound('group');
    return group;
  }

  /** Ids of the group's members, oldest membership first. */
  memberIds(admin: Session, groupId: string): string[] {
    const { catalog } = this.catalogFor(admin);
    this.group(catalog, groupId);
    return catalog.groups.memberIds(groupId);
  }

  create(admin: Session, name: string): GroupSummary {
    const clean = checkGroupName(name);
    const { catalog, now } = this.catalogFor(admin);
    const id = randomUUID();
    catalog.transaction(() => {
      if (catalog.groups.byName(clean)) throw new CubbyError('VALIDATION', 'A group with that name already exists.');
      catalog.groups.insert({ id, name: clean }, now);
      this.audit(catalog, now, admin, 'group_created', null, id);
    });
    return catalog.groups.byId(id)!;
  }

  /** The group and its memberships go; the accounts stay. */
  delete(admin: Session, groupId: string): void {
    const { catalog, now } = this.catalogFor(admin);
    catalog.transaction(() => {
      this.group(catalog, groupId);
      catalog.groups.delete(groupId);
      this.audit(catalog, now, admin, 'group_deleted', null, groupId);
    });
    this.accounts.accessChanged();
  }

  /** Returns false (and audits nothing) when the account was already a member. */
  addMember(admin: Session, groupId: string, userId: string): boolean {
    const { catalog, now } = this.catalogFor(admin);
    const added = catalog.transaction(() => {
      this.group(catalog, groupId);
      if (!catalog.users.byId(userId)) throw notFound('account');
      const added = catalog.groups.addMember(groupId, userId, now);
      if (added) this.audit(catalog, now, admin, 'group_member_added', userId, groupId);
      return added;
    });
    if (added) this.accounts.accessChanged(); // the new member's open window learns of the group's agents
    return added;
  }

  /** Returns false (and audits nothing) when the account was not a member. */
  removeMember(admin: Session, groupId: string, userId: string): boolean {
    const { catalog, now } = this.catalogFor(admin);
    const removed = catalog.transaction(() => {
      this.group(catalog, groupId);
      const removed = catalog.groups.removeMember(groupId, userId);
      if (removed) this.audit(catalog, now, admin, 'group_member_removed', userId, groupId);
      return removed;
    });
    if (removed) this.accounts.accessChanged(); // an answer streaming through the group's grant stops
    return removed;
  }

  /** LOCKED for a closed session, FORBIDDEN for anyone but an active administrator (accounts.isAdmin). */
  private catalogFor(admin: Session): { catalog: Catalog; now: number } {
    return this.accounts.adminCatalog(admin);
  }

  private group(catalog: Catalog, groupId: string): GroupRecord {
    const group = catalog.groups.byId(groupId);
    if (!group) throw notFound('group');
    return group;
  }

  /** The group's id goes in the detail; its name never does. */
  private audit(catalog: Catalog, now: number, admin: Session, action: AuditAction, targetId: string | null, groupId: string): void {
    catalog.audit.append({ at: now, actorId: admin.user.id, action, targetId, detail: groupId });
  }
}
