import type { sharingChannels } from '../../../preload/contract';
import { publishAgent, updatePublished } from '../../core/sharing/publish';
import { accessLog, accountActivity, listQuotas, setQuota } from '../../core/sharing/usage';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { requireProviderAllowed } from '../../core/policy/enforce';
import { baseUrlOf } from '../../core/agents/providers';
import type { ProviderKind } from '../../core/vault/providerConnections';

const sharing = (ctx: HandlerContext) => ctx.accounts.sharing.service;

/**
 * A shared agent may point only where this machine's policy lets providers be reached (the
 * allowlist), whoever defines it. Unlike a person's own connection, allowOwnProviders does not
 * apply: shared agents are how an organization that forbids own providers offers models.
 */
export function requireSharedProviderAllowed(ctx: Pick<HandlerContext, 'policy'>, kind: ProviderKind, baseUrl: string | null | undefined): void {
  const address = baseUrl?.trim() || (kind === 'openai-compatible' ? '' : baseUrlOf({ kind }));
  requireProviderAllowed(ctx.policy.values, kind === 'anthropic' ? 'anthropic' : 'openai-compatible', address);
}

export const sharingHandlers: AreaHandlers<keyof typeof sharingChannels> = {
  'shared.list': (_input, ctx) => sharing(ctx).list(own(ctx)),
  'shared.get': ({ id }, ctx) => sharing(ctx).get(own(ctx), id),
  'shared.definition': ({ id }, ctx) => sharing(ctx).definition(own(ctx), id),
  'shared.setMyMemory': ({ id, access }, ctx) => sharing(ctx).setMyMemory(own(ctx), id, access),
  'shared.create': ({ credential, ...fields }, ctx) => {
    requireSharedProviderAllowed(ctx, fields.providerKind, fields.baseUrl);
    return sharing(ctx).create(own(ctx), fields, credential ?? null);
  },
  'shared.publish': ({ agentId, shareKey }, ctx) =>
    publishAgent(sharing(ctx), own(ctx), agentId, { shareKey, checkProvider: (kind, baseUrl) => requireSharedProviderAllowed(ctx, kind, baseUrl) }),
  'shared.updateFromMine': ({ agentId }, ctx) => updatePublished(sharing(ctx), own(ctx), agentId),
  'shared.update': ({ id, ...fields }, ctx) => {
    requireSharedProviderAllowed(ctx, fields.providerKind, fields.baseUrl);
    return sharing(ctx).update(own(ctx), id, fields);
  },
  'shared.setCredential': async ({ id, value }, ctx) => {
    await sharing(ctx).setCredential(own(ctx), id, value);
    return {};
  },
  'shared.delete': ({ id }, ctx) => {
    sharing(ctx).delete(own(ctx), id);
    return {};
  },
  'shared.transfer': ({ id, newOwnerId }, ctx) => {
    sharing(ctx).transfer(own(ctx), id, newOwnerId);
    return {};
  },
  'shared.grants': ({ id }, ctx) => sharing(ctx).listGrants(own(ctx), id),
  'shared.grant': ({ id, subject, level }, ctx) => {
    sharing(ctx).grant(own(ctx), id, subject, level);
    return {};
  },
  'shared.revoke': ({ id, subject }, ctx) => ({ revoked: sharing(ctx).revoke(own(ctx), id, subject) }),
  'shared.directory': (_input, ctx) => sharing(ctx).directory(own(ctx)),
  'shared.quotas': ({ id }, ctx) => listQuotas(sharing(ctx), own(ctx), id),
  'shared.setQuota': ({ id, personId, ...limits }, ctx) => {
    setQuota(sharing(ctx), own(ctx), id, { userId: personId, ...limits });
    return {};
  },
  'shared.accessLog': ({ id, ...page }, ctx) => accessLog(sharing(ctx), own(ctx), id, page),
  'activity.mine': (page, ctx) => accountActivity(sharing(ctx), own(ctx), page),
};

