/**
 * The one scheduler in main. It holds one slot per person whose vault is open: their window
 * sessions, their background session (if any), their queue of runs and the runs going now.
 * Queues are per person and run at most `perUserConcurrency` runs at a time, so a slow or stuck
 * run of one person never delays another person's runs; every run has a time limit.
 *
 * Runs happen only while the owner's vault is open. When it opens after being closed, each
 * schedule time since the workflow was last looked at is recorded as missed, and a workflow
 * that asks for it gets one catch-up run.
 */
import type { Session } from '../accounts/session';
import { CubbyError } from '../errors';
import type { RunStatus, RunTrigger } from '../workflows/definition';
import { executeRun, resolveInputs, type StepEnv } from '../workflows/executor';
import { createRun, finishRun, recoverInterruptedRuns } from '../workflows/runs';
import { getWorkflow, scheduledWorkflows, setLastTick, type Workflow } from '../workflows/store';
import { nextAfter, timesBetween } from './cron';

export interface RunChange {
  runId: string;
  workflowId: string;
  status: RunStatus;
}

export interface SchedulerOptions {
  env: StepEnv;
  now?: () => number;
  perUserConcurrency?: number;
  /** At most this many missed runs are recorded per workflow per unlock (the later ones are left out). */
  missedLimit?: number;
  /** A run changed: tell the owner's windows (these sessions are window sessions only). */
  onRunChanged?: (windows: Session[], change: RunChange) => void;
  /**
   * Whether a background session's account may still act (active, not deleted). Windows are
   * checked on every call by the router; a background session makes no calls, so each tick asks.
   */
  accountActive?: (session: Session) => boolean;
}

interface Timed {
  workflowId: string;
  cron: string;
  nextDue: number | null;
}

interface QueuedRun {
  runId: string;
  workflow: Workflow;
  inputs: Record<string, string>;
  approval: 'ask' | 'require-stored';
}

interface LiveRun {
  controller: AbortController;
  workflowId: string;
  allowBackground: boolean;
  done: Promise<RunStatus>;
}

class UserSlot {
  readonly windows = new Set<Session>();
  background: Session | null = null;
  readonly queue: QueuedRun[] = [];
  readonly live = new Map<string, LiveRun>();
  timed: Timed[] = [];
  /** Workflows asking for catch-up whose time passed while only the background session was open. */
  readonly pendingCatchUp = new Set<string>();

  constructor(readonly userId: string) {}

  /** The session runs write through: a window's while one is open, else the background one. */
  current(): Session | null {
    for (const s of this.windows) if (s.isOpen) return s;
    return this.background?.isOpen ? this.background : null;
  }

  openWindows(): Session[] {
    return [...this.windows].filter((s) => s.isOpen);
  }
}

export class Scheduler {
  private readonly slots = new Map<string, UserSlot>();
  private readonly now: () => number;
  private readonly perUser: number;
  private timer: NodeJS.Timeout | null = null;
  /** Told of every run change with the owner's window sessions (the router sends runs.changed to them). */
  onRunChanged: SchedulerOptions['onRunChanged'];

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.perUser = opts.perUserConcurrency ?? 1;
    this.onRunChanged = opts.onRunChanged;
  }

  // ---- sessions ----------------------------------------------------------------------------

  /** A window's session opened (sign-in, unlock): runs may use it; missed times are recorded. */
  attachWindow(session: Session): void {
    const slot = this.slotFor(session);
    const wasClosed = slot.current() === null;
    const wasAway = slot.openWindows().length === 0;
    slot.windows.add(session);
    session.onClose(() => this.detach(slot, session));
    if (wasClosed) this.opened(slot, session);
    else if (wasAway) this.catchUpAfterBackground(slot, session);
    this.retireBackground(slot);
  }

  /** Whether another window of this person is signed in (then a lock of one window needs no background session). */
  hasOtherWindow(session: Session): boolean {
    return (this.slots.get(session.user.id)?.openWindows() ?? []).some((s) => s !== session);
  }

  private catchUpAfterBackground(slot: UserSlot, session: Session): void {
    for (const workflowId of [...slot.pendingCatchUp]) {
      slot.pendingCatchUp.delete(workflowId);
      try {
        const workflow = getWorkflow(session, workflowId);
        this.enqueue(slot, session, workflow, resolveSafe(workflow), 'catch-up', 'require-stored', null);
      } catch {
        // deleted meanwhile
      }
    }
  }

  /** A background session (the window locked, a workflow allows it): runs only, never a window. */
  attachBackground(session: Session): void {
    const slot = this.slotFor(session);
    if (slot.background?.isOpen) {
      session.close();
      return;
    }
    const wasClosed = slot.current() === null;
    slot.background = session;
    session.onClose(() => this.detach(slot, session));
    if (wasClosed) this.opened(slot, session);
  }

  hasBackground(userId: string): boolean {
    return !!this.slots.get(userId)?.background?.isOpen;
  }

  /** Close this person's background session (sign-out, admin, suspend). */
  closeBackground(userId: string): void {
    this.slots.get(userId)?.background?.close();
  }

  closeAllBackground(): void {
    for (const slot of [...this.slots.values()]) slot.background?.close();
  }

  /** The background session of `userId`, for tests that prove nothing else can reach it. */
  backgroundOf(userId: string): Session | null {
    const bg = this.slots.get(userId)?.background;
    return bg?.isOpen ? bg : null;
  }

  private slotFor(session: Session): UserSlot {
    let slot = this.slots.get(session.user.id);
    if (!slot) this.slots.set(session.user.id, (slot = new UserSlot(session.user.id)));
    return slot;
  }

  /** The vault just opened: runs a dead process left are interrupted; missed times recorded; catch-ups queued. */
  private opened(slot: UserSlot, session: Session): void {
    recoverInterruptedRuns(session, new Set(slot.live.keys()), this.now());
    const now = this.now();
    for (const w of scheduledWorkflows(session)) {
      const { times } = timesBetween(w.cron, w.lastTickAt, now, this.opts.missedLimit ?? 100);
      if (times.length === 0) continue;
      const workflow = getWorkflow(session, w.id);
      for (const dueAt of times) createRun(session, { workflowId: w.id, workflowName: workflow.name, status: 'missed', trigger: 'schedule', inputs: {}, dueAt }, now);
      setLastTick(session, w.id, now);
      if (w.catchUp) this.enqueue(slot, session, workflow, resolveSafe(workflow), 'catch-up', 'require-stored', times.at(-1)!);
    }
    this.reload(slot, session);
  }

  private detach(slot: UserSlot, session: Session): void {
    slot.windows.delete(session);
    if (slot.background === session) slot.background = null;
    const current = slot.current();
    if (!current) {
      // The vault closed: every run stops and writes nothing more (interrupted at the next unlock).
      for (const run of slot.live.values()) run.controller.abort(new CubbyError('LOCKED', 'Cubby locked.'));
      slot.queue.length = 0;
      if (slot.live.size === 0) this.slots.delete(slot.userId);
      return;
    }
    if (slot.openWindows().length === 0) {
      // Only the background session is left: runs of workflows that do not allow it end with the lock.
      for (const [runId, run] of slot.live) {
        if (!run.allowBackground) {
          run.controller.abort(new CubbyError('LOCKED', 'Cubby locked, and this workflow does not keep running while locked.'));
          slot.live.delete(runId);
        }
      }
      const waiting = slot.queue.splice(0, slot.queue.length);
      for (const q of waiting) {
        if (q.workflow.allowBackground) slot.queue.push(q);
        else finishRun(current, q.runId, 'cancelled', null, this.now());
      }
    }
  }

  /** Back at the window: the background session ends once its runs (now writing through the window) are done. */
  private retireBackground(slot: UserSlot): void {
    if (slot.background && slot.openWindows().length > 0 && slot.live.size === 0) slot.background.close();
  }

  // ---- schedules ---------------------------------------------------------------------------

  /** Read a person's schedules again (after a workflow changed). */
  reload(slotOrSession: UserSlot | Session, session?: Session): void {
    const slot = slotOrSession instanceof UserSlot ? slotOrSession : this.slots.get(slotOrSession.user.id);
    const s = session ?? (slotOrSession instanceof UserSlot ? slot?.current() : slotOrSession);
    if (!slot || !s?.isOpen) return;
    const now = this.now();
    slot.timed = scheduledWorkflows(s).map((w) => ({ workflowId: w.id, cron: w.cron, nextDue: nextAfter(w.cron, Math.max(w.lastTickAt, now - 1)) }));
  }

  /**
   * One pass: every schedule time that has come is queued for its person. Cheap when nothing is
   * due (one comparison per workflow); called every few seconds by start(), or by tests.
   */
  tick(): void {
    const now = this.now();
    for (const slot of [...this.slots.values()]) {
      // Disabled or deleted from elsewhere (the command line) with no app to tell: its background runs end now.
      if (slot.background?.isOpen && this.opts.accountActive && !this.opts.accountActive(slot.background)) slot.background.close();
    }
    for (const slot of this.slots.values()) {
      const session = slot.current();
      if (!session) continue;
      for (const t of slot.timed) {
        if (t.nextDue === null || t.nextDue > now) continue;
        const due = t.nextDue;
        t.nextDue = nextAfter(t.cron, now);
        try {
          const workflow = getWorkflow(session, t.workflowId);
          setLastTick(session, t.workflowId, due);
          if (!slot.openWindows().length && !workflow.allowBackground) {
            // The window is locked and this workflow does not run then: missed, as with the vault closed.
            createRun(session, { workflowId: workflow.id, workflowName: workflow.name, status: 'missed', trigger: 'schedule', inputs: {}, dueAt: due }, now);
            if (workflow.catchUp) slot.pendingCatchUp.add(workflow.id);
            continue;
          }
          this.enqueue(slot, session, workflow, resolveSafe(workflow), 'schedule', 'require-stored', due);
        } catch {
          t.nextDue = null; // deleted meanwhile; reload() will pick up what is left
        }
      }
    }
  }

  start(intervalMs = 5000): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // ---- runs --------------------------------------------------------------------------------

  /** Run now from a window, with inputs (VALIDATION before anything is written). */
  runNow(session: Session, workflowId: string, inputs: Record<string, string>): string {
    const slot = this.slots.get(session.user.id);
    if (!slot || !slot.windows.has(session)) throw new CubbyError('LOCKED', 'This session is locked. Sign in again.');
    const workflow = getWorkflow(session, workflowId);
    return this.enqueue(slot, session, workflow, resolveInputs(workflow, inputs), 'now', 'ask', null);
  }

  /** Stop a queued or running run of this person; false when it is neither. */
  cancel(session: Session, runId: string): boolean {
    const slot = this.slots.get(session.user.id);
    if (!slot) return false;
    const live = slot.live.get(runId);
    if (live) {
      live.controller.abort();
      return true;
    }
    const i = slot.queue.findIndex((q) => q.runId === runId);
    if (i < 0) return false;
    slot.queue.splice(i, 1);
    finishRun(session, runId, 'cancelled', null, this.now());
    this.changed(slot, { runId, workflowId: '', status: 'cancelled' });
    return true;
  }

  /** Ids of this person's runs queued or running in this process. */
  activeRuns(userId: string): string[] {
    const slot = this.slots.get(userId);
    return slot ? [...slot.live.keys(), ...slot.queue.map((q) => q.runId)] : [];
  }

  /** Resolves when the run ends (tests, the command line). */
  whenDone(userId: string, runId: string): Promise<RunStatus> | null {
    return this.slots.get(userId)?.live.get(runId)?.done ?? null;
  }

  private enqueue(
    slot: UserSlot,
    session: Session,
    workflow: Workflow,
    inputs: Record<string, string>,
    trigger: RunTrigger,
    approval: QueuedRun['approval'],
    dueAt: number | null,
  ): string {
    const runId = createRun(session, { workflowId: workflow.id, workflowName: workflow.name, status: 'queued', trigger, inputs, dueAt }, this.now());
    slot.queue.push({ runId, workflow, inputs, approval });
    this.changed(slot, { runId, workflowId: workflow.id, status: 'queued' });
    this.pump(slot);
    return runId;
  }

  private pump(slot: UserSlot): void {
    while (slot.live.size < this.perUser && slot.queue.length > 0) {
      const next = slot.queue.shift()!;
      this.startRun(slot, next);
    }
  }

  private startRun(slot: UserSlot, q: QueuedRun): void {
    const controller = new AbortController();
    const limit = setTimeout(
      () =>
        controller.abort(
          new CubbyError('RUN_TIME_LIMIT', `This run went past its time limit of ${Math.round(q.workflow.timeLimitMs / 1000)} s and was stopped.`),
        ),
      q.workflow.timeLimitMs,
    );
    const host = {
      session: () => {
        const s = slot.current();
        if (!s) throw new CubbyError('LOCKED', 'Cubby locked.');
        return s;
      },
      signal: controller.signal,
      // Asked at each tool call: once the window is locked, nobody is there to approve.
      get approval() {
        return slot.openWindows().length ? q.approval : ('require-stored' as const);
      },
      now: this.now,
      changed: (status: RunStatus) => this.changed(slot, { runId: q.runId, workflowId: q.workflow.id, status }),
    };
    const done = executeRun(host, this.opts.env, q.runId, q.workflow, q.inputs).finally(() => {
      clearTimeout(limit);
      slot.live.delete(q.runId);
      if (this.slots.get(slot.userId) !== slot) return; // a newer slot holds this person now: leave it be
      if (!slot.current() && slot.live.size === 0) this.slots.delete(slot.userId);
      else {
        this.retireBackground(slot);
        this.pump(slot);
      }
    });
    slot.live.set(q.runId, { controller, workflowId: q.workflow.id, allowBackground: q.workflow.allowBackground, done });
  }

  private changed(slot: UserSlot, change: RunChange): void {
    try {
      this.onRunChanged?.(slot.openWindows(), change);
    } catch {
      // a window that went away must not end the run
    }
  }
}

/** Scheduled runs use the defaults; a required input without one fails the run, not the scheduler. */
function resolveSafe(workflow: Workflow): Record<string, string> {
  try {
    return resolveInputs(workflow, {});
  } catch {
    return Object.fromEntries(workflow.inputs.map((i) => [i.name, i.default]));
  }
}
