import type { adminChannels } from '../../../preload/contract';
import { CubbyError, notFound } from '../../core/errors';
import { own, type AreaHandlers } from './context';

export const adminHandlers: AreaHandlers<keyof typeof adminChannels> = {
  'admin.users.list': (_input, ctx) => ctx.accounts.listUsers(own(ctx)),
  'admin.invites.create': (input, ctx) => ctx.accounts.createInvite(own(ctx), input),
  'admin.users.setDisabled': (input, ctx) => {
    ctx.accounts.setDisabled(own(ctx), input.userId, input.disabled);
    return {};
  },
  'admin.users.setRole': (input, ctx) => {
    ctx.accounts.setRole(own(ctx), input.userId, input.role);
    return {};
  },
  'admin.users.clearLockout': (input, ctx) => {
    ctx.accounts.clearLockout(own(ctx), input.userId);
    return {};
  },
  'admin.users.delete': async (input, ctx) => {
    const admin = own(ctx);
    const target = ctx.accounts.listUsers(admin).find((u) => u.id === input.userId);
    if (!target) throw notFound('account');
    if (target.username.toLowerCase() !== input.confirmUsername.toLowerCase()) {
      throw new CubbyError('VALIDATION', 'Type the username exactly to confirm that this account and its data are destroyed.');
    }
    await ctx.accounts.deleteUser(admin, input.userId);
    return {};
  },
  'admin.audit.list': (input, ctx) => {
    const admin = own(ctx);
    const names = new Map(ctx.accounts.listUsers(admin).map((u) => [u.id, u.username]));
    const party = (id: string | null) => (id ? { id, username: names.get(id) ?? null } : null);
    return ctx.accounts.auditLog(admin, input).map((e) => ({
      id: e.id,
      at: e.at,
      action: e.action,
      actor: party(e.actorId),
      target: party(e.targetId),
      detail: e.detail,
    }));
  },
};
