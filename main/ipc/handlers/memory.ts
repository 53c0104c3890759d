import type { memoryChannels } from '../../../preload/contract';
import { createMemory, deleteMemory, listMemory, searchMemory, updateMemory } from '../../core/vault/memory';
import { own, type AreaHandlers } from './context';

export const memoryHandlers: AreaHandlers<keyof typeof memoryChannels> = {
  'memory.list': (input, ctx) => listMemory(own(ctx), input),
  'memory.create': (input, ctx) => createMemory(own(ctx), input.text, 'person'),
  'memory.update': (input, ctx) => updateMemory(own(ctx), input.id, input.text),
  'memory.delete': (input, ctx) => {
    deleteMemory(own(ctx), input.id);
    return {};
  },
  'memory.search': (input, ctx) => searchMemory(own(ctx), input.query, input.limit),
};
