/**
 * The command line's end of the control channel (main/control/protocol.ts): before it disables
 * or deletes an account, a Cubby app running on the same data directory closes that account's
 * open sessions (their windows lock) and keeps it from signing in until the change is done. So
 * the app never holds a vault that is being deleted (no EBUSY on Windows, no file kept alive
 * on Linux and macOS). No app running, or a socket left by one that crashed: nothing to ask.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import {
  controlPaths,
  encode,
  endpointUsable,
  parseControlFile,
  LineReader,
  parseLine,
  PROTOCOL_VERSION,
  proofOf,
  sameProof,
  ServerMessage,
  type ClientMessage,
} from '../control/protocol';
import { CubbyError } from '../core/errors';

const ANSWER_MS = 5_000;

function notResponding(why: string): CubbyError {
  return new CubbyError('APP_NOT_RESPONDING', `Cubby is running on this data directory, but ${why}. Nothing was changed. Quit Cubby and try again.`);
}

/**
 * The token (and on Windows the pipe) the running app wrote; on POSIX only if it is this OS
 * account's own private file. null when there is no such file (no app, on Windows).
 */
function readControlFile(file: string): { token: string; pipe: string | null } | null {
  try {
    if (process.platform !== 'win32') {
      const st = lstatSync(file);
      if (!st.isFile() || st.uid !== process.getuid!() || (st.mode & 0o077) !== 0) throw new Error('not private');
    }
    const parsed = parseControlFile(readFileSync(file, 'utf8'));
    if (!parsed) throw new Error('malformed');
    return parsed;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw notResponding('its control token cannot be read by this OS account');
  }
}

/** A connection, or null when no app listens (no socket, or one left behind by a crash). */
function open(endpoint: string): Promise<Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // until the conversation listens
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(null);
      else reject(notResponding('its control channel cannot be opened by this OS account'));
    });
  });
}

/** One request/answer conversation over a socket, each answer validated and timed. */
class Conversation {
  private readonly answers: ServerMessage[] = [];
  private waiting: ((m: ServerMessage | null) => void) | null = null;
  private ended = false;

  constructor(private readonly socket: Socket) {
    const reader = new LineReader((line) => this.deliver(parseLine(ServerMessage, line)));
    socket.on('data', (chunk: Buffer) => {
      if (!reader.push(chunk)) this.end();
    });
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  async ask(message: ClientMessage): Promise<ServerMessage | null> {
    this.socket.write(encode(message));
    return this.next();
  }

  next(): Promise<ServerMessage | null> {
    const ready = this.answers.shift();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve(null);
      }, ANSWER_MS);
      this.waiting = (m) => {
        clearTimeout(timer);
        this.waiting = null;
        resolve(m);
      };
    });
  }

  private deliver(m: ServerMessage | null): void {
    if (m === null) return this.end(); // anything off-protocol: stop listening to it
    if (this.waiting) this.waiting(m);
    else this.answers.push(m);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.waiting?.(null);
    this.socket.destroy();
  }
}

/** Hello, check the app's proof, prove ours. Resolves false when the app's proof does not match. */
async function authenticate(talk: Conversation, token: string): Promise<boolean> {
  const nonce = randomBytes(32).toString('base64url');
  const challenge = await talk.ask({ v: PROTOCOL_VERSION, type: 'hello', nonce });
  if (challenge?.type !== 'challenge') throw notResponding('it did not answer');
  if (!sameProof(challenge.proof, proofOf(token, 'server', nonce, challenge.nonce))) return false;
  const ready = await talk.ask({ type: 'auth', proof: proofOf(token, 'client', nonce, challenge.nonce) });
  if (ready?.type !== 'ready') throw notResponding('it refused the command line');
  return true;
}

export interface AppClosed {
  /** Whether a running app was found and asked. */
  appRunning: boolean;
  /** Sessions of the account the app closed. */
  sessions: number;
}

/**
 * An authenticated conversation with the app serving `dataDir`, or null when none runs there.
 * Throws APP_NOT_RESPONDING when an app is there but cannot be asked.
 */
async function talkToApp(dataDir: string): Promise<Conversation | null> {
  const paths = controlPaths(dataDir);
  // No app can listen there (its path is too long for a socket): there is nobody to ask.
  if (!endpointUsable(paths)) return null;
  for (let attempt = 1; ; attempt++) {
    // Windows: the pipe's name is in the token file; without that file no app is listening.
    const endpoint = paths.endpoint || readControlFile(paths.tokenFile)?.pipe;
    const socket = endpoint ? await open(endpoint) : null;
    if (!socket) return null;
    const talk = new Conversation(socket);
    try {
      const token = readControlFile(paths.tokenFile)?.token;
      if (!token) throw notResponding('its control token cannot be read by this OS account');
      if (await authenticate(talk, token)) return talk;
      // An app that just started may not have written its token yet: one more try.
      if (attempt >= 2) throw notResponding('something other than Cubby answers on its control channel');
      talk.end();
      await new Promise((r) => setTimeout(r, 300));
    } catch (e) {
      talk.end();
      throw e;
    }
  }
}

/**
 * Ask a running app to close userId's sessions and hold them closed, run change, then let go.
 * Throws APP_NOT_RESPONDING (before change runs) when an app is there but cannot be asked.
 */
export async function withAccountClosedInApp<T>(dataDir: string, userId: string, change: (closed: AppClosed) => Promise<T> | T): Promise<T> {
  const talk = await talkToApp(dataDir);
  if (!talk) return change({ appRunning: false, sessions: 0 });
  try {
    const closed = await talk.ask({ type: 'closeUser', userId });
    if (closed?.type !== 'closed') throw notResponding('it did not close the account');
    // The connection stays open while the change runs: it holds the account closed in the app.
    return await change({ appRunning: true, sessions: closed.sessions });
  } finally {
    talk.end();
  }
}

/**
 * After a group change committed: a running app checks the answers being written with shared
 * agents again, so one that ran on a removed membership stops now (the next call would refuse
 * anyway). Returns whether an app was told; an app that cannot be asked is not an error here.
 */
export async function tellAppAccessChanged(dataDir: string): Promise<boolean> {
  let talk: Conversation | null = null;
  try {
    talk = await talkToApp(dataDir);
    return (await talk?.ask({ type: 'accessChanged' }))?.type === 'rechecked';
  } catch {
    return false;
  } finally {
    talk?.end();
  }
}
