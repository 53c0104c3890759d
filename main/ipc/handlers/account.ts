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
  'clipboard.copyText': async (input, ctx) => {
    if (!ctx.clipboard) throw new CubbyError('NOT_SUPPORTED', 'This window copies through the browser.');
    await ctx.clipboard.copy(own(ctx), input.text, 'lock');
    return {};
  },
  'app.openLink': async (input, ctx) => {
    own(ctx);
    const url = openableLink(input.url);
    if (!ctx.openExternal) throw new CubbyError('NOT_SUPPORTED', 'This window opens links itself.');
    await ctx.openExternal(url);
    return {};
  },
};

/**
 * Only plain web links leave the app: http or https, no user name or password in them (a
 * model could write `https://bank.example@evil.example`). Answers the normalised URL.
 */
export function openableLink(raw: string): string {
  const url = URL.parse(raw.trim());
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.hostname === '') {
    throw new CubbyError('VALIDATION', 'Only web links (http or https) can be opened.');
  }
  return url.href;
}
