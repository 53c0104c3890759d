/**
 * Every failure a user can hit carries a stable code and a message safe to show:
 * no stack traces, file paths or other users' names. The bridge forwards only these two
 * fields (plus retryAfterMs); anything else becomes INTERNAL.
 */
import { ERROR_CODES, type ErrorCode } from './errorCodes';

export { ERROR_CODES, type ErrorCode };

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
