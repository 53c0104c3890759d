/** Stable error codes: the vocabulary the bridge and the UI share. Pure, so the renderer can import it. */
export const ERROR_CODES = [
  'WRONG_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_ENTRY_MISSING',
  'CATALOG_KEY_MISSING',
  'CATALOG_MISSING',
  'RECOVERY_KEY_INVALID',
  'INVITE_INVALID',
  'PASSWORD_POLICY',
  'USERNAME_INVALID',
  'USERNAME_TAKEN',
  'ALREADY_SET_UP',
  'NOT_SET_UP',
  'NOT_FOUND',
  'FORBIDDEN',
  'LAST_ADMIN',
  'ADMIN_EXISTS',
  'SCHEMA_TOO_NEW',
  'LOCKED',
  'VALIDATION',
  'NOT_SUPPORTED',
  /** A machine policy set by the organization forbids this. */
  'POLICY_FORBIDS',
  /** The organization's machine policy cannot be read as one; Cubby will not run looser than meant. */
  'POLICY_INVALID',
  'DATA_DIR_UNUSABLE',
  'APP_NOT_RESPONDING',
  /** Agents and chat (issue 9). */
  'PROVIDER_AUTH',
  'PROVIDER_UNREACHABLE',
  /** Carries retryAfterMs when the provider sent Retry-After. */
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_MODEL_UNKNOWN',
  'PROVIDER_CONTEXT_TOO_LONG',
  'PROVIDER_ERROR',
  'ATTACHMENT_TOO_LARGE',
  'SECRET_MISSING',
  /** The agent has no provider connection or model yet. */
  'AGENT_INCOMPLETE',
  /** Shared agents (issue 10): a limit a manager set was reached; carries retryAfterMs until it resets. */
  'QUOTA_EXCEEDED',
  /** Access to a shared agent was taken away while its answer was being written. */
  'ACCESS_REVOKED',
  /** Workflows (issue 11): a run went past its time limit and was stopped. */
  'RUN_TIME_LIMIT',
  /** A tool step's tool answered with an error. */
  'TOOL_FAILED',
  /** Tools (issue 11): a tool server did not start, answer or list its tools. */
  'TOOL_SERVER_FAILED',
  /** A tool call took longer than its time limit and was stopped. */
  'TOOL_TIMEOUT',
  /** The person has not approved this tool (or its definition changed since they did). */
  'TOOL_NOT_APPROVED',
  /** Sync (issue 12): the storage refused the credentials (wrong key, password or permissions). */
  'SYNC_AUTH_FAILED',
  /** The storage could not be reached (address, network, TLS). */
  'SYNC_UNREACHABLE',
  /** The storage answered with something Cubby cannot use (no such bucket or folder, an error status). */
  'SYNC_STORAGE_ERROR',
  /** An object in the storage failed its checks (tampered, rolled back, replayed, foreign, too large); it was set aside. */
  'SYNC_OBJECT_REJECTED',
  /** Sync is not set up for this vault, or this device was removed from it. */
  'SYNC_NOT_SET_UP',
  /** Pairing a new device failed or was refused. */
  'SYNC_PAIRING_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
