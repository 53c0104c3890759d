/** What every backend shares: the object-name rules and the plain, secret-free errors. */
import { randomBytes } from 'node:crypto';
import { CubbyError } from '../../errors';
import type { SyncStorage } from './types';

/** Object names: lowercase letters and digits in segments joined by '/'. Nothing can climb out of the root. */
export const OBJECT_NAME = /^[a-z0-9]+(\/[a-z0-9]+)*$/;
/** A list prefix: '' or the start of a name (it may end inside a segment or right after a '/'). */
const LIST_PREFIX = /^([a-z0-9]+\/)*[a-z0-9]*$/;
const MAX_NAME = 1024;

export function assertObjectName(name: string): void {
  if (typeof name !== 'string' || name.length > MAX_NAME || !OBJECT_NAME.test(name)) {
    throw new CubbyError('VALIDATION', 'A sync object name may only hold lowercase letters, digits and single slashes.');
  }
}

export function assertListPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.length > MAX_NAME || !LIST_PREFIX.test(prefix)) {
    throw new CubbyError('VALIDATION', 'A sync list prefix may only hold lowercase letters, digits and single slashes.');
  }
}

export function assertMaxBytes(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new CubbyError('VALIDATION', 'The size limit must be a whole number of bytes.');
}

/** Whether a name found in the storage is one of ours (anything else there is ignored). */
export function isOurName(name: string, prefix: string): boolean {
  return name.startsWith(prefix) && name.length <= MAX_NAME && OBJECT_NAME.test(name);
}

// The messages say what happened in words a person can act on. They never carry a server's
// answer, a credential, an address with a password, or a stack.
export const authFailed = (): CubbyError =>
  new CubbyError('SYNC_AUTH_FAILED', 'The sync storage refused the sign-in. Check the access key and secret, or the user name and password.');
export const unreachable = (): CubbyError =>
  new CubbyError('SYNC_UNREACHABLE', 'The sync storage could not be reached. Check the address and the network connection.');
export const storageError = (what: string): CubbyError => new CubbyError('SYNC_STORAGE_ERROR', what);
export const tooLarge = (): CubbyError => new CubbyError('SYNC_OBJECT_REJECTED', 'A sync object is too large; it was not downloaded.');

/** Node's network error codes that mean "nobody answered" rather than "the server said no". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT',
  'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** True for a failure to talk to the server at all: refused, reset, DNS, timeout, TLS. */
export function isNetworkFailure(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const err = cur as { code?: unknown; name?: unknown; type?: unknown; errno?: unknown };
    if (typeof err.code === 'string' && (NETWORK_CODES.has(err.code) || /^(ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(err.code))) return true;
    if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.type === 'aborted' || err.type === 'request-timeout') return true;
  }
  return false;
}

/** The name of a throwaway object check() writes and deletes. Top level, so no folder stays behind. */
export function probeName(): string {
  return `cubbyprobe${randomBytes(8).toString('hex')}`;
}

/** check() for every backend: list, write a probe, read it back, delete it. */
export async function roundTripProbe(storage: SyncStorage): Promise<void> {
  await storage.list('cubbyprobe');
  const name = probeName();
  const body = randomBytes(16);
  try {
    await storage.put(name, body);
    const back = await storage.get(name, 64);
    if (!back || Buffer.compare(Buffer.from(back), body) !== 0) throw storageError('The sync storage did not give back what was written to it.');
  } finally {
    await storage.delete(name).catch(() => undefined);
  }
}
