// Types only: the renderer never bundles zod or the runtime contract; main validates everything.
export type {
  BridgeError,
  ChannelInput,
  ChannelName,
  ChannelOutput,
  CubbyBridge,
  EventName,
  EventPayload,
  LockReason,
  LoginUser,
  Result,
  SessionInfo,
  UserSummary,
  AuditEntry,
  PolicyView,
  IdleLockView,
} from '../../../preload/contract';
export type { ErrorCode } from '../../../main/core/errorCodes';
export type { AuditAction } from '../../../main/core/catalog/auditActions';
