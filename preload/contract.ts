/**
 * The bridge contract: every channel between renderer and main, and every event main sends.
 * It is the single source for the preload API, the renderer's typed client and main's
 * validation. Adding a channel is one entry here plus one handler in main/ipc/handlers.ts.
 *
 * Rules (design brief, "Processes and the bridge"):
 * - no channel takes the caller's user id: main binds each window to its session;
 * - inputs are strict objects (unknown fields are rejected);
 * - outputs are parsed too, which strips anything a handler did not declare.
 *
 * This file is pure (zod only): the renderer bundles it.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../main/core/catalog/auditActions';
import { ERROR_CODES } from '../main/core/errorCodes';

export { AUDIT_ACTIONS, ERROR_CODES };

const Username = z.string().min(1).max(64);
const Password = z.string().min(1).max(1024);
const DisplayName = z.string().min(1).max(64);
const UserId = z.uuid();
const Role = z.enum(['admin', 'user']);
const Empty = z.strictObject({});

export const BridgeError = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type BridgeError = z.infer<typeof BridgeError>;

export const SessionInfo = z.object({
  username: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const LoginUser = z.object({ username: z.string(), displayName: z.string() });
export type LoginUser = z.infer<typeof LoginUser>;

const NewVault = z.object({ session: SessionInfo, recoveryKey: z.string() });

export const UserSummary = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  status: z.enum(['invited', 'active', 'disabled']),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
  lockedUntil: z.number().nullable(),
  invite: z.object({ expiresAt: z.number(), expired: z.boolean() }).nullable(),
});
export type UserSummary = z.infer<typeof UserSummary>;

const AuditParty = z.object({ id: z.string(), username: z.string().nullable() }).nullable();
export const AuditEntry = z.object({
  id: z.number(),
  at: z.number(),
  action: z.enum(AUDIT_ACTIONS),
  actor: AuditParty,
  target: AuditParty,
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One machine-policy value and whether the organization set it (the UI then says so beside the control). */
const PolicyValue = <T extends z.ZodType>(value: T) => z.object({ value, setByOrganization: z.boolean() });
export const PolicyView = z.object({
  minPasswordLength: PolicyValue(z.number().int()),
  maxIdleMinutes: PolicyValue(z.number().int()),
  allowedProviderKinds: PolicyValue(z.array(z.string())),
  allowedProviderBaseUrls: PolicyValue(z.array(z.string()).nullable()),
  allowOwnProviders: PolicyValue(z.boolean()),
  allowOwnToolServers: PolicyValue(z.boolean()),
  allowWorkflowsWhileLocked: PolicyValue(z.boolean()),
  allowSync: PolicyValue(z.boolean()),
  updateMode: PolicyValue(z.string()),
});
export type PolicyView = z.infer<typeof PolicyView>;

export const IdleLockView = z.object({
  /** The time in force for this person, in minutes (0: no idle lock on this machine). */
  minutes: z.number().int().nonnegative(),
  /** What the person chose, or null for the machine's time. */
  chosen: z.number().int().positive().nullable(),
  /** The longest time allowed here; null: no limit. */
  maxMinutes: z.number().int().nonnegative().nullable(),
  setByOrganization: z.boolean(),
});
export type IdleLockView = z.infer<typeof IdleLockView>;

const SettingKey = z.string().min(1).max(128).regex(/^[a-zA-Z0-9._-]+$/);

type Access = 'public' | 'session' | 'admin';

function channel<I extends z.ZodType, O extends z.ZodType, A extends Access>(input: I, output: O, access: A) {
  return { input, output, access };
}

export const channels = {
  // Before sign-in.
  'app.status': channel(
    Empty,
    z.object({
      setUp: z.boolean(),
      users: z.array(LoginUser),
      session: SessionInfo.nullable(),
      /** Who was signed in to this window before it locked, for the lock screen. */
      lockedUser: LoginUser.nullable(),
    }),
    'public',
  ),
  /** The machine policy as far as the UI needs it (before sign-in too: password rules). */
  'policy.get': channel(Empty, PolicyView, 'public'),
  'auth.setup': channel(z.strictObject({ username: Username, displayName: DisplayName, password: Password }), NewVault, 'public'),
  'auth.login': channel(z.strictObject({ username: Username, password: Password }), SessionInfo, 'public'),
  'auth.redeemInvite': channel(
    z.strictObject({ username: Username, code: z.string().regex(/^\s*\d{4}[\s-]?\d{4}\s*$/), password: Password }),
    NewVault,
    'public',
  ),
  'auth.recover': channel(
    z.strictObject({ username: Username, recoveryKey: z.string().min(1).max(128), newPassword: Password }),
    NewVault,
    'public',
  ),

  // The signed-in user.
  'auth.lock': channel(Empty, Empty, 'session'),
  /** The person is using this window (keys, pointer) without calling anything: resets its idle lock. */
  'session.activity': channel(Empty, Empty, 'session'),
  'auth.signOut': channel(Empty, Empty, 'session'),
  'account.changePassword': channel(z.strictObject({ currentPassword: Password, newPassword: Password }), Empty, 'session'),
  'account.renewRecoveryKey': channel(z.strictObject({ password: Password }), z.object({ recoveryKey: z.string() }), 'session'),
  /** Copy a secret this window was shown (recovery key, invite code); main clears it again. */
  'clipboard.copySecret': channel(z.strictObject({ text: z.string().min(1).max(256) }), Empty, 'session'),
  'settings.list': channel(Empty, z.record(z.string(), z.string()), 'session'),
  'settings.get': channel(z.strictObject({ key: SettingKey }), z.object({ value: z.string().nullable() }), 'session'),
  'settings.set': channel(z.strictObject({ key: SettingKey, value: z.string().max(65536) }), Empty, 'session'),
  /** This person's idle-lock time, under the machine's ceiling. */
  'settings.idleLock.get': channel(Empty, IdleLockView, 'session'),
  /** Longer than the machine allows: POLICY_FORBIDS. null: the machine's time. */
  'settings.idleLock.set': channel(z.strictObject({ minutes: z.number().int().min(1).max(1440).nullable() }), Empty, 'session'),

  // Admin (role checked against the catalog on every call).
  'admin.users.list': channel(Empty, z.array(UserSummary), 'admin'),
  'admin.invites.create': channel(
    z.strictObject({ username: Username, displayName: DisplayName, role: Role }),
    z.object({ userId: z.string(), code: z.string(), expiresAt: z.number() }),
    'admin',
  ),
  'admin.users.setDisabled': channel(z.strictObject({ userId: UserId, disabled: z.boolean() }), Empty, 'admin'),
  'admin.users.setRole': channel(z.strictObject({ userId: UserId, role: Role }), Empty, 'admin'),
  'admin.users.clearLockout': channel(z.strictObject({ userId: UserId }), Empty, 'admin'),
  'admin.users.delete': channel(z.strictObject({ userId: UserId, confirmUsername: Username }), Empty, 'admin'),
  'admin.audit.list': channel(
    z.strictObject({
      userId: UserId.optional(),
      action: z.enum(AUDIT_ACTIONS).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      beforeId: z.number().int().positive().optional(),
    }),
    z.array(AuditEntry),
    'admin',
  ),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export const LOCK_REASONS = ['user', 'idle', 'system', 'signed-out', 'account-changed', 'replaced', 'closed'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

/** Events main sends, only to the windows of the session they belong to. */
export const events = {
  'session.locked': z.strictObject({ reason: z.enum(LOCK_REASONS) }),
  /** An administrator changed this person's account (their role): what the window shows follows. */
  'session.changed': z.strictObject({ session: SessionInfo.strict() }),
} as const;

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
