import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode as McpErrorCode, McpError, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { dataRootOf, type Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { readSecretValue } from '../vault/secrets';
import { getToolServer, secretForServer, type ToolServer } from '../vault/toolServers';
import { ensureToolHome, serverEnvironment } from './env';

/**
 * One session's MCP connections: a person's stdio servers run once for them, started on first
 * use and ended (with their whole process group) when the session closes. Nothing here is
 * shared between sessions, and nothing a server prints reaches main's logs: its stderr is read
 * and dropped, and no error message carries its output, a path or a secret.
 */
export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';
export interface ServerStatus {
  state: ServerState;
  /** Why it failed (a stable code); null otherwise. */
  errorCode: 'TOOL_SERVER_FAILED' | 'SECRET_MISSING' | null;
}

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/** A server that failed to start is not tried again for this long (each chat turn would wait for it). */
export const RETRY_FAILED_AFTER_MS = 30_000;
const CONNECT_TIMEOUT_MS = 20_000;
/** util-linux: a new session (and process group) for the server, so its children end with it. */
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => process.platform === 'linux' && existsSync(p));

interface Connection {
  client: Client;
  transport: Transport;
  /** Process group of a stdio server (its pid) when it leads one; null for HTTP. */
  pid: number | null;
}

const failed = (name: string, what = 'did not start or answer') =>
  new CubbyError('TOOL_SERVER_FAILED', `The tool server “${name}” ${what}. Check it in Settings, under Tools.`);

class ToolHost {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly states = new Map<string, ServerStatus>();
  private readonly failedAt = new Map<string, number>();
  /** Process groups of the stdio servers running now (Linux, under setsid): ended at once when the session closes. */
  private readonly groups = new Set<number>();
  private closed = false;

  constructor(private readonly session: Session) {}

  status(serverId: string): ServerStatus {
    return this.states.get(serverId) ?? { state: 'stopped', errorCode: null };
  }

  connection(serverId: string): Promise<Connection> {
    if (this.closed || !this.session.isOpen) throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
    let c = this.connections.get(serverId);
    if (!c) {
      const server = getToolServer(this.session, serverId);
      const failedAt = this.failedAt.get(serverId);
      if (failedAt !== undefined && Date.now() - failedAt < RETRY_FAILED_AFTER_MS) throw failed(server.name);
      if (!server.enabled) throw new CubbyError('TOOL_SERVER_FAILED', `The tool server “${server.name}” is turned off. Turn it on in Settings, under Tools.`);
      this.states.set(serverId, { state: 'starting', errorCode: null });
      c = this.start(server);
      this.connections.set(serverId, c);
      c.then(
        () => this.states.set(serverId, { state: 'running', errorCode: null }),
        (e) => {
          if (this.connections.get(serverId) === c) this.connections.delete(serverId);
          if (!(e instanceof CubbyError && e.code === 'SECRET_MISSING')) this.failedAt.set(serverId, Date.now());
          this.states.set(serverId, { state: 'failed', errorCode: e instanceof CubbyError && e.code === 'SECRET_MISSING' ? 'SECRET_MISSING' : 'TOOL_SERVER_FAILED' });
        },
      );
    }
    return c;
  }

  private transportFor(server: ToolServer): { transport: Transport; stdio: StdioClientTransport | null } {
    const read = (id: string) => readSecretValue(this.session, id);
    if (server.kind === 'http') {
      const headers: Record<string, string> = {};
      for (const h of server.headers) headers[h.name] = secretForServer(read, h.secretId, `the header ${h.name}`);
      return { transport: new StreamableHTTPClientTransport(new URL(server.url!), { requestInit: { headers } }), stdio: null };
    }
    const home = ensureToolHome(dataRootOf(this.session), this.session.user.id, server.id);
    const env = serverEnvironment(server.env, home, read) as Record<string, string>;
    const [command, args] = SETSID ? [SETSID, ['-w', '--', server.command!, ...server.args]] : [server.command!, server.args];
    const stdio = new StdioClientTransport({ command, args, env, cwd: home.root, stderr: 'pipe' });
    stdio.stderr?.on('data', () => {}); // read and dropped: it may echo secrets
    return { transport: stdio, stdio };
  }

  private async start(server: ToolServer): Promise<Connection> {
    const { transport, stdio } = this.transportFor(server); // SECRET_MISSING before anything starts
    const client = new Client({ name: 'cubby', version: '0.1.0' });
    transport.onerror = () => {}; // failures surface as the request's own error
    // The SDK forgets the pid once the process exits: keep it from the spawn, to end its group.
    let leader: number | null = null;
    if (stdio) {
      const spawn = stdio.start.bind(stdio);
      stdio.start = async () => {
        await spawn();
        leader = stdio.pid;
      };
    }
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    } catch {
      signalGroup(leader, 'SIGKILL'); // and whatever it started before failing
      await client.close().catch(() => {});
      throw failed(server.name);
    }
    const conn: Connection = { client, transport, pid: leader ?? stdio?.pid ?? null };
    if (SETSID && conn.pid) this.groups.add(conn.pid);
    client.onclose = () => {
      // The server is gone: nothing it started outlives it. Forgotten then, so a reused pid is never signalled.
      signalGroup(conn.pid, 'SIGKILL');
      if (conn.pid) this.groups.delete(conn.pid);
      this.states.set(server.id, { state: this.closed ? 'stopped' : 'failed', errorCode: this.closed ? null : 'TOOL_SERVER_FAILED' });
      if (this.connections.get(server.id) !== undefined) this.connections.delete(server.id);
    };
    if (this.closed) {
      await endConnection(conn);
      throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
    }
    return conn;
  }

  async listTools(serverId: string, signal?: AbortSignal): Promise<McpTool[]> {
    const { client } = await this.connection(serverId);
    const name = () => getToolServer(this.session, serverId).name;
    try {
      const out: McpTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: CONNECT_TIMEOUT_MS });
        out.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor && out.length < 1000);
      return out;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw failed(name(), 'did not list its tools');
    }
  }

  async callTool(serverId: string, toolName: string, args: unknown, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<{ content: unknown; isError: boolean }> {
    const { client } = await this.connection(serverId);
    const timeout = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    try {
      const r = await client.callTool({ name: toolName, arguments: (args ?? {}) as Record<string, unknown> }, undefined, {
        signal: opts.signal,
        timeout,
        maxTotalTimeout: timeout,
      });
      return { content: 'content' in r ? r.content : r.toolResult, isError: r.isError === true };
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (e instanceof McpError && e.code === McpErrorCode.RequestTimeout)
        throw new CubbyError('TOOL_TIMEOUT', `The tool “${toolName}” did not answer within ${Math.round(timeout / 1000)} s and was stopped.`);
      throw failed(getToolServer(this.session, serverId).name, `could not run the tool “${toolName}”`);
    }
  }

  /** After a server's settings change or it is deleted: the next use starts it again. */
  async stop(serverId: string): Promise<void> {
    const c = this.connections.get(serverId);
    this.connections.delete(serverId);
    this.states.delete(serverId);
    this.failedAt.delete(serverId);
    if (c) await c.then(endConnection, () => {});
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    // At once, before any await: on quit the process may exit before a later step runs.
    for (const group of this.groups) signalGroup(group, 'SIGTERM');
    setTimeout(() => {
      for (const group of this.groups) signalGroup(group, 'SIGKILL');
    }, 1000).unref();
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.then(endConnection, () => {})));
  }

  /** Process ids of running stdio servers (tests check they end). */
  async pids(): Promise<number[]> {
    const out: number[] = [];
    for (const c of this.connections.values()) {
      const conn = await c.catch(() => null);
      if (conn?.pid) out.push(conn.pid);
    }
    return out;
  }
}

/** Signal the process group a setsid-started server leads (Linux); elsewhere there is none to signal. */
function signalGroup(leaderPid: number | null, sig: NodeJS.Signals): void {
  if (!SETSID || !leaderPid) return;
  try {
    process.kill(-leaderPid, sig);
  } catch {
    // already gone
  }
}

/** End the server and everything it started: its process group first, then the SDK's close. */
async function endConnection(conn: Connection): Promise<void> {
  signalGroup(conn.pid, 'SIGTERM');
  await conn.client.close().catch(() => {});
  signalGroup(conn.pid, 'SIGKILL');
}

const hosts = new WeakMap<Session, ToolHost>();

/** The tool host of an open session (made on first use; its servers end when the session closes). */
export function toolHostOf(session: Session): ToolHost {
  let host = hosts.get(session);
  if (!host) {
    if (!session.isOpen) throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
    const made = new ToolHost(session);
    host = made;
    hosts.set(session, made);
    session.onClose(() => void made.closeAll());
  }
  return host;
}

export type { ToolHost };
