/**
 * The running app's end of the control channel (see protocol.ts). Electron-free: the Electron
 * shell and the browser host both start it through startCubby. A bad or hostile client costs
 * it nothing but its own connection: every error is handled, every message bounded and
 * validated, every connection timed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Router } from '../ipc/router';
import {
  ClientMessage,
  controlPaths,
  encode,
  controlFileText,
  endpointUsable,
  newPipeName,
  parseControlFile,
  LineReader,
  parseLine,
  PROTOCOL_VERSION,
  proofOf,
  sameProof,
  type ControlPaths,
  type ServerMessage,
} from './protocol';

export interface ControlServer {
  readonly paths: ControlPaths;
  close(): void;
}

export interface ControlLog {
  error(message: string): void;
}

const HANDSHAKE_MS = 5_000;
/** Long enough for the command line to commit a deletion; the hold ends with the connection anyway. */
const HOLD_MS = 60_000;
const MAX_CONNECTIONS = 8;

/** POSIX: the folder must be ours and private before a token goes into it. */
function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid!()) throw new Error('control folder is not a folder of this OS account');
  chmodSync(dir, 0o700);
}

/** Whether something already answers at the endpoint (another app on this data directory). */
function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(endpoint);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Listen for the command line. Returns null (and logs why) when the channel cannot open, e.g.
 * another app already serves this data directory: the app still runs, the command line then
 * finds no app to ask (or that other one).
 */
export async function startControlServer(opts: {
  dataDir: string;
  router: Router;
  log?: ControlLog;
  /** How long a client may take to authenticate and ask (tests shorten it). */
  handshakeMs?: number;
}): Promise<ControlServer | null> {
  const log = opts.log ?? { error: () => undefined };
  const paths = controlPaths(opts.dataDir);
  const token = randomBytes(32).toString('base64url');
  const clients = new Set<Socket>();
  let server: Server;
  // Windows: a pipe name nobody can guess or take first; it travels in the private token file.
  const pipe = process.platform === 'win32' ? newPipeName() : undefined;
  const endpoint = pipe ?? paths.endpoint;
  if (!endpointUsable(paths)) {
    log.error('control channel: the data directory path is too long for a local socket; the command line cannot reach this app');
    return null;
  }
  try {
    preparePrivateDir(paths.dir);
    if (process.platform !== 'win32') {
      if (await answers(paths.endpoint)) {
        log.error('control channel: another Cubby process already serves this data directory');
        return null;
      }
      rmSync(paths.endpoint, { force: true }); // a socket file left by an app that crashed
    }
    server = createServer({ allowHalfOpen: false }, (socket) => serve(socket));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') chmodSync(paths.endpoint, 0o600);
    // After listening: a token on disk always belongs to the app that answers.
    const tmp = `${paths.tokenFile}.${randomBytes(6).toString('hex')}`;
    writeFileSync(tmp, controlFileText(token, pipe), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, paths.tokenFile);
  } catch (e) {
    log.error(`control channel could not open: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.name : typeof e)}`);
    return null;
  }
  // Never let a server-level error take the app down.
  server.on('error', (e) => log.error(`control channel: ${(e as NodeJS.ErrnoException).code ?? 'error'}`));

  function serve(socket: Socket): void {
    clients.add(socket);
    const send = (m: ServerMessage) => {
      if (!socket.destroyed) socket.write(encode(m));
    };
    const fail = (code: 'BAD_MESSAGE' | 'AUTH' | 'TIMEOUT') => {
      stage = 'done';
      if (!socket.destroyed) socket.end(encode({ type: 'error', code }), () => socket.destroy());
    };
    let stage: 'hello' | 'auth' | 'ready' | 'holding' | 'done' = 'hello';
    let clientNonce = '';
    let serverNonce = '';
    let release: (() => void) | null = null;
    let holdTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => fail('TIMEOUT'), opts.handshakeMs ?? HANDSHAKE_MS);

    const reader = new LineReader((line) => {
      if (socket.destroyed || stage === 'done') return;
      const m = parseLine(ClientMessage, line);
      if (!m) return fail('BAD_MESSAGE');
      if (stage === 'hello' && m.type === 'hello') {
        clientNonce = m.nonce;
        serverNonce = randomBytes(32).toString('base64url');
        stage = 'auth';
        return send({ v: PROTOCOL_VERSION, type: 'challenge', nonce: serverNonce, proof: proofOf(token, 'server', clientNonce, serverNonce) });
      }
      if (stage === 'auth' && m.type === 'auth') {
        if (!sameProof(m.proof, proofOf(token, 'client', clientNonce, serverNonce))) return fail('AUTH');
        stage = 'ready';
        return send({ type: 'ready' });
      }
      if (stage === 'ready' && m.type === 'closeUser') {
        stage = 'holding';
        clearTimeout(timer);
        // Hold first, then close: a sign-in finishing in between cannot slip through.
        release = opts.router.holdUser(m.userId);
        const sessions = opts.router.closeSessionsOf(m.userId);
        holdTimer = setTimeout(() => socket.destroy(), HOLD_MS).unref();
        return send({ type: 'closed', sessions });
      }
      if (stage === 'ready' && m.type === 'accessChanged') {
        stage = 'done';
        clearTimeout(timer);
        // A group membership changed in the catalog: streaming answers that ran on it stop now.
        opts.router.accessChanged();
        return send({ type: 'rechecked' });
      }
      return fail(stage === 'auth' ? 'AUTH' : 'BAD_MESSAGE');
    });

    socket.on('data', (chunk: Buffer) => {
      if (!reader.push(chunk)) fail('BAD_MESSAGE');
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(holdTimer);
      release?.();
      clients.delete(socket);
    });
  }

  return {
    paths,
    close() {
      server.close();
      for (const socket of clients) socket.destroy();
      // The token is ours only while the token file holds it: an app that started later on this
      // directory owns it now. (server.close() has libuv unlink the socket path either way.)
      let ours = false;
      try {
        ours = parseControlFile(readFileSync(paths.tokenFile, 'utf8'))?.token === token;
      } catch {
        // already gone
      }
      if (!ours) return;
      rmSync(paths.tokenFile, { force: true });
    },
  };
}
