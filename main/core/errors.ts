/**
 * Every failure a user can hit carries a stable code and a message safe to show:
 * no stack traces, file paths or other users' names. The bridge forwards only these two
 * fields (plus retryAfterMs); anything else becomes INTERNAL.
 */
export const ERROR_CODES = [
  'WRONG_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_ENTRY_MISSING',
  'CATALOG_KEY_MISSING',
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
  'SCHEMA_TOO_NEW',
  'LOCKED',
  'VALIDATION',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class CubbyError extends Error {
  readonly code: ErrorCode;
  /** For ACCOUNT_LOCKED: how long until the next attempt is allowed. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CubbyError';
    this.code = code;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export function isCubbyError(e: unknown, code?: ErrorCode): e is CubbyError {
  return e instanceof CubbyError && (code === undefined || e.code === code);
}

/** The one answer for "no such user" and "wrong password", so neither can be told apart. */
export function wrongCredentials(): CubbyError {
  return new CubbyError('WRONG_CREDENTIALS', 'That username and password do not match.');
}

export function notFound(what = 'item'): CubbyError {
  return new CubbyError('NOT_FOUND', `That ${what} does not exist.`);
}
