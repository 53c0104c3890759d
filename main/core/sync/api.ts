/**
 * What the rest of main sees of sync (issue 12): one SyncService per open session, made by the
 * SyncRuntime. The bridge handlers (main/ipc/handlers/sync.ts) call only this; the engine,
 * storage and keys stay behind it. Nothing here carries a storage secret back out: a target is
 * shown by its public label only.
 */
import type { ErrorCode } from '../errorCodes';
import type { Session } from '../accounts/session';

/** Where a person's encrypted sync objects go. Secrets are write-only: they are never read back. */
export type SyncTargetInput =
  | {
      kind: 's3';
      /** Custom endpoint (MinIO, Ceph RGW, R2, B2); omitted for AWS. */
      endpoint?: string;
      region: string;
      bucket: string;
      /** Folder inside the bucket; '' for the bucket root. */
      prefix: string;
      /** Path-style (https://host/bucket/key) instead of virtual-hosted (https://bucket.host/key). */
      forcePathStyle: boolean;
      accessKeyId: string;
      secretAccessKey: string;
    }
  | { kind: 'webdav'; url: string; username: string; password: string }
  | { kind: 'folder'; path: string };

export type SyncTargetKind = SyncTargetInput['kind'];

/** A target as the UI may show it: no secrets. */
export interface SyncTargetView {
  kind: SyncTargetKind;
  /** e.g. "S3 bucket notes at minio.local:9000", "WebDAV https://cloud.example/remote.php/dav/files/ada", "Folder /media/usb/cubby". */
  label: string;
}

export type SyncState = 'off' | 'idle' | 'syncing' | 'paused' | 'error' | 'waiting-for-approval' | 'removed';

export interface SyncProgress {
  phase: 'upload' | 'download' | 'apply';
  done: number;
  total: number;
}

export interface SyncWarning {
  code: ErrorCode;
  message: string;
  at: number;
}

export interface SyncStatus {
  state: SyncState;
  target: SyncTargetView | null;
  thisDevice: { id: string; name: string } | null;
  /** Set during a sync; the first sync of a device shows it as a progress bar. */
  progress: SyncProgress | null;
  firstSync: boolean;
  lastSyncAt: number | null;
  /** The last failure, if the last attempt failed (clear message, stable code). */
  error: { code: ErrorCode; message: string } | null;
  /** Objects set aside (tampered, rolled back, replayed, ...): shown until dismissed. */
  warnings: SyncWarning[];
  /** Another device deleted many things at once: nothing of it is applied until the person decides. */
  pendingMassDeletion: { count: number; deviceName: string } | null;
  /** Open conflicts (losing versions kept). */
  conflictCount: number;
  /** On a device waiting to join: the code to compare with the one the approving device shows. */
  joinCode: string | null;
  /** Devices waiting for this one to approve them. */
  pairRequests: SyncPairRequest[];
}

export interface SyncDevice {
  id: string;
  name: string;
  thisDevice: boolean;
  addedAt: number;
  /** When this device last saw something from it (its own last write for this device). */
  lastSeenAt: number | null;
}

export interface SyncPairRequest {
  id: string;
  deviceName: string;
  /** The short code both devices show; the person compares them before approving. */
  code: string;
  at: number;
}

export interface SyncConflict {
  id: string;
  /** What it was, in words: "Agent “Helper”: instructions", "Memory fact". */
  what: string;
  /** The version that lost (kept so nothing is lost), and the one in use now. */
  lostValue: string;
  currentValue: string;
  lostDeviceName: string;
  at: number;
}


/** One person's sync. Every method acts on the session it was made for. */
export interface SyncService {
  status(): SyncStatus;
  /** First device: check the target, create the sync key, write the first snapshot. Needs the person's recovery key (checked). */
  setUp(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }): Promise<SyncStatus>;
  /**
   * New device: post a pairing request to a target that already holds this person's sync. The
   * state becomes 'waiting-for-approval'; `joinCode` appears in the status once an unlocked
   * device of theirs has answered (the code needs both devices' contributions).
   */
  join(input: { target: SyncTargetInput; deviceName: string }): Promise<SyncStatus>;
  /** New device, every old device lost: the recovery key of the vault that set sync up. */
  joinWithRecoveryKey(input: { target: SyncTargetInput; deviceName: string; recoveryKey: string }): Promise<SyncStatus>;
  approvePairing(requestId: string): Promise<void>;
  rejectPairing(requestId: string): Promise<void>;
  syncNow(): Promise<SyncStatus>;
  pause(): void;
  resume(): void;
  devices(): Promise<SyncDevice[]>;
  /** Remove another device: rotates the key epoch so it cannot read what comes after. */
  removeDevice(deviceId: string): Promise<void>;
  conflicts(): SyncConflict[];
  /** Keep the current version (drop the kept one) or put the lost version back. */
  resolveConflict(id: string, keep: 'current' | 'lost'): void;
  /** Apply (true) or discard (false) a held mass deletion. */
  decideMassDeletion(apply: boolean): Promise<void>;
  dismissWarnings(): void;
  /** Stop syncing on this device; the vault keeps its data, the storage is left as it is. */
  turnOff(): Promise<void>;
  /** Status changes (progress, devices, warnings) for the session's windows. */
  onChange(listener: (status: SyncStatus) => void): () => void;
}

/** One per app: the sync service of a session, made on first use and ended with the session. */
export interface SyncRuntime {
  forSession(session: Session): SyncService;
}
