import type { ChannelName, ChannelOutput, Channels, SessionInfo } from '../../preload/contract';
import type { z } from 'zod';
import type { Session } from '../core/accounts/session';
import { CubbyError, notFound } from '../core/errors';
import { setByOrganization } from '../core/policy/effective';
import { idlePreference, setIdleMinutes, setSettingChecked } from '../core/policy/idle';
import type { PolicyKey } from '../core/policy/schema';
import { getSetting, listSettings } from '../core/vault/settings';
import { sessionInfo as info, type HandlerContext } from './router';

type Handler<C extends ChannelName> = (
  input: z.output<Channels[C]['input']>,
  ctx: HandlerContext,
) => ChannelOutput<C> | Promise<ChannelOutput<C>>;

export type Handlers = { [C in ChannelName]: Handler<C> };

/** The router guarantees a session for 'session' and 'admin' channels. */
function own(ctx: HandlerContext): Session {
  if (!ctx.session) throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
  return ctx.session;
}

function signedIn(ctx: HandlerContext, session: Session): SessionInfo {
  ctx.bind(session);
  return info(ctx.accounts, session);
}

function shown<K extends PolicyKey>(ctx: HandlerContext, key: K) {
  return { value: ctx.policy.values[key], setByOrganization: setByOrganization(ctx.policy, key) };
}

/** One handler per contract channel. */
export const handlers: Handlers = {
  'policy.get': (_input, ctx) => ({
    minPasswordLength: { value: ctx.accounts.policy.minPasswordLength, setByOrganization: setByOrganization(ctx.policy, 'minPasswordLength') },
    maxIdleMinutes: shown(ctx, 'maxIdleMinutes'),
    allowedProviderKinds: shown(ctx, 'allowedProviderKinds'),
    allowedProviderBaseUrls: shown(ctx, 'allowedProviderBaseUrls'),
    allowOwnProviders: shown(ctx, 'allowOwnProviders'),
    allowOwnToolServers: shown(ctx, 'allowOwnToolServers'),
    allowWorkflowsWhileLocked: shown(ctx, 'allowWorkflowsWhileLocked'),
    allowSync: shown(ctx, 'allowSync'),
    updateMode: shown(ctx, 'updateMode'),
  }),

  'app.status': (_input, ctx) => ({
    setUp: ctx.accounts.isSetUp(),
    users: ctx.accounts.loginUsers(),
    session: ctx.session ? info(ctx.accounts, ctx.session) : null,
    lockedUser: ctx.lockedUser,
  }),

  'auth.setup': async (input, ctx) => {
    const created = await ctx.accounts.setup(input);
    return { session: signedIn(ctx, created.session), recoveryKey: created.recoveryKey };
  },
  'auth.login': async (input, ctx) => signedIn(ctx, await ctx.accounts.login(input.username, input.password)),
  'auth.redeemInvite': async (input, ctx) => {
    const created = await ctx.accounts.redeemInvite({ ...input, code: input.code.replace(/[\s-]/g, '') });
    return { session: signedIn(ctx, created.session), recoveryKey: created.recoveryKey };
  },
  'auth.recover': async (input, ctx) => {
    const created = await ctx.accounts.recover(input);
    return { session: signedIn(ctx, created.session), recoveryKey: created.recoveryKey };
  },

  'auth.lock': (_input, ctx) => {
    ctx.lock('user', false);
    return {};
  },
  // The router counts every call of a signed-in window as activity; this one carries nothing else.
  'session.activity': () => ({}),
  'auth.signOut': (_input, ctx) => {
    ctx.lock('signed-out', true);
    return {};
  },
  'account.changePassword': async (input, ctx) => {
    await ctx.accounts.changePassword(own(ctx), input.currentPassword, input.newPassword);
    return {};
  },
  'account.renewRecoveryKey': async (input, ctx) => ({
    recoveryKey: await ctx.accounts.renewRecoveryKey(own(ctx), input.password),
  }),
  'clipboard.copySecret': async (input, ctx) => {
    if (!ctx.clipboard) throw new CubbyError('NOT_SUPPORTED', 'This window copies through the browser.');
    await ctx.clipboard.copy(own(ctx), input.text);
    return {};
  },
  'settings.list': (_input, ctx) => listSettings(own(ctx)),
  'settings.get': (input, ctx) => ({ value: getSetting(own(ctx), input.key) ?? null }),
  'settings.set': (input, ctx) => {
    setSettingChecked(own(ctx), input.key, input.value, ctx.idleLockSeconds);
    return {};
  },
  'settings.idleLock.get': (_input, ctx) => {
    const pref = idlePreference(own(ctx), ctx.idleLockSeconds);
    return {
      minutes: pref.minutes,
      chosen: pref.chosen,
      maxMinutes: ctx.idleLockSeconds > 0 ? pref.maxMinutes : null,
      setByOrganization: setByOrganization(ctx.policy, 'maxIdleMinutes'),
    };
  },
  'settings.idleLock.set': (input, ctx) => {
    setIdleMinutes(own(ctx), input.minutes, ctx.idleLockSeconds);
    return {};
  },

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
