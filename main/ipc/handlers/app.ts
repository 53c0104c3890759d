import type { appChannels } from '../../../preload/contract';
import { setByOrganization } from '../../core/policy/effective';
import type { PolicyKey } from '../../core/policy/schema';
import { sessionInfo } from '../router';
import type { AreaHandlers, HandlerContext } from './context';

function shown<K extends PolicyKey>(ctx: HandlerContext, key: K) {
  return { value: ctx.policy.values[key], setByOrganization: setByOrganization(ctx.policy, key) };
}

export const appHandlers: AreaHandlers<keyof typeof appChannels> = {
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
    session: ctx.session ? sessionInfo(ctx.accounts, ctx.session) : null,
    lockedUser: ctx.lockedUser,
  }),
};
