/**
 * The bridge contract: every channel between renderer and main, and every event main sends.
 * It is the single source for the preload API, the renderer's typed client and main's
 * validation. Import it as `preload/contract` (this index); the area files are its parts.
 *
 * Rules (design brief, "Processes and the bridge"):
 * - no channel takes the caller's user id: main binds each window to its session;
 * - inputs are strict objects (unknown fields are rejected);
 * - outputs are parsed too, which strips anything a handler did not declare.
 *
 * Adding a channel: one entry in its area's file here, one handler in main/ipc/handlers/<area>.ts,
 * one probe in test/ipc/hostile.test.ts. Adding an area (say agents):
 * 1. preload/contract/agents.ts exporting `agentsChannels = { 'agents.x': channel(...), ... } as const`
 *    (field schemas it shares with other areas come from ./shared);
 * 2. spread it into `channels` below and add it to `Areas` (a name two areas share fails to compile);
 * 3. main/ipc/handlers/agents.ts exporting `agentsHandlers: AreaHandlers<keyof typeof agentsChannels>`,
 *    added to `areas` in main/ipc/handlers/index.ts (a channel without its handler fails to compile);
 * 4. a probe per channel in test/ipc/hostile.test.ts (its `Record<ChannelName, …>` fails to compile
 *    without one) and the area's pair in test/ipc/handlerAreas.test.ts.
 *
 * Pure (zod only): the preload bundles it; the renderer imports its types only.
 */
import type { z } from 'zod';
import { AUDIT_ACTIONS } from '../../main/core/catalog/auditActions';
import { ERROR_CODES } from '../../main/core/errorCodes';
import { accountChannels } from './account';
import { adminChannels } from './admin';
import { appChannels } from './app';
import { authChannels } from './auth';
import { agentsChannels } from './agents';
import { chatChannels } from './chat';
import { conversationsChannels } from './conversations';
import { memoryChannels } from './memory';
import { providersChannels } from './providers';
import { secretsChannels } from './secrets';
import { events } from './events';
import { settingsChannels } from './settings';
import { groupsChannels } from './groups';
import { sharingChannels } from './sharing';
import { workflowsChannels } from './workflows';
import { toolsChannels } from './tools';
import { syncChannels } from './sync';
import type { BridgeError, Duplicates, MustBeNone } from './shared';

export { AUDIT_ACTIONS, ERROR_CODES };
export { BridgeError, LoginUser, SessionInfo, type Access } from './shared';
export { PolicyView } from './app';
export { IdleLockView } from './settings';
export { AuditEntry, UserSummary } from './admin';
export { events, LOCK_REASONS, type LockReason } from './events';
export { accountChannels, adminChannels, appChannels, authChannels, settingsChannels };
export { agentsChannels, chatChannels, conversationsChannels, memoryChannels, providersChannels, secretsChannels };
export { Workflow, RunSummary, RunDetail, RUN_STATUSES, RUN_TRIGGERS, SCHEDULE_PRESET_IDS } from './workflows';
export { groupsChannels, sharingChannels, workflowsChannels, toolsChannels };
export { ToolServerView, ToolView, ToolApprovalNeeded, TOOL_SERVER_STATES } from './tools';
export { GroupSummary } from './groups';
export { syncChannels, SyncStatus, SyncDevice, SyncConflict, SyncTargetInput, SyncTargetView, SYNC_STATES, SYNC_TARGET_KINDS } from './sync';
export { AccessLevel, SharedAgentSummary, SharedAgentDefinition, GrantView, QuotaView, AccessLogEntry, ActivityEntry, Directory, Subject } from './sharing';
export { Agent, MEMORY_ACCESS } from './agents';
export { ProviderConnection, ModelInfo, LocalServerOffer, PROVIDER_KINDS } from './providers';
export { SecretSummary } from './secrets';
export { MemoryFact } from './memory';
export { Conversation, Message, AttachmentMeta, SearchHit, MESSAGE_STATUSES } from './conversations';
export { ATTACHMENT_LIMITS, MESSAGE_MAX_CHARS, RunIds, AttachmentUpload } from './chat';

type Areas = [
  typeof appChannels,
  typeof authChannels,
  typeof accountChannels,
  typeof settingsChannels,
  typeof adminChannels,
  typeof agentsChannels,
  typeof providersChannels,
  typeof secretsChannels,
  typeof conversationsChannels,
  typeof chatChannels,
  typeof memoryChannels,
  typeof groupsChannels,
  typeof sharingChannels,
  typeof workflowsChannels,
  typeof toolsChannels,
  typeof syncChannels,
];

/** Fails to compile, naming the channel, if two areas declare the same one. */
export type NoChannelInTwoAreas = MustBeNone<Duplicates<Areas>>;

export const channels = {
  ...appChannels,
  ...authChannels,
  ...accountChannels,
  ...settingsChannels,
  ...adminChannels,
  ...agentsChannels,
  ...providersChannels,
  ...secretsChannels,
  ...conversationsChannels,
  ...chatChannels,
  ...memoryChannels,
  ...groupsChannels,
  ...sharingChannels,
  ...workflowsChannels,
  ...toolsChannels,
  ...syncChannels,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** What every call answers: a value, or a stable code with a message safe to show. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/** What the preload exposes as window.cubby, and what the browser host's client implements. */
export interface CubbyBridge {
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
