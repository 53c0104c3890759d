import type { providersChannels } from '../../../preload/contract';
import { listConnectionModels, probeLocalServers } from '../../core/agents/models';
import { baseUrlAllowed } from '../../core/policy/enforce';
import { createConnection, deleteConnection, listConnections, updateConnection } from '../../core/vault/providerConnections';
import { own, type AreaHandlers, type HandlerContext } from './context';
import { requireOwnProviderAllowed, usableConnection } from './providerPolicy';

function modelsOf(ctx: HandlerContext, connectionId: string) {
  const session = own(ctx);
  usableConnection(ctx, session, connectionId);
  const { fetch, maxRetries } = ctx.providerRuntime;
  return listConnectionModels(session, connectionId, { fetch, maxRetries });
}

export const providersHandlers: AreaHandlers<keyof typeof providersChannels> = {
  'providers.list': (_input, ctx) => listConnections(own(ctx)),
  'providers.create': (input, ctx) => {
    const session = own(ctx);
    const { starterModel, ...fields } = input;
    requireOwnProviderAllowed(ctx, fields.kind, fields.baseUrl);
    return createConnection(session, fields, { starterModel });
  },
  'providers.update': (input, ctx) => {
    const session = own(ctx);
    const { id, ...fields } = input;
    requireOwnProviderAllowed(ctx, fields.kind, fields.baseUrl);
    return updateConnection(session, id, fields);
  },
  'providers.delete': (input, ctx) => {
    deleteConnection(own(ctx), input.id);
    return {};
  },
  'providers.models': (input, ctx) => modelsOf(ctx, input.id),
  'providers.test': async (input, ctx) => ({ modelCount: (await modelsOf(ctx, input.id)).length }),
  'providers.probeLocal': async (_input, ctx) => {
    own(ctx); // allowOwnProviders: checked by the router (the contract's `requires`)
    const policy = ctx.policy.values;
    if (!policy.allowedProviderKinds.includes('openai-compatible')) return [];
    const offers = await probeLocalServers({ ports: ctx.providerRuntime.localServerPorts, fetch: ctx.providerRuntime.fetch });
    return offers.filter((o) => baseUrlAllowed(policy.allowedProviderBaseUrls, o.baseUrl));
  },
};
