import type { authChannels } from '../../../preload/contract';
import { signedIn, type AreaHandlers } from './context';

export const authHandlers: AreaHandlers<keyof typeof authChannels> = {
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
  'auth.signOut': (_input, ctx) => {
    ctx.lock('signed-out', true);
    return {};
  },
};
