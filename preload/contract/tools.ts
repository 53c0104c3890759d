/**
 * A person's MCP tool servers, their tools and approvals. Env values and headers name secrets
 * by id (values never cross the bridge); every channel needs the machine policy's
 * allowOwnToolServers. Pure (zod only).
 */
import { z } from 'zod';
import { ObjectId } from './ids';
import { channel, Empty } from './shared';

const TOOL_SERVER_KINDS = ['stdio', 'http'] as const;
export const TOOL_SERVER_STATES = ['stopped', 'starting', 'running', 'failed'] as const;
const needs = { requires: 'allowOwnToolServers' } as const;

const EnvEntry = z.union([z.strictObject({ name: z.string().max(200), secretId: ObjectId }), z.strictObject({ name: z.string().max(200), value: z.string().max(4096) })]);
const HeaderEntry = z.strictObject({ name: z.string().max(200), secretId: ObjectId });

export const ToolServerView = z.object({
  id: z.string(),
  kind: z.enum(TOOL_SERVER_KINDS),
  name: z.string(),
  command: z.string().nullable(),
  args: z.array(z.string()),
  /** Literal values are the person's own non-secret settings; secrets appear by id only. */
  env: z.array(z.union([z.object({ name: z.string(), secretId: z.string() }), z.object({ name: z.string(), value: z.string() })])),
  url: z.string().nullable(),
  headers: z.array(z.object({ name: z.string(), secretId: z.string() })),
  enabled: z.boolean(),
  state: z.enum(TOOL_SERVER_STATES),
  errorCode: z.enum(['TOOL_SERVER_FAILED', 'SECRET_MISSING']).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ToolServerView = z.infer<typeof ToolServerView>;

export const ToolView = z.object({
  name: z.string(),
  description: z.string(),
  /** Approved "always" for exactly this definition. */
  approved: z.boolean(),
  /** Approved once for another definition: its next use asks again. */
  changedSinceApproval: z.boolean(),
});
export type ToolView = z.infer<typeof ToolView>;

const ServerFields = {
  kind: z.enum(TOOL_SERVER_KINDS),
  name: z.string().max(1000),
  command: z.string().max(4096).nullish(),
  args: z.array(z.string().max(4096)).max(64).optional(),
  env: z.array(EnvEntry).max(64).optional(),
  url: z.string().max(2048).nullish(),
  headers: z.array(HeaderEntry).max(32).optional(),
  enabled: z.boolean().optional(),
};

export const toolsChannels = {
  'tools.servers.list': channel(Empty, z.array(ToolServerView), 'session', needs),
  'tools.servers.create': channel(z.strictObject(ServerFields), ToolServerView, 'session', needs),
  /** Replaces the settings; the server restarts on next use and its "always" approvals are cleared. */
  'tools.servers.update': channel(z.strictObject({ id: ObjectId, ...ServerFields }), ToolServerView, 'session', needs),
  'tools.servers.delete': channel(z.strictObject({ id: ObjectId }), Empty, 'session', needs),
  /** The tools of one server, listed now (this starts it). */
  'tools.list': channel(z.strictObject({ serverId: ObjectId }), z.array(ToolView), 'session', needs),
  'tools.approvals.revoke': channel(z.strictObject({ serverId: ObjectId, toolName: z.string().min(1).max(500) }), Empty, 'session', needs),
  /** The person's answer to a tools.approvalNeeded prompt of their own session. */
  'tools.approve': channel(
    z.strictObject({ requestId: ObjectId, decision: z.enum(['once', 'always', 'deny']) }),
    z.object({ pending: z.boolean() }),
    'session',
    needs,
  ),
} as const;

/** Event: an agent wants to use a tool the person has not approved (or whose definition changed). */
export const ToolApprovalNeeded = z.strictObject({
  requestId: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  toolName: z.string(),
  description: z.string(),
  argumentsPreview: z.string(),
  changed: z.boolean(),
});
