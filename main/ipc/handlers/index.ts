/**
 * One handler per contract channel, one file per contract area (see preload/contract/index.ts
 * for adding an area). The router imports `handlers` from here.
 */
import type { ChannelName } from '../../../preload/contract';
import type { Duplicates, MustBeNone } from '../../../preload/contract/shared';
import { accountHandlers } from './account';
import { adminHandlers } from './admin';
import { agentsHandlers } from './agents';
import { chatHandlers } from './chat';
import { conversationsHandlers } from './conversations';
import { memoryHandlers } from './memory';
import { providersHandlers } from './providers';
import { secretsHandlers } from './secrets';
import { appHandlers } from './app';
import { authHandlers } from './auth';
import type { Handler } from './context';
import { settingsHandlers } from './settings';
import { groupsHandlers } from './groups';
import { sharingHandlers } from './sharing';
import { workflowsHandlers } from './workflows';
import { toolsHandlers } from './tools';
import { syncHandlers } from './sync';

export type { AreaHandlers, Handler } from './context';

export type Handlers = { [C in ChannelName]: Handler<C> };

type KeysOf<L extends readonly object[]> = { [I in keyof L]: keyof L[I] }[number];

/**
 * Why a list of area handler objects is not exactly one handler per channel (never: it is).
 * Each message names the channel at fault.
 */
export type HandlerCoverageProblems<L extends readonly object[]> =
  | `${Exclude<ChannelName, KeysOf<L>>} has no handler`
  | `${Exclude<KeysOf<L>, ChannelName> & string} is not a contract channel`
  | `${Duplicates<L> & string} is handled in two areas`;

type Areas = [
  typeof appHandlers,
  typeof authHandlers,
  typeof accountHandlers,
  typeof settingsHandlers,
  typeof adminHandlers,
  typeof agentsHandlers,
  typeof providersHandlers,
  typeof secretsHandlers,
  typeof conversationsHandlers,
  typeof chatHandlers,
  typeof memoryHandlers,
  typeof groupsHandlers,
  typeof sharingHandlers,
  typeof workflowsHandlers,
  typeof toolsHandlers,
  typeof syncHandlers,
];

/** Fails to compile, naming the channel, unless every channel has exactly one handler. */
export type EveryChannelHandledOnce = MustBeNone<HandlerCoverageProblems<Areas>>;

export const handlers: Handlers = {
  ...appHandlers,
  ...authHandlers,
  ...accountHandlers,
  ...settingsHandlers,
  ...adminHandlers,
  ...agentsHandlers,
  ...providersHandlers,
  ...secretsHandlers,
  ...conversationsHandlers,
  ...chatHandlers,
  ...memoryHandlers,
  ...groupsHandlers,
  ...sharingHandlers,
  ...workflowsHandlers,
  ...toolsHandlers,
  ...syncHandlers,
};
