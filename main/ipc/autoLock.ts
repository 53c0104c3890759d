/**
 * Idle auto-lock, without Electron: the shell passes the OS idle time (powerMonitor) and a
 * lock callback; tests pass a fake idle source and fake timers.
 *
 * It locks once when idle time crosses the timeout, then re-arms only after activity (idle
 * time below the timeout again). Locking again on every poll of the same idle stretch would
 * also lock someone who signed in without the OS seeing input (an accessibility or automation
 * tool); any real sign-in is activity and re-arms it anyway.
 */
export interface IdleLockOptions {
  /** Seconds since the last user input, as the OS reports it. */
  getIdleSeconds(): number;
  /** Lock after this many idle seconds; 0 turns idle locking off. */
  timeoutSeconds: number;
  lock(): void;
  /** How often to poll; defaults to a quarter of the timeout, between 1 s and 15 s. */
  pollMs?: number;
}

export const DEFAULT_IDLE_LOCK_SECONDS = 15 * 60;

export class IdleLock {
  private timer: ReturnType<typeof setInterval> | null = null;
  private fired = false;
  private started = false;
  private timeoutSeconds: number;
  private readonly pollMs: number | undefined;

  constructor(private readonly opts: IdleLockOptions) {
    this.timeoutSeconds = checkedTimeout(opts.timeoutSeconds);
    this.pollMs = opts.pollMs;
  }

  /** Whether a poll timer is running (false while idle locking is off). */
  get running(): boolean {
    return this.timer !== null;
  }

  /** One poll: locks if the idle time has just crossed the timeout. Returns whether it locked. */
  check(): boolean {
    if (this.timeoutSeconds === 0) return false;
    const idle = this.opts.getIdleSeconds();
    // A broken idle source must not lock everyone out, nor re-arm a lock that already fired.
    if (!Number.isFinite(idle) || idle < 0) return false;
    if (idle < this.timeoutSeconds) {
      this.fired = false;
      return false;
    }
    if (this.fired) return false;
    this.fired = true;
    this.opts.lock();
    return true;
  }

  start(): void {
    this.started = true;
    this.schedule();
  }

  stop(): void {
    this.started = false;
    this.schedule();
  }

  /** A new timeout (a policy or setting changed) applies from the next poll. */
  setTimeoutSeconds(seconds: number): void {
    this.timeoutSeconds = checkedTimeout(seconds);
    this.fired = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (!this.started || this.timeoutSeconds === 0) return;
    this.timer = setInterval(() => this.check(), this.interval());
    // Polling must never keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private interval(): number {
    return this.pollMs ?? pollInterval(this.timeoutSeconds);
  }
}

/** The polling interval for a timeout: a quarter of it, between 1 s and 15 s. */
function pollInterval(timeoutSeconds: number): number {
  return Math.min(15_000, Math.max(1_000, (timeoutSeconds * 1000) / 4));
}

/**
 * Per-window idle lock: every poll, the router locks each window whose person has not used it
 * for the timeout (see Router.lockIdle). Returns a stop function; 0 turns it off.
 */
export function startWindowIdleLock(router: { lockIdle(maxIdleMs: number): void }, timeoutSeconds: number): () => void {
  const seconds = checkedTimeout(timeoutSeconds);
  if (seconds === 0) return () => undefined;
  const timer = setInterval(() => router.lockIdle(seconds * 1000), pollInterval(seconds));
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

/**
 * Screen lock seen by polling (Linux has no lock-screen event, but reports the idle state
 * 'locked'): calls `onLocked` once each time the state turns to locked.
 */
export class ScreenLockWatch {
  private wasLocked = false;

  constructor(private readonly isLocked: () => boolean, private readonly onLocked: () => void) {}

  check(): void {
    let locked: boolean;
    try {
      locked = this.isLocked();
    } catch {
      return; // runs on a timer in main: a failing probe must not end the process
    }
    if (locked && !this.wasLocked) this.onLocked();
    this.wasLocked = locked;
  }
}

function checkedTimeout(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('The idle timeout must be 0 (off) or a positive number of seconds.');
  return seconds;
}

/**
 * The idle timeout from a configuration string (an environment variable): whole seconds,
 * 0 for off; anything else falls back to the default rather than silently turning locking off.
 */
export function idleTimeoutFrom(value: string | undefined, fallback = DEFAULT_IDLE_LOCK_SECONDS): number {
  if (value === undefined || !/^\d{1,7}$/.test(value.trim())) return fallback;
  return Number(value.trim());
}
