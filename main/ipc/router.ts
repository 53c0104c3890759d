import { randomUUID } from 'node:crypto';
import {
  channels,
  events,
  isChannelName,
  type ChannelName,
  type EventName,
  type EventPayload,
  type LockReason,
  type LoginUser,
  type Result,
  type SessionInfo,
} from '../../preload/contract';
import type { Accounts } from '../core/accounts/accounts';
import type { LocalServerOffer } from '../core/agents/models';
import type { RunRuntime } from '../core/agents/runner';
import type { Session } from '../core/accounts/session';
import type { SecretClipboard } from '../core/clipboard/secretClipboard';
import { CubbyError } from '../core/errors';
import { defaultPolicy, type EffectivePolicy } from '../core/policy/effective';
import { requirePolicy } from '../core/policy/enforce';
import { chosenIdleMinutes, personalIdleLimitMs } from '../core/policy/idle';
import { DEFAULT_IDLE_LOCK_SECONDS } from './autoLock';
import { toBridgeError, validationError } from './bridgeError';
import type { Handlers } from './handlers';
import { createWorkflowRuntime, type WorkflowRuntime } from './workflowRuntime';
import type { ToolCallerFactory } from '../core/workflows/toolCaller';
import type { SyncRuntime } from '../core/sync/api';

/** One window (Electron) or one WebSocket (browser host). Main binds it to at most one session. */
export interface Connection {
  readonly id: string;
}

type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface ConnectionState extends Connection {
  send: EventSink;
  session: Session | null;
  /** Who was signed in before the last lock, for the lock screen; cleared on sign-out. */
  lockedUser: LoginUser | null;
  /** Why the bound session is being closed, when the router closes it itself. */
  closing: LockReason | null;
  /** When the person last used this window (sign-in, any call of theirs, a session.activity ping), in ms. */
  lastActive: number;
  unsubscribe: (() => void) | null;
}

/** What a handler gets besides its validated input. The session comes from here, never from the payload. */
export interface HandlerContext {
  readonly accounts: Accounts;
  /** Main's clipboard for secrets; null where the renderer copies itself (the browser host). */
  readonly clipboard: SecretClipboard | null;
  /** Opens a checked http(s) link in the system browser (the Electron shell); null elsewhere. */
  readonly openExternal: ((url: string) => Promise<void>) | null;
  /** The machine policy in force (main enforces it; the UI only shows it). */
  readonly policy: EffectivePolicy;
  /** The machine's idle-lock time in seconds (0: off), the ceiling for a person's own. */
  readonly idleLockSeconds: number;
  /** The caller's session; non-null for 'session' and 'admin' channels. */
  readonly session: Session | null;
  readonly lockedUser: LoginUser | null;
  /** Bind the caller's connection to a session it just opened (sign-in, setup, invite, recovery). */
  bind(session: Session): void;
  /** Close the caller's session. */
  lock(reason: LockReason, forgetUser: boolean): void;
  /** Send an event to the windows of one session only (the router validates it). */
  emit<E extends EventName>(session: Session, event: E, payload: EventPayload<E>): void;
  readonly providerRuntime: ProviderRuntime;
  /** The scheduler and background sessions of workflows (issue 11). */
  readonly workflows: WorkflowRuntime | null;
  /** Each session's end-to-end-encrypted sync (issue 12); null where this host has none. */
  readonly sync: SyncRuntime | null;
}

/** How provider requests leave main. Tests point them at a fake server with retries off. */
export interface ProviderRuntime extends RunRuntime {
  /** Where to look for local servers (default: their usual loopback ports). */
  localServerPorts?: Partial<Record<LocalServerOffer['name'], number>>;
}

export interface RouterLog {
  error(message: string): void;
}

const silentLog: RouterLog = { error: () => undefined };

/** What a window may know of its own session. */
export function sessionInfo(accounts: Accounts, session: Session): SessionInfo {
  return { username: session.user.username, displayName: session.user.displayName, isAdmin: accounts.isAdmin(session) };
}

/**
 * The one router every transport feeds: it validates input against the contract, resolves the
 * caller's session from the connection, checks access, runs the handler and validates output.
 * It imports no Electron, so it runs (and is tested) under Node.
 */
export class Router {
  private readonly connections = new Map<string, ConnectionState>();
  /** Counts lockAll calls: a sign-in that was running when the machine locked must not bind after. */
  private lockAllCount = 0;

  private readonly log: RouterLog;
  private readonly clipboard: SecretClipboard | null;
  private readonly openExternal: ((url: string) => Promise<void>) | null;
  private readonly policy: EffectivePolicy;
  private readonly idleLockSeconds: number;
  private readonly providerRuntime: ProviderRuntime;
  readonly workflows: WorkflowRuntime;
  private readonly sync: SyncRuntime | null;

  constructor(
    private readonly accounts: Accounts,
    private readonly handlers: Handlers,
    opts: {
      log?: RouterLog;
      clipboard?: SecretClipboard;
      openExternal?: (url: string) => Promise<void>;
      policy?: EffectivePolicy;
      idleLockSeconds?: number;
      providerRuntime?: ProviderRuntime;
      /** How tool steps reach MCP tool servers (main/core/tools); without it a tool step fails with NOT_SUPPORTED. */
      toolCaller?: ToolCallerFactory;
      /** Sync of each session's vault; without it the sync channels answer NOT_SUPPORTED. */
      sync?: SyncRuntime;
    } = {},
  ) {
    this.providerRuntime = opts.providerRuntime ?? {};
    this.sync = opts.sync ?? null;
    this.log = opts.log ?? silentLog;
    this.clipboard = opts.clipboard ?? null;
    this.openExternal = opts.openExternal ?? null;
    this.policy = opts.policy ?? defaultPolicy();
    this.idleLockSeconds = opts.idleLockSeconds ?? DEFAULT_IDLE_LOCK_SECONDS;
    this.workflows = createWorkflowRuntime(accounts, { policy: this.policy, providerRuntime: this.providerRuntime, tools: opts.toolCaller ?? null });
    // Run events go to the owner's window sessions only; a background session has no window.
    this.workflows.scheduler.onRunChanged = (windows, change) => windows.forEach((w) => this.emit(w, 'runs.changed', change));
    accounts.onAccountChanged((userId) => this.accountChanged(userId));
    accounts.onAccessChanged(() => this.sharedChanged());
    // A background session keeps the person's sync going too; it is bound to no window.
    this.workflows.background.onOpened = (session) => void (this.policy.values.allowSync && this.sync?.forSession(session));
  }

  /**
   * A new window or socket. `lockedUser` carries the lock screen over when the shell replaces a
   * locked window with a fresh one.
   */
  connect(send: EventSink, lockedUser: LoginUser | null = null): Connection {
    const state: ConnectionState = {
      id: randomUUID(),
      send,
      session: null,
      lockedUser,
      closing: null,
      unsubscribe: null,
      lastActive: Date.now(),
    };
    this.connections.set(state.id, state);
    return { id: state.id };
  }

  /** Who was signed in to this connection before it locked (null after sign-out). */
  lockedUserOf(conn: Connection): LoginUser | null {
    return this.connections.get(conn.id)?.lockedUser ?? null;
  }

  /** The window or socket is gone: its session goes with it. */
  disconnect(conn: Connection): void {
    const state = this.connections.get(conn.id);
    if (!state) return;
    this.closeSession(state, 'closed');
    this.connections.delete(conn.id);
  }

  sessionOf(conn: Connection): Session | null {
    const session = this.connections.get(conn.id)?.session ?? null;
    return session?.isOpen ? session : null;
  }

  /** Lock one connection's session. */
  lock(conn: Connection, reason: LockReason): void {
    const state = this.connections.get(conn.id);
    if (state) this.closeSession(state, reason);
  }

  /**
   * Lock each window nobody has used for `maxIdleMs`, or for its person's own shorter time.
   * Per window, not per machine: on a shared computer one person working must not keep another
   * person's window open.
   */
  lockIdle(maxIdleMs: number, now = Date.now()): void {
    for (const state of this.connections.values()) {
      if (state.session && now - state.lastActive >= this.idleLimitMs(state.session, maxIdleMs)) this.closeSession(state, 'idle');
    }
  }

  private idleLimitMs(session: Session, maxIdleMs: number): number {
    try {
      return personalIdleLimitMs(session.isOpen ? chosenIdleMinutes(session) : null, maxIdleMs);
    } catch {
      return maxIdleMs; // an unreadable preference must not keep a window open longer
    }
  }

  /** The computer suspends: every window locks and every background session ends. */
  suspend(): void {
    this.workflows.background.suspend(() => this.lockAll('system'));
  }

  /** Lock every session (OS screen lock, suspend). */
  lockAll(reason: LockReason): void {
    this.lockAllCount++;
    for (const state of this.connections.values()) this.closeSession(state, reason);
  }

  /**
   * Close every open session of one account (the command line is about to disable or delete
   * it): bound windows lock as on any lock, with reason 'account-changed'. Returns how many closed.
   */
  closeSessionsOf(userId: string): number {
    let closed = 0;
    for (const state of this.connections.values()) {
      if (state.session?.isOpen && state.session.user.id === userId) {
        state.closing = 'account-changed';
        this.accounts.lock(state.session);
        state.closing = null;
        closed++;
      }
    }
    for (const session of this.accounts.openSessions()) {
      if (session.user.id === userId && session.isOpen) {
        session.close();
        closed++;
      }
    }
    return closed;
  }

  /** Someone else (the command line) changed who may use shared agents: check answers being written again. */
  accessChanged(): void {
    this.accounts.accessChanged();
  }

  /** Until the returned release is called, a sign-in of this account opens nothing here (see Accounts.holdUser). */
  holdUser(userId: string): () => void {
    return this.accounts.holdUser(userId);
  }

  async call(conn: Connection, channelName: unknown, rawInput: unknown): Promise<Result<unknown>> {
    const state = this.connections.get(conn.id);
    if (!state) return { ok: false, error: { code: 'LOCKED', message: 'This window is closed.' } };
    if (!isChannelName(channelName)) return { ok: false, error: validationError() };
    const def = channels[channelName];
    const parsed = def.input.safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: validationError() };

    const session = state.session?.isOpen ? state.session : null;
    if (def.access !== 'public') {
      if (!session) return { ok: false, error: { code: 'LOCKED', message: 'This session is locked. Sign in again.' } };
      const role = this.accounts.roleOf(session);
      if (!role) {
        // Disabled or deleted since sign-in (perhaps from the command line): the session ends here.
        this.closeSession(state, 'account-changed');
        return { ok: false, error: { code: 'LOCKED', message: 'This session is locked. Sign in again.' } };
      }
      if (def.access === 'admin' && role !== 'admin') {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Only an administrator can do that.' } };
      }
      state.lastActive = Date.now();
    }
    if (def.requires) {
      try {
        requirePolicy(this.policy.values, def.requires);
      } catch (e) {
        return { ok: false, error: toBridgeError(e) };
      }
    }

    try {
      const handler = this.handlers[channelName] as (input: unknown, ctx: HandlerContext) => unknown;
      const value = await handler(parsed.data, this.context(state, session, this.lockAllCount));
      return { ok: true, value: def.output.parse(value) };
    } catch (e) {
      const error = toBridgeError(e);
      if (error.code === 'INTERNAL') this.log.error(`channel ${channelName} failed: ${e instanceof Error ? e.name : typeof e}`);
      return { ok: false, error };
    }
  }

  /** Send an event to the windows of one session only, after validating it against the contract. */
  emit<E extends EventName>(session: Session, event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload) as EventPayload<E>;
    for (const state of this.connections.values()) {
      if (state.session === session && session.isOpen) state.send(event, checked);
    }
  }

  /**
   * Every signed-in window asks again for its own view of shared agents. The event carries
   * nothing; that some sharing changed somewhere is all a window can learn from it.
   */
  private sharedChanged(): void {
    const payload = events['shared.changed'].parse({});
    for (const state of this.connections.values()) {
      if (state.session?.isOpen) state.send('shared.changed', payload);
    }
  }

  /** An admin changed someone's role: their windows learn what they may now see. */
  private accountChanged(userId: string): void {
    for (const state of this.connections.values()) {
      const session = state.session;
      if (session?.isOpen && session.user.id === userId) {
        state.send('session.changed', events['session.changed'].parse({ session: sessionInfo(this.accounts, session) }));
      }
    }
  }

  private context(state: ConnectionState, session: Session | null, lockAllCount: number): HandlerContext {
    return {
      accounts: this.accounts,
      clipboard: this.clipboard,
      openExternal: this.openExternal,
      policy: this.policy,
      idleLockSeconds: this.idleLockSeconds,
      session,
      lockedUser: state.lockedUser,
      bind: (next) => this.bind(state, next, lockAllCount),
      lock: (reason, forgetUser) => {
        this.closeSession(state, reason);
        if (forgetUser) state.lockedUser = null;
      },
      emit: (target, event, payload) => this.emit(target, event, payload),
      providerRuntime: this.providerRuntime,
      workflows: this.workflows,
      sync: this.sync,
    };
  }

  private bind(state: ConnectionState, session: Session, lockAllCount: number): void {
    // The window or socket went away while the sign-in ran: nobody may hold this vault open.
    if (this.connections.get(state.id) !== state) {
      this.accounts.lock(session);
      throw new CubbyError('LOCKED', 'This window is closed.');
    }
    // The screen locked or the machine suspended meanwhile: that lock covers this sign-in too.
    if (this.lockAllCount !== lockAllCount) {
      this.accounts.lock(session);
      throw new CubbyError('LOCKED', 'Cubby locked while you were signing in. Sign in again.');
    }
    this.closeSession(state, 'replaced');
    state.session = session;
    state.lastActive = Date.now();
    state.lockedUser = null;
    try {
      // The person's sync (if on, and allowed here) runs while their vault is open.
      if (this.policy.values.allowSync) this.sync?.forSession(session);
    } catch (e) {
      this.log.error(`sync did not start: ${e instanceof Error ? e.name : 'error'}`);
    }
    try {
      this.workflows.scheduler.attachWindow(session);
    } catch (e) {
      // Recording missed runs must not keep the person out of their vault.
      this.log.error(`workflows not attached: ${e instanceof Error ? e.name : typeof e}`);
    }
    // However the session ends (lock here, auto-lock, an admin disabling the account), this
    // connection stops answering for it and hears about it once.
    state.unsubscribe = session.onClose(() => {
      if (state.session !== session) return;
      const reason = state.closing ?? 'account-changed';
      state.session = null;
      state.unsubscribe = null;
      state.closing = null;
      state.lockedUser = { username: session.user.username, displayName: session.user.displayName };
      state.send('session.locked', events['session.locked'].parse({ reason }));
    });
  }

  private closeSession(state: ConnectionState, reason: LockReason): void {
    const session = state.session;
    if (!session) return;
    state.closing = reason;
    // A lock (not sign-out, not a closed window): workflows allowed to may go on in a background session.
    if (reason === 'user' || reason === 'idle' || reason === 'system') {
      try {
        this.workflows.background.windowLocking(session);
      } catch (e) {
        this.log.error(`background session not opened: ${e instanceof Error ? e.name : typeof e}`);
      }
    }
    this.accounts.lock(session);
    state.closing = null;
    if (reason === 'signed-out') this.workflows.background.signedOut(session.user.id);
  }
}

export type { ChannelName };
