import { expect, expectTypeOf, test } from 'vitest';
import { accountHandlers } from '../../main/ipc/handlers/account';
import { adminHandlers } from '../../main/ipc/handlers/admin';
import { agentsHandlers } from '../../main/ipc/handlers/agents';
import { chatHandlers } from '../../main/ipc/handlers/chat';
import { conversationsHandlers } from '../../main/ipc/handlers/conversations';
import { memoryHandlers } from '../../main/ipc/handlers/memory';
import { providersHandlers } from '../../main/ipc/handlers/providers';
import { secretsHandlers } from '../../main/ipc/handlers/secrets';
import { appHandlers } from '../../main/ipc/handlers/app';
import { authHandlers } from '../../main/ipc/handlers/auth';
import { settingsHandlers } from '../../main/ipc/handlers/settings';
import { groupsHandlers } from '../../main/ipc/handlers/groups';
import { sharingHandlers } from '../../main/ipc/handlers/sharing';
import { workflowsHandlers } from '../../main/ipc/handlers/workflows';
import { toolsHandlers } from '../../main/ipc/handlers/tools';
import { syncHandlers } from '../../main/ipc/handlers/sync';
import { handlers, type Handler, type HandlerCoverageProblems } from '../../main/ipc/handlers';
import {
  accountChannels,
  adminChannels,
  agentsChannels,
  appChannels,
  authChannels,
  CHANNEL_NAMES,
  chatChannels,
  conversationsChannels,
  groupsChannels,
  memoryChannels,
  providersChannels,
  secretsChannels,
  settingsChannels,
  sharingChannels,
  workflowsChannels,
  toolsChannels,
  syncChannels,
} from '../../preload/contract';
import type { Duplicates, MustBeNone } from '../../preload/contract/shared';

/**
 * The contract and its handlers are split by area; these tests hold the split together.
 * The type-level half runs under `npx tsc -p tsconfig.json --noEmit` (vitest does not type-check):
 * each `@ts-expect-error` fails that run if the broken list below ever compiles.
 */
const AREAS = [
  ['app', appChannels, appHandlers],
  ['auth', authChannels, authHandlers],
  ['account', accountChannels, accountHandlers],
  ['settings', settingsChannels, settingsHandlers],
  ['admin', adminChannels, adminHandlers],
  ['agents', agentsChannels, agentsHandlers],
  ['providers', providersChannels, providersHandlers],
  ['secrets', secretsChannels, secretsHandlers],
  ['conversations', conversationsChannels, conversationsHandlers],
  ['chat', chatChannels, chatHandlers],
  ['memory', memoryChannels, memoryHandlers],
  ['groups', groupsChannels, groupsHandlers],
  ['sharing', sharingChannels, sharingHandlers],
  ['workflows', workflowsChannels, workflowsHandlers],
  ['tools', toolsChannels, toolsHandlers],
  ['sync', syncChannels, syncHandlers],
] as const;

test("each area's handler file handles exactly that area's channels", () => {
  for (const [area, contract, areaHandlers] of AREAS) {
    expect(Object.keys(areaHandlers).sort(), area).toEqual(Object.keys(contract).sort());
  }
});

test('the areas together are the whole contract, each channel in one area, each handler the one the router gets', () => {
  const names = AREAS.flatMap(([, contract]) => Object.keys(contract));
  expect(names.length).toBe(new Set(names).size);
  expect(new Set(names)).toEqual(new Set(CHANNEL_NAMES));
  for (const [, , areaHandlers] of AREAS) {
    for (const [name, handler] of Object.entries(areaHandlers)) expect(handlers[name as keyof typeof handlers], name).toBe(handler);
  }
});

/** The areas added for agents and chat (issue 9) and sharing (issue 10), the same in every list below. */
type ChatAreas = [
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
type Real = [typeof appHandlers, typeof authHandlers, typeof accountHandlers, typeof settingsHandlers, typeof adminHandlers, ...ChatAreas];
type Missing = [typeof appHandlers, Omit<typeof authHandlers, 'auth.login'>, typeof accountHandlers, typeof settingsHandlers, typeof adminHandlers, ...ChatAreas];
type Extra = [
  typeof appHandlers,
  typeof authHandlers & { 'auth.impersonate': Handler<'auth.login'> },
  typeof accountHandlers,
  typeof settingsHandlers,
  typeof adminHandlers,
  ...ChatAreas,
];
type Twice = [typeof appHandlers, typeof authHandlers, typeof accountHandlers, typeof settingsHandlers, typeof adminHandlers, ...ChatAreas, Pick<typeof authHandlers, 'auth.lock'>];

test('a missing, unknown or doubly handled channel is a compile error that names it', () => {
  expectTypeOf<HandlerCoverageProblems<Real>>().toEqualTypeOf<never>();
  expectTypeOf<HandlerCoverageProblems<Missing>>().toEqualTypeOf<'auth.login has no handler'>();
  expectTypeOf<HandlerCoverageProblems<Extra>>().toEqualTypeOf<'auth.impersonate is not a contract channel'>();
  expectTypeOf<HandlerCoverageProblems<Twice>>().toEqualTypeOf<'auth.lock is handled in two areas'>();
  expectTypeOf<Duplicates<[typeof authChannels, typeof accountChannels, Pick<typeof authChannels, 'auth.setup'>]>>().toEqualTypeOf<'auth.setup'>();
});

// What main/ipc/handlers/index.ts and preload/contract/index.ts assert, on broken lists:
export type RealCompiles = MustBeNone<HandlerCoverageProblems<Real>>;
// @ts-expect-error: auth.login has no handler
export type MissingFails = MustBeNone<HandlerCoverageProblems<Missing>>;
// @ts-expect-error: auth.impersonate is not a channel
export type ExtraFails = MustBeNone<HandlerCoverageProblems<Extra>>;
// @ts-expect-error: auth.lock is handled twice
export type TwiceFails = MustBeNone<HandlerCoverageProblems<Twice>>;
// @ts-expect-error: a channel declared by two contract areas
export type ChannelTwiceFails = MustBeNone<Duplicates<[typeof authChannels, typeof settingsChannels, Pick<typeof authChannels, 'auth.lock'>]>>;
