/** What crosses the bridge when a call fails: a stable code and a plain message, nothing else. */
import { z } from 'zod';
import type { BridgeError } from '../../preload/contract';
import { isCubbyError } from '../core/errors';

export function validationError(): BridgeError {
  return { code: 'VALIDATION', message: 'The request was not valid.' };
}

/** Only a CubbyError's code and message cross the bridge; anything else is INTERNAL. */
export function toBridgeError(e: unknown): BridgeError {
  if (isCubbyError(e)) {
    return e.retryAfterMs === undefined
      ? { code: e.code, message: e.message }
      : { code: e.code, message: e.message, retryAfterMs: Math.ceil(e.retryAfterMs) };
  }
  if (e instanceof z.ZodError) return validationError();
  return { code: 'INTERNAL', message: 'Something went wrong. Try again; if it keeps happening, restart Cubby.' };
}
