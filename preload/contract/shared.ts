/**
 * What every area of the contract shares: the field schemas (usernames, passwords, ids), the
 * session shapes several areas answer with, the error every call may answer, and `channel()`.
 * Pure (zod only): the preload bundles it.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../main/core/errorCodes';

export const Username = z.string().min(1).max(64);
export const Password = z.string().min(1).max(1024);
export const DisplayName = z.string().min(1).max(64);
/** The id of the account an admin acts on: never the caller's own (main knows that from the session). */
export const UserId = z.uuid();
export const Role = z.enum(['admin', 'user']);
export const Empty = z.strictObject({});

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

/**
 * Who may call a channel: anyone ('public', before sign-in), the window's own signed-in session
 * ('session'), or a session whose role the catalog confirms as admin on every call ('admin').
 */
export type Access = 'public' | 'session' | 'admin';

/**
 * Machine-policy switches a channel may need turned on. The router answers POLICY_FORBIDS
 * before the handler runs when one is off, so a feature the organization switched off has no
 * way in; a handler checks anything finer (an allowlisted address) itself.
 */
export type PolicySwitch = 'allowOwnProviders' | 'allowOwnToolServers' | 'allowWorkflowsWhileLocked' | 'allowSync';

export function channel<I extends z.ZodType, O extends z.ZodType, A extends Access>(
  input: I,
  output: O,
  access: A,
  opts: { requires?: PolicySwitch } = {},
) {
  return { input, output, access, requires: opts.requires ?? null };
}

/**
 * The keys that appear in more than one of a list of objects (never: none). Spreading areas
 * into one object would let a later area silently replace an earlier one's entry; this makes
 * that a compile error instead.
 */
export type Duplicates<L extends readonly object[]> = L extends readonly [infer Head, ...infer Rest extends readonly object[]]
  ? (keyof Head & { [I in keyof Rest]: keyof Rest[I] }[number]) | Duplicates<Rest>
  : never;

/** Compiles only when T is never; the compiler's error then names what T holds. */
export type MustBeNone<T extends never> = T;
