import { expect, test } from 'vitest';
import { createWorkflow } from '../../main/core/workflows/store';
import { getRun, listRuns } from '../../main/core/workflows/runs';
import { nextAfter, timesBetween } from '../../main/core/scheduler/cron';
import { BOB, removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { makeScheduler, manualClock, recordingTools } from './world';
import { afterAll } from 'vitest';

const dir = tempDataDir('cubby-wf-sched-');
afterAll(() => removeDir(dir));

/** Local time, as the schedule is read. */
const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

test('presets are read in local time: every weekday at 8:00 skips the weekend', () => {
  // 2026-11-27 is a Friday.
  const friday9 = local(2026, 11, 27, 9);
  expect(nextAfter('0 8 * * 1-5', friday9)).toBe(local(2026, 11, 30, 8));
  expect(timesBetween('0 8 * * 1-5', local(2026, 11, 23), local(2026, 11, 30, 9), 100).times).toHaveLength(6);
  expect(timesBetween('* * * * *', 0, 60 * 60_000, 10)).toEqual({ times: expect.any(Array), more: true });
});

test('a schedule fires per tick; while the vault is closed its times are recorded as missed, and catch-up runs once at the next unlock', async () => {
  const clock = manualClock(local(2026, 11, 23, 7, 0)); // a Monday
  const d = dir;
  const w = await twoUsers(d);
  try {
    const tools = recordingTools();
    const { scheduler } = makeScheduler({ tools, now: clock.now });
    scheduler.attachWindow(w.bob);
    const step = { kind: 'tool', serverId: 's', toolName: 'report', args: {} };
    const daily = createWorkflow(w.bob, { name: 'Daily', steps: [step], schedule: { cron: '0 8 * * 1-5', preset: 'every-weekday-8' }, catchUp: true }, clock.now());
    const hourly = createWorkflow(w.bob, { name: 'Hourly', steps: [step], schedule: { cron: '30 * * * *', preset: null } }, clock.now());
    scheduler.reload(w.bob);

    scheduler.tick();
    expect(listRuns(w.bob)).toEqual([]); // nothing due yet
    clock.set(local(2026, 11, 23, 8, 0) + 1000);
    scheduler.tick();
    const fired = listRuns(w.bob);
    expect(fired.map((r) => [r.workflowName, r.trigger]).sort()).toEqual([
      ['Daily', 'schedule'],
      ['Hourly', 'schedule'],
    ]);
    expect(fired.find((r) => r.workflowName === 'Daily')!.dueAt).toBe(local(2026, 11, 23, 8));
    await Promise.all(scheduler.activeRuns(w.bob.user.id).map((id) => scheduler.whenDone(w.bob.user.id, id)));
    await expect.poll(() => scheduler.activeRuns(w.bob.user.id)).toEqual([]);
    expect(tools.calls.every((c) => c.opts.approval === 'require-stored')).toBe(true);
    scheduler.tick();
    expect(listRuns(w.bob)).toHaveLength(2); // the same time does not fire twice

    // Locked Monday 8:00 to Wednesday 9:10, no background: Tuesday 8:00, Wednesday 8:00 and 49 times at half past were missed
    // (Hourly fired at 7:30 on the 8:00 tick).
    w.accounts.lock(w.bob);
    clock.set(local(2026, 11, 25, 9, 10));
    scheduler.tick();
    const bob = await w.accounts.login(BOB.username, BOB.password);
    scheduler.attachWindow(bob);
    const missed = listRuns(bob, { status: 'missed', limit: 200 });
    expect(missed.filter((r) => r.workflowId === daily.id).map((r) => r.dueAt)).toEqual([local(2026, 11, 25, 8), local(2026, 11, 24, 8)]);
    expect(missed.filter((r) => r.workflowId === hourly.id)).toHaveLength(49);
    const catchUps = listRuns(bob, { limit: 200 }).filter((r) => r.trigger === 'catch-up');
    expect(catchUps.map((r) => r.workflowId)).toEqual([daily.id]); // one, for the workflow that asked
    await scheduler.whenDone(bob.user.id, catchUps[0]!.id);
    expect(getRun(bob, catchUps[0]!.id).status).toBe('succeeded');

    // Another window of the same person opening does not count the time again.
    const second = await w.accounts.login(BOB.username, BOB.password);
    scheduler.attachWindow(second);
    expect(listRuns(bob, { status: 'missed', limit: 200 })).toHaveLength(51);
    expect(listRuns(bob, { limit: 200 }).filter((r) => r.trigger === 'catch-up')).toHaveLength(1);
  } finally {
    w.accounts.close();
    if (d !== dir) removeDir(d);
  }
});

test("a stuck run of one person does not delay another's scheduled run; the time limit ends it with a clear error", async () => {
  const clock = manualClock(local(2026, 11, 23, 7, 59));
  const d = tempDataDir('cubby-wf-stuck-');
  const w = await twoUsers(d);
  try {
    const tools = recordingTools((c) => (c.toolName === 'hang' ? new Promise(() => undefined) : { content: 'ok', isError: false }));
    const { scheduler } = makeScheduler({ tools, now: clock.now });
    scheduler.attachWindow(w.admin);
    scheduler.attachWindow(w.bob);
    const stuck = createWorkflow(w.admin, { name: 'Stuck', steps: [{ kind: 'tool', serverId: 's', toolName: 'hang', args: {} }], timeLimitMs: 1000 }, clock.now());
    const behind = createWorkflow(w.admin, { name: 'Behind', steps: [{ kind: 'tool', serverId: 's', toolName: 'quick', args: {} }] }, clock.now());
    const bobs = createWorkflow(w.bob, { name: 'At eight', steps: [{ kind: 'tool', serverId: 's', toolName: 'quick', args: {} }], schedule: { cron: '0 8 * * *' } }, clock.now());
    scheduler.reload(w.bob);

    const stuckRun = scheduler.runNow(w.admin, stuck.id, {});
    const queuedRun = scheduler.runNow(w.admin, behind.id, {}); // Ada's own queue waits behind her stuck run
    clock.set(local(2026, 11, 23, 8, 0));
    scheduler.tick();
    const [bobRun] = listRuns(w.bob, { workflowId: bobs.id });
    expect(await scheduler.whenDone(w.bob.user.id, bobRun!.id)).toBe('succeeded');
    expect(getRun(w.admin, stuckRun).status).toBe('running');
    expect(getRun(w.admin, queuedRun).status).toBe('queued');

    expect(await scheduler.whenDone(w.admin.user.id, stuckRun)).toBe('failed');
    const ended = getRun(w.admin, stuckRun);
    expect(ended.errorCode).toBe('RUN_TIME_LIMIT');
    expect(ended.errorMessage).toMatch(/time limit of 1 s/);
    await expect.poll(() => getRun(w.admin, queuedRun).status).toBe('succeeded');
  } finally {
    w.accounts.close();
    if (d !== dir) removeDir(d);
  }
});

test('a lock without background ends the run: nothing more is written, and it is interrupted at the next unlock', async () => {
  const d = tempDataDir('cubby-wf-lock-');
  const w = await twoUsers(d);
  try {
    const tools = recordingTools(() => new Promise(() => undefined));
    const { scheduler } = makeScheduler({ tools });
    scheduler.attachWindow(w.bob);
    const wf = createWorkflow(w.bob, { name: 'Long', steps: [{ kind: 'tool', serverId: 's', toolName: 'hang', args: {} }] });
    const runId = scheduler.runNow(w.bob, wf.id, {});
    const done = scheduler.whenDone(w.bob.user.id, runId)!;
    await expect.poll(() => tools.calls.length).toBe(1);
    w.accounts.lock(w.bob);
    expect(await done).toBe('interrupted');
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(true);
    const bob = await w.accounts.login(BOB.username, BOB.password);
    scheduler.attachWindow(bob);
    expect(getRun(bob, runId).status).toBe('interrupted');
  } finally {
    w.accounts.close();
    if (d !== dir) removeDir(d);
  }
});

test('with only a background session open, a workflow that does not run while locked is missed and caught up at the window; tool calls then need stored approval', async () => {
  const clock = manualClock(local(2026, 11, 23, 7, 0));
  const d = tempDataDir('cubby-wf-bgmiss-');
  const w = await twoUsers(d);
  try {
    let release!: () => void;
    const tools = recordingTools((c) => (c.toolName === 'wait' ? new Promise((r) => (release = () => r({ content: 'ok', isError: false }))) : { content: 'ok', isError: false }));
    const { scheduler } = makeScheduler({ tools, now: clock.now });
    scheduler.attachWindow(w.bob);
    const schedule = { cron: '0 8 * * *' };
    const stays = createWorkflow(w.bob, { name: 'Stays', steps: [{ kind: 'tool', serverId: 's', toolName: 'quick', args: {} }], schedule, catchUp: true }, clock.now());
    const goesOn = createWorkflow(
      w.bob,
      { name: 'Goes on', steps: [{ kind: 'tool', serverId: 's', toolName: 'wait', args: {} }, { kind: 'tool', serverId: 's', toolName: 'quick', args: {} }], allowBackground: true, schedule: { cron: '0 3 * * *' } },
      clock.now(),
    );
    scheduler.reload(w.bob);
    const runId = scheduler.runNow(w.bob, goesOn.id, {});
    await expect.poll(() => tools.calls.length).toBe(1);
    expect(tools.calls[0]!.opts.approval).toBe('ask');

    const background = w.accounts.openBackgroundSession(w.bob);
    expect(scheduler.hasOtherWindow(w.bob)).toBe(false);
    scheduler.attachBackground(background);
    w.accounts.lock(w.bob);
    release();
    expect(await scheduler.whenDone(w.bob.user.id, runId)).toBe('succeeded');
    expect(tools.calls[1]!.opts.approval).toBe('require-stored'); // asked after the lock

    clock.set(local(2026, 11, 23, 8, 0) + 1);
    scheduler.tick();
    expect(listRuns(background, { workflowId: stays.id }).map((r) => [r.status, r.trigger])).toEqual([['missed', 'schedule']]);

    const bob = await w.accounts.login(BOB.username, BOB.password);
    scheduler.attachWindow(bob);
    const catchUp = listRuns(bob, { workflowId: stays.id }).find((r) => r.trigger === 'catch-up')!;
    expect(await scheduler.whenDone(bob.user.id, catchUp.id)).toBe('succeeded');
    expect(background.isOpen).toBe(false); // back at the window with nothing running: it ended
  } finally {
    w.accounts.close();
    removeDir(d);
  }
});
