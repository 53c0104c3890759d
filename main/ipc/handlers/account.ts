import type { accountChannels } from '../../../preload/contract';
import { CubbyError } from '../../core/errors';
import { own, type AreaHandlers } from './context';

export const accountHandlers: AreaHandlers<keyof typeof accountChannels> = {
  // The router counts every call of a signed-in window as activity; this one carries nothing else.
  'session.activity': () => ({}),
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
};
