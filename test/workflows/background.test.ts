import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import type { Connection } from '../../main/ipc/router';
import { getRun } from '../../main/core/workflows/runs';
import { CHANNEL_NAMES, channels, type ChannelName } from '../../preload/contract';
import type { MachinePolicySource } from '../../main/core/policy/source';
import { ADMIN, BOB, openAccounts, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';
import { recordingTools, textOf } from './world';

/**
 * Background sessions: Bob's workflow that allows it keeps running after his window locks, in a
 * session no window and no channel can reach; sign-out, an admin disabling him and suspend end it.
 */
const policyWith = (values: Record<string, unknown>): MachinePolicySource => ({
  kind: 'file',
  location: '/etc/cubby/policy.json',
  read: () => ({ status: 'found', values, ignored: [] }),
});

interface Window {
  conn: Connection;
  events: [string, unknown][];
}

let dir: string;
let cubby: Cubby;
let release: (() => void)[];
let tools: ReturnType<typeof recordingTools>;
let ada: Window;
let bob: Window;
let bobId: string;

async function call(w: Window, channel: string, input: unknown) {
  return cubby.router.call(w.conn, channel, input);
}
async function value(w: Window, channel: string, input: unknown) {
  const r = await call(w, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
  return r.value as any;
}
function openWindow(): Window {
  const events: [string, unknown][] = [];
  return { conn: cubby.router.connect((e, p) => events.push([e, p])), events };
}

async function start(policy: Record<string, unknown> = {}) {
  dir = tempDataDir('cubby-wf-bg-');
  release = [];
  tools = recordingTools((c) => (c.toolName === 'wait' ? new Promise((resolve) => release.push(() => resolve(textOf('waited')))) : textOf('quick')));
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: policyWith(policy), toolCaller: tools.factory });
  ada = openWindow();
  bob = openWindow();
  await value(ada, 'auth.setup', ADMIN);
  const invite = await value(ada, 'admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' });
  bobId = invite.userId;
  await value(bob, 'auth.redeemInvite', { username: BOB.username, code: invite.code, password: BOB.password });
}

/** Bob's two workflows, one allowed to go on while locked, each started and waiting in its tool. */
async function bobStartsTwoRuns() {
  const step = [{ kind: 'tool', serverId: 'srv', toolName: 'wait', args: {} }];
  const schedule = { cron: '0 3 * * *', preset: null };
  const keeps = await value(bob, 'workflows.create', { name: 'Keeps going', steps: step, schedule, allowBackground: true });
  const stops = await value(bob, 'workflows.create', { name: 'Stops', steps: step });
  const keepRun = (await value(bob, 'workflows.runNow', { id: keeps.id })).runId as string;
  await expect.poll(() => tools.calls.length).toBe(1);
  return { keeps, stops, keepRun };
}

beforeEach(() => undefined);
afterEach(() => {
  cubby?.close();
  removeDir(dir);
});

describe('while Bob is locked', () => {
  test('his background run goes on, and no channel of any window reaches it, nor does any of its events', async () => {
    await start();
    const { keeps, keepRun } = await bobStartsTwoRuns();
    expect(await call(ada, 'runs.get', { id: keepRun })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId);
    expect(background?.isOpen).toBe(true);
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(false);
    const eventsBefore = [ada.events.length, bob.events.length];

    // Every channel, from Bob's locked window, Ada's window and a fresh one, with Bob's ids wherever an id fits.
    const stranger = openWindow();
    const ids = { id: keepRun, workflowId: keeps.id };
    for (const w of [bob, ada, stranger]) {
      for (const channel of CHANNEL_NAMES) {
        if (channel === 'auth.lock' || channel === 'auth.signOut' || channel.startsWith('admin.')) continue;
        const shape = (channels[channel].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
        const input: Record<string, unknown> = Object.fromEntries(Object.keys(ids).filter((k) => k in shape).map((k) => [k, ids[k as keyof typeof ids]]));
        if (channel.startsWith('workflows.') && 'id' in shape) input.id = keeps.id;
        if (channel === 'workflows.create') delete input.id;
        if (channel === 'workflows.create' || channel === 'workflows.update') Object.assign(input, { name: 'x', steps: [{ kind: 'tool', serverId: 's', toolName: 't' }] });
        const r = await call(w, channel, input);
        const text = JSON.stringify(r);
        expect(text.includes(keepRun) || text.includes(keeps.id) || text.includes('Keeps going'), `${channel} leaked`).toBe(false);
        if (w === ada || channels[channel as ChannelName].access === 'public') continue;
        // Not signed in: refused before any handler runs (VALIDATION only where this generic input does not fit the channel).
        expect(r.ok, channel).toBe(false);
        const ours = channel.startsWith('workflows.') || channel.startsWith('runs.');
        expect(r.ok ? null : r.error.code, channel).toBe(ours ? 'LOCKED' : r.ok ? null : r.error.code === 'VALIDATION' ? 'VALIDATION' : 'LOCKED');
      }
    }
    for (const w of [bob, ada, stranger]) expect(cubby.router.sessionOf(w.conn)).not.toBe(background);

    release.shift()!();
    await expect.poll(() => getRun(background!, keepRun).status).toBe('succeeded');
    expect(getRun(background!, keepRun).steps[0]!.output).toBe('waited');
    // Nothing of the background run reached any window. Ada's own sync probes answered her with
    // her own status (sync off), the only events she may get meanwhile.
    expect(ada.events.slice(eventsBefore[0]).filter(([e, p]) => !(e === 'sync.changed' && (p as { state: string; thisDevice: unknown }).state === 'off'))).toEqual([]);
    expect(bob.events.length).toBe(eventsBefore[1]);
    expect(JSON.stringify(stranger.events)).not.toContain(keepRun);
    expect(JSON.stringify(bob.events.slice(eventsBefore[1]))).not.toContain(keepRun);

    // Back at his window: he sees the result, and the background session ends now its run is done.
    await value(bob, 'auth.login', { username: BOB.username, password: BOB.password });
    expect(await value(bob, 'runs.get', { id: keepRun })).toMatchObject({ status: 'succeeded' });
    expect(background!.isOpen).toBe(false);
    expect(cubby.router.workflows.scheduler.backgroundOf(bobId)).toBeNull();
  });

  test('a run of a workflow that does not allow it stops with the lock', async () => {
    await start();
    const step = [{ kind: 'tool', serverId: 'srv', toolName: 'wait', args: {} }];
    await value(bob, 'workflows.create', { name: 'Keeps', steps: step, schedule: { cron: '0 3 * * *' }, allowBackground: true });
    const stops = await value(bob, 'workflows.create', { name: 'Stops', steps: step });
    const runId = (await value(bob, 'workflows.runNow', { id: stops.id })).runId;
    await expect.poll(() => tools.calls.length).toBe(1);
    await value(bob, 'auth.lock', {});
    expect(cubby.router.workflows.scheduler.backgroundOf(bobId)).not.toBeNull();
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(true);
    await expect.poll(() => getRun(cubby.router.workflows.scheduler.backgroundOf(bobId)!, runId).status).toBe('failed');
    expect(getRun(cubby.router.workflows.scheduler.backgroundOf(bobId)!, runId).errorCode).toBe('LOCKED');
  });

  test('without a workflow that allows it, or when the machine policy forbids it, the lock closes the vault', async () => {
    await start({ allowWorkflowsWhileLocked: false });
    const step = [{ kind: 'tool', serverId: 'srv', toolName: 'quick', args: {} }];
    expect(await call(bob, 'workflows.create', { name: 'K', steps: step, schedule: { cron: '0 3 * * *' }, allowBackground: true })).toMatchObject({
      ok: false,
      error: { code: 'POLICY_FORBIDS' },
    });
    await value(bob, 'workflows.create', { name: 'K', steps: step, schedule: { cron: '0 3 * * *' } });
    await value(bob, 'auth.lock', {});
    expect(cubby.router.workflows.scheduler.backgroundOf(bobId)).toBeNull();
    expect(cubby.accounts.openSessions().filter((s) => s.user.id === bobId)).toEqual([]);
  });
});

describe('what ends a background session at once', () => {
  test('sign-out', async () => {
    await start();
    const { keepRun } = await bobStartsTwoRuns();
    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId)!;
    await value(bob, 'auth.login', { username: BOB.username, password: BOB.password });
    expect(background.isOpen).toBe(true); // its run is still going
    await value(bob, 'auth.signOut', {});
    expect(background.isOpen).toBe(false);
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(true);
    expect(cubby.accounts.openSessions().filter((s) => s.user.id === bobId)).toEqual([]);
    await value(bob, 'auth.login', { username: BOB.username, password: BOB.password });
    expect(await value(bob, 'runs.get', { id: keepRun })).toMatchObject({ status: 'interrupted' });
  });

  test('an administrator disabling the account', async () => {
    await start();
    await bobStartsTwoRuns();
    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId)!;
    await value(ada, 'admin.users.setDisabled', { userId: bobId, disabled: true });
    expect(background.isOpen).toBe(false);
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(true);
    expect(cubby.accounts.openSessions().filter((s) => s.user.id === bobId)).toEqual([]);
  });

  test('the account disabled from another process, with no app to tell: the next tick ends the background session', async () => {
    await start();
    await bobStartsTwoRuns();
    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId)!;
    // What `cubby disable` does when it cannot reach the app: the catalog changes behind its back.
    const other = await openAccounts(dir);
    try {
      const admin = await other.login(ADMIN.username, ADMIN.password);
      other.setDisabled(admin, bobId, true);
    } finally {
      other.close();
    }
    expect(background.isOpen).toBe(true);
    cubby.router.workflows.scheduler.tick();
    expect(background.isOpen).toBe(false);
    expect(tools.calls[0]!.opts.signal?.aborted).toBe(true);
  });

  test('suspending opens no background session on the way (every window locks, then every background session ends)', async () => {
    await start();
    await bobStartsTwoRuns();
    const opened: string[] = [];
    const original = cubby.accounts.openBackgroundSession.bind(cubby.accounts);
    cubby.accounts.openBackgroundSession = (s) => (opened.push(s.user.id), original(s));
    cubby.router.suspend();
    expect(opened).toEqual([]);
    expect(cubby.accounts.openSessions().filter((s) => s.user.id === bobId)).toEqual([]);
  });

  test('the computer suspending', async () => {
    await start();
    await bobStartsTwoRuns();
    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId)!;
    cubby.router.suspend();
    expect(background.isOpen).toBe(false);
    expect(cubby.router.sessionOf(ada.conn)).toBeNull();
    expect(cubby.accounts.openSessions()).toEqual([]);
  });

  test('quitting', async () => {
    await start();
    await bobStartsTwoRuns();
    await value(bob, 'auth.lock', {});
    const background = cubby.router.workflows.scheduler.backgroundOf(bobId)!;
    cubby.close();
    expect(background.isOpen).toBe(false);
    cubby = undefined as never;
  });
});
