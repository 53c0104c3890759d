/**
 * A person's end-to-end-encrypted sync of their own vault (issue 12). Every channel acts on the
 * caller's session only. Storage credentials (S3 keys, WebDAV password) go in and never come
 * back: no output here has a field that could carry one, and outputs are parsed (unknown fields
 * stripped), so a service that leaked one would still not reach the window. Every channel needs
 * the machine policy's allowSync, like every other feature a policy switch governs.
 * Pure (zod only).
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../main/core/errorCodes';
import { channel, Empty } from './shared';

const needs = { requires: 'allowSync' } as const;

export const SYNC_STATES = ['off', 'idle', 'syncing', 'paused', 'error', 'waiting-for-approval', 'removed'] as const;
export const SYNC_TARGET_KINDS = ['s3', 'webdav', 'folder'] as const;

/** Ids of devices, conflicts and pair requests as the engine names them (opaque to the bridge). */
const SyncObjectId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const Secret = z.string().min(1).max(4096);

/** Where the encrypted objects go. The core checks addresses and paths; this bounds their size. */
export const SyncTargetInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('s3'),
    endpoint: z.string().min(1).max(2048).optional(),
    region: z.string().min(1).max(64),
    bucket: z.string().min(1).max(255),
    prefix: z.string().max(1024),
    forcePathStyle: z.boolean(),
    accessKeyId: z.string().min(1).max(1024),
    secretAccessKey: Secret,
  }),
  z.strictObject({ kind: z.literal('webdav'), url: z.string().min(1).max(2048), username: z.string().max(1024), password: z.string().max(4096) }),
  z.strictObject({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }),
]);
export type SyncTargetInput = z.input<typeof SyncTargetInput>;

const DeviceName = z.string().trim().min(1).max(64);
/** As auth.recover takes it: the core checks the checksum and says what is wrong. */
const RecoveryKey = z.string().min(1).max(128);

const Warning = z.object({ code: z.enum(ERROR_CODES), message: z.string(), at: z.number() });
const PairRequest = z.object({ id: z.string(), deviceName: z.string(), code: z.string(), at: z.number() });

/** A target as the UI shows it: its kind and a label, never a credential. */
export const SyncTargetView = z.object({ kind: z.enum(SYNC_TARGET_KINDS), label: z.string() });
export type SyncTargetView = z.infer<typeof SyncTargetView>;

export const SyncStatus = z.object({
  state: z.enum(SYNC_STATES),
  target: SyncTargetView.nullable(),
  thisDevice: z.object({ id: z.string(), name: z.string() }).nullable(),
  progress: z.object({ phase: z.enum(['upload', 'download', 'apply']), done: z.number(), total: z.number() }).nullable(),
  firstSync: z.boolean(),
  lastSyncAt: z.number().nullable(),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
  warnings: z.array(Warning),
  pendingMassDeletion: z.object({ count: z.number(), deviceName: z.string() }).nullable(),
  conflictCount: z.number(),
  /** On a device waiting to join: the code to compare, once the other device has answered. */
  joinCode: z.string().regex(/^\d{6}$/).nullable(),
  pairRequests: z.array(PairRequest),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncDevice = z.object({ id: z.string(), name: z.string(), thisDevice: z.boolean(), addedAt: z.number(), lastSeenAt: z.number().nullable() });
export type SyncDevice = z.infer<typeof SyncDevice>;

export const SyncConflict = z.object({
  id: z.string(),
  what: z.string(),
  lostValue: z.string(),
  currentValue: z.string(),
  lostDeviceName: z.string(),
  at: z.number(),
});
export type SyncConflict = z.infer<typeof SyncConflict>;

export const syncChannels = {
  'sync.status': channel(Empty, SyncStatus, 'session', needs),
  /** First device: checks the target, makes the sync key, writes the first snapshot. The recovery key proves it is the owner. */
  'sync.setUp': channel(z.strictObject({ target: SyncTargetInput, deviceName: DeviceName, recoveryKey: RecoveryKey }), SyncStatus, 'session', needs),
  /** New device: asks a device already syncing to approve it; answers the code both devices show. */
  'sync.join': channel(z.strictObject({ target: SyncTargetInput, deviceName: DeviceName }), SyncStatus, 'session', needs),
  /** New device when every old one is lost. */
  'sync.joinWithRecoveryKey': channel(
    z.strictObject({ target: SyncTargetInput, deviceName: DeviceName, recoveryKey: RecoveryKey }),
    SyncStatus,
    'session',
    needs,
  ),
  'sync.approvePairing': channel(z.strictObject({ requestId: SyncObjectId }), SyncStatus, 'session', needs),
  'sync.rejectPairing': channel(z.strictObject({ requestId: SyncObjectId }), SyncStatus, 'session', needs),
  'sync.syncNow': channel(Empty, SyncStatus, 'session', needs),
  'sync.pause': channel(Empty, SyncStatus, 'session', needs),
  'sync.resume': channel(Empty, SyncStatus, 'session', needs),
  'sync.devices': channel(Empty, z.array(SyncDevice), 'session', needs),
  /** Rotates the key epoch: the removed device cannot read what comes after. */
  'sync.removeDevice': channel(z.strictObject({ deviceId: SyncObjectId }), SyncStatus, 'session', needs),
  'sync.conflicts': channel(Empty, z.array(SyncConflict), 'session', needs),
  'sync.resolveConflict': channel(z.strictObject({ id: SyncObjectId, keep: z.enum(['current', 'lost']) }), SyncStatus, 'session', needs),
  /** Apply (true) or discard (false) a mass deletion held back for confirmation. */
  'sync.decideMassDeletion': channel(z.strictObject({ apply: z.boolean() }), SyncStatus, 'session', needs),
  'sync.dismissWarnings': channel(Empty, SyncStatus, 'session', needs),
  /** Stops syncing on this device; the vault keeps its data and the storage is left as it is. */
  'sync.turnOff': channel(Empty, SyncStatus, 'session', needs),
} as const;
