import type { agentsChannels } from '../../../preload/contract';
import { createAgent, deleteAgent, duplicateAgent, getAgent, listAgents, updateAgent } from '../../core/vault/agents';
import { own, type AreaHandlers } from './context';

export const agentsHandlers: AreaHandlers<keyof typeof agentsChannels> = {
  'agents.list': (_input, ctx) => listAgents(own(ctx)),
  'agents.get': (input, ctx) => getAgent(own(ctx), input.id),
  'agents.create': (input, ctx) => createAgent(own(ctx), input),
  'agents.update': (input, ctx) => {
    const { id, ...fields } = input;
    return updateAgent(own(ctx), id, fields);
  },
  'agents.duplicate': (input, ctx) => duplicateAgent(own(ctx), input.id),
  'agents.delete': (input, ctx) => {
    deleteAgent(own(ctx), input.id);
    return {};
  },
};
