import { expect } from 'vitest';
import type { Accounts } from '../../main/core/accounts/accounts';
import type { Session } from '../../main/core/accounts/session';
import type { WsClient } from './wsClient';

/**
 * Two administrators, P and Q, for last-admin races: every trial starts from both active
 * admins, and `restore` puts back whatever the previous trial removed, using whichever of them
 * is still an admin (the invariant under test guarantees one is).
 */
export const P = { username: 'pat', displayName: 'Pat Admin', password: 'plum tree in the orchard' };
export const Q = { username: 'quin', displayName: 'Quin Admin', password: 'quiet harbour at dawn' };
export type Person = typeof P;

export type RemoveAction = 'delete' | 'demote' | 'disable';
export const REMOVE_ACTIONS: RemoveAction[] = ['delete', 'demote', 'disable'];

/** The bridge call that removes `target` as an admin. */
export function removalCall(action: RemoveAction, target: { id: string; username: string }): [string, unknown] {
  switch (action) {
    case 'delete':
      return ['admin.users.delete', { userId: target.id, confirmUsername: target.username }];
    case 'demote':
      return ['admin.users.setRole', { userId: target.id, role: 'user' }];
    case 'disable':
      return ['admin.users.setDisabled', { userId: target.id, disabled: true }];
  }
}

export class TwoAdmins {
  private readonly held = new Map<string, Session>();

  constructor(private readonly accounts: Accounts) {}

  /** First run: P sets up, Q is invited as an admin. */
  async create(): Promise<void> {
    const { session } = await this.accounts.setup(P);
    this.held.set(P.username, session);
    await this.invite(Q);
  }

  userId(person: Person): string {
    const user = this.accounts.listUsers(this.fixer()).find((u) => u.username === person.username);
    if (!user) throw new Error(`${person.username} is gone`);
    return user.id;
  }

  activeAdmins(): string[] {
    return this.accounts
      .listUsers(this.fixer())
      .filter((u) => u.role === 'admin' && u.status === 'active')
      .map((u) => u.username);
  }

  /** Both active admins again, each with a session held here. */
  async restore(): Promise<void> {
    for (const person of [P, Q]) {
      const fixer = this.fixer();
      const user = this.accounts.listUsers(fixer).find((u) => u.username === person.username);
      if (!user) {
        await this.invite(person);
        continue;
      }
      if (user.status === 'disabled') this.accounts.setDisabled(fixer, user.id, false);
      if (user.role !== 'admin') this.accounts.setRole(fixer, user.id, 'admin');
      if (!this.held.get(person.username)?.isOpen) this.held.set(person.username, await this.accounts.login(person.username, person.password));
    }
    expect(this.activeAdmins().sort()).toEqual([P.username, Q.username]);
  }

  /** A window signed in as `person`, signing in again only when its session ended. */
  async signIn(ws: WsClient, person: Person): Promise<void> {
    const status = await ws.call('app.status', {});
    if (status.value.session?.username === person.username) return;
    const r = await ws.call('auth.login', { username: person.username, password: person.password });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  }

  private fixer(): Session {
    for (const s of this.held.values()) if (s.isOpen && this.accounts.isAdmin(s)) return s;
    throw new Error('the install was left with no active administrator');
  }

  private async invite(person: Person): Promise<void> {
    const { code } = await this.accounts.createInvite(this.fixer(), { username: person.username, displayName: person.displayName, role: 'admin' });
    const { session } = await this.accounts.redeemInvite({ username: person.username, code, password: person.password });
    // A session of the deleted account (removed from another process) holds a vault that is gone.
    this.held.get(person.username)?.close();
    this.held.set(person.username, session);
  }
}

/**
 * What the losing removal must answer: LAST_ADMIN while its own admin still had the right to
 * act; if the winner had just removed that admin, the refusal of an actor who no longer may
 * (a demoted admin is FORBIDDEN; a disabled or deleted one's session is LOCKED).
 */
export function expectedLoserCode(actorRemovedBy: RemoveAction | null): string {
  if (actorRemovedBy === null) return 'LAST_ADMIN';
  return actorRemovedBy === 'demote' ? 'FORBIDDEN' : 'LOCKED';
}
