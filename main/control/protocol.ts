/**
 * The control channel between the command line and a running Cubby app on the same data
 * directory: a Unix socket in a private folder of the data directory (Linux, macOS) or a named
 * pipe (Windows). It carries account ids and nonces only, never a password, key or token.
 *
 * Both ends prove they know the token the app wrote, at start, to a file only its OS account
 * can read (HMAC over both nonces, compared in constant time), so the app acts only for a
 * caller running as that account, and the command line never talks to a stand-in:
 *
 *   client -> {v:1, type:'hello', nonce}
 *   server -> {v:1, type:'challenge', nonce, proof}     proof = HMAC(token, 'server', both nonces)
 *   client -> {type:'auth', proof}                      proof = HMAC(token, 'client', both nonces)
 *   server -> {type:'ready'}
 *   client -> {type:'closeUser', userId}
 *   server -> {type:'closed', sessions}                 that account's sessions are closed, and
 *                                                       it cannot sign in here until the client hangs up
 * or, after a change to groups the app cannot see by itself:
 *   client -> {type:'accessChanged'}
 *   server -> {type:'rechecked'}                        answers with shared agents were checked again
 * Any other message, or one out of turn, ends the connection with {type:'error', code}.
 * Messages are single lines of JSON of at most MAX_LINE bytes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
export const MAX_LINE = 1024;

export interface ControlPaths {
  /** The folder for the socket and the token (POSIX: mode 0700). */
  readonly dir: string;
  /**
   * What net.connect / server.listen take: the socket path (POSIX). On Windows the pipe's name
   * is random per start and written into the private token file (see controlFileText), so no
   * other OS account can take the name first; here it is empty.
   */
  readonly endpoint: string;
  readonly tokenFile: string;
}

/**
 * A Unix socket path must fit in sockaddr_un (104 bytes on macOS, 108 on Linux, with its NUL);
 * a longer one is silently cut short by the OS, which would put the socket somewhere else.
 */
export const MAX_SOCKET_PATH = 100;

/** Whether the endpoint can be used at all (a named pipe always can). */
export function endpointUsable(paths: ControlPaths): boolean {
  return paths.endpoint === '' || Buffer.byteLength(paths.endpoint) <= MAX_SOCKET_PATH;
}

const PIPE = /^\\\\\.\\pipe\\cubby-control-[0-9a-f]{32}$/;

/** A fresh pipe name for one start of the app (Windows). */
export function newPipeName(): string {
  return `\\\\.\\pipe\\cubby-control-${randomBytes(16).toString('hex')}`;
}

/** The token file's text: the token, then (Windows) the pipe the app listens on. */
export function controlFileText(token: string, pipe?: string): string {
  return pipe ? `${token}\n${pipe}\n` : `${token}\n`;
}

/** The token file read back: null when malformed (a pipe name must be one newPipeName makes). */
export function parseControlFile(text: string): { token: string; pipe: string | null } | null {
  const [token = '', pipe = '', ...rest] = text.split('\n').map((l) => l.trim());
  if (!/^[A-Za-z0-9_-]{43}$/.test(token) || rest.some((l) => l !== '')) return null;
  if (pipe !== '' && !PIPE.test(pipe)) return null;
  return { token, pipe: pipe || null };
}

export function controlPaths(dataDir: string, platform: NodeJS.Platform = process.platform): ControlPaths {
  const dir = join(dataDir, 'control');
  if (platform === 'win32') return { dir, endpoint: '', tokenFile: join(dir, 'token') };
  return { dir, endpoint: join(dir, 'app.sock'), tokenFile: join(dir, 'token') };
}

const Nonce = z.string().regex(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
const Proof = Nonce;
const UserId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal('hello'), nonce: Nonce }),
  z.strictObject({ type: z.literal('auth'), proof: Proof }),
  z.strictObject({ type: z.literal('closeUser'), userId: UserId }),
  z.strictObject({ type: z.literal('accessChanged') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ErrorCode = z.enum(['BAD_MESSAGE', 'AUTH', 'BUSY', 'TIMEOUT']);

export const ServerMessage = z.discriminatedUnion('type', [
  z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal('challenge'), nonce: Nonce, proof: Proof }),
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('closed'), sessions: z.number().int().min(0).max(10_000) }),
  z.strictObject({ type: z.literal('rechecked') }),
  z.strictObject({ type: z.literal('error'), code: ErrorCode }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export function proofOf(token: string, side: 'server' | 'client', clientNonce: string, serverNonce: string): string {
  return createHmac('sha256', token).update(`cubby-control/${side}\0${clientNonce}\0${serverNonce}`).digest('base64url');
}

export function sameProof(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Splits a byte stream into lines of at most MAX_LINE bytes. Returns false (and keeps nothing)
 * once a line grows past the limit: the caller drops the connection.
 */
export class LineReader {
  private buffered = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): boolean {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (let at = this.buffered.indexOf(0x0a); at >= 0; at = this.buffered.indexOf(0x0a)) {
      if (at > MAX_LINE) break;
      const line = this.buffered.subarray(0, at).toString('utf8');
      this.buffered = this.buffered.subarray(at + 1);
      this.onLine(line);
    }
    if (this.buffered.length > MAX_LINE) {
      this.buffered = Buffer.alloc(0);
      return false;
    }
    return true;
  }
}

/** Parse one line as JSON against a schema; null for anything else. */
export function parseLine<T>(schema: z.ZodType<T>, line: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function encode(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message) + '\n';
}
