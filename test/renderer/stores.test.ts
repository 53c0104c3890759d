import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBridge } from './fakeBridge';

/**
 * Lock and sign-out must leave nothing of the person in the renderer's stores: the zustand
 * stores are filled through their real loaders against a fake window.cubby, then each way a
 * session ends (Lock, Sign out, main's session.locked event, a failed lock call) must bring
 * them back to their initial state. Runs in Node: the stores need no DOM, only window.cubby.
 */
const bridge = new FakeBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/appStore') &
  typeof import('../../renderer/src/stores/adminStore') &
  typeof import('../../renderer/src/stores/settingsStore') &
  typeof import('../../renderer/src/stores/sessionStore') &
  typeof import('../../renderer/src/stores/reset');
let s: Stores;

beforeAll(async () => {
  // After the stub: the bridge module picks window.cubby when it loads.
  s = {
    ...(await import('../../renderer/src/stores/appStore')),
    ...(await import('../../renderer/src/stores/adminStore')),
    ...(await import('../../renderer/src/stores/settingsStore')),
    ...(await import('../../renderer/src/stores/sessionStore')),
    ...(await import('../../renderer/src/stores/reset')),
  };
});

const ADA = { username: 'ada', displayName: 'Ada Admin', isAdmin: true };
const SECRET_NOTE = 'ada-private-note';
const USERS = [{ id: 'u1', username: 'ada', displayName: 'Ada Admin', role: 'admin', status: 'active', createdAt: 1, lastLoginAt: 2, lockedUntil: null, invite: null }];
const AUDIT = [{ id: 7, at: 1, action: 'login', actor: { id: 'u1', username: 'ada' }, target: null, detail: null }];
const LOCKED_STATUS = { setUp: true, users: [{ username: 'ada', displayName: 'Ada Admin' }], session: null, lockedUser: { username: 'ada', displayName: 'Ada Admin' } };
const LOGIN_STATUS = { ...LOCKED_STATUS, lockedUser: null };

/** Sign in and load everything a person's window can hold, through the real loaders. */
async function fillStores(): Promise<void> {
  bridge.answer('settings.get', { value: SECRET_NOTE }).answer('admin.users.list', USERS).answer('admin.audit.list', AUDIT);
  s.enterWorkspace(ADA);
  s.chooseUser('ada');
  s.showSection('audit');
  await s.loadNotes();
  await s.loadUsers();
  await s.loadAudit({ userId: 'u1', action: 'login' });
  // Guard against a vacuous pass: everything really is filled.
  expect(s.useSessionStore.getState()).toEqual({ session: ADA, section: 'audit' });
  expect(s.useSettingsStore.getState().notes).toBe(SECRET_NOTE);
  expect(s.useAdminStore.getState()).toMatchObject({ users: USERS, audit: AUDIT, auditFilter: { userId: 'u1', action: 'login' } });
}

/** Literal initial states, so a mutated initial object would not pass either. */
function expectDropped(): void {
  expect(s.useSessionStore.getState()).toEqual({ session: null, section: 'home' });
  expect(s.useSettingsStore.getState()).toEqual({ notes: null });
  expect(s.useAdminStore.getState()).toEqual({ users: null, audit: null, auditFilter: { userId: '', action: '' }, auditHasMore: false });
  expect(JSON.stringify([s.useSessionStore.getState(), s.useSettingsStore.getState(), s.useAdminStore.getState()])).not.toContain('ada');
}

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.answer('auth.lock', {}).answer('auth.signOut', {}).answer('app.status', LOCKED_STATUS);
});

describe('renderer stores on lock and sign-out', () => {
  it('resetUserStores drops the session, settings and admin stores', async () => {
    await fillStores();
    s.resetUserStores();
    expectDropped();
  });

  it('Lock drops everything, asks main to lock, and shows the lock screen', async () => {
    await fillStores();
    await s.lockWindow();
    expectDropped();
    expect(bridge.calls.slice(-2)).toEqual(['auth.lock', 'app.status']);
    expect(s.useAppStore.getState()).toMatchObject({ phase: 'locked', lockedUser: { username: 'ada' } });
  });

  it('Sign out drops everything, forgets the chosen account, and shows the picker', async () => {
    await fillStores();
    bridge.answer('app.status', LOGIN_STATUS);
    await s.signOut();
    expectDropped();
    expect(bridge.calls.slice(-2)).toEqual(['auth.signOut', 'app.status']);
    expect(s.useAppStore.getState()).toMatchObject({ phase: 'login', chosenUsername: null, lockedUser: null });
  });

  it('a lock that main answers with an error still drops everything', async () => {
    await fillStores();
    bridge.fail('auth.lock', 'INTERNAL');
    await expect(s.lockWindow()).rejects.toThrow();
    expectDropped();
  });

  it('main’s session.locked event (auto-lock, an admin disabling the account) drops everything', async () => {
    s.startApp();
    for (const reason of ['idle', 'system', 'signed-out', 'account-changed'] as const) {
      await fillStores();
      bridge.emit('session.locked', { reason });
      expectDropped();
    }
  });

  it('main’s session.changed event after a demotion leaves the admin pages and drops what they loaded', async () => {
    s.startApp();
    await fillStores();
    bridge.emit('session.changed', { session: { ...ADA, isAdmin: false } });
    expect(s.useSessionStore.getState()).toEqual({ session: { ...ADA, isAdmin: false }, section: 'home' });
    expect(s.useAdminStore.getState()).toMatchObject({ users: null, audit: null });
    // The person's own data stays: they are still signed in.
    expect(s.useSettingsStore.getState().notes).toBe(SECRET_NOTE);
    // A promotion shows the admin menu without moving them.
    s.showSection('settings');
    bridge.emit('session.changed', { session: ADA });
    expect(s.useSessionStore.getState()).toEqual({ session: ADA, section: 'settings' });
  });

  it('admin data that arrives after a demotion is dropped', async () => {
    s.startApp();
    await fillStores();
    bridge.emit('session.changed', { session: ADA });
    bridge.answer('admin.users.list', USERS).answer('admin.audit.list', AUDIT);
    bridge.hold('admin.users.list');
    bridge.hold('admin.audit.list');
    const loads = [s.loadUsers(), s.loadAudit({ userId: '', action: '' })];
    bridge.emit('session.changed', { session: { ...ADA, isAdmin: false } });
    await bridge.release('admin.users.list');
    await bridge.release('admin.audit.list');
    await Promise.allSettled(loads);
    expect(s.useAdminStore.getState()).toMatchObject({ users: null, audit: null });
  });

  it('an answer that arrives after the lock does not fill the stores again', async () => {
    await fillStores();
    const slow = ['settings.get', 'settings.set', 'admin.users.list', 'admin.audit.list'] as const;
    bridge.answer('settings.set', {});
    for (const channel of slow) bridge.hold(channel);
    // Asked while signed in; main answers with the person's data, but only after the lock.
    const loads = [s.loadNotes(), s.saveNotes(SECRET_NOTE), s.loadUsers(), s.loadAudit({ userId: '', action: '' }), s.loadOlderAudit()];
    await s.lockWindow();
    for (const channel of slow) await bridge.release(channel);
    await Promise.allSettled(loads);
    expectDropped();
  });

  it('a status asked for before the lock does not put the session back', async () => {
    await fillStores();
    bridge.answer('app.status', { ...LOGIN_STATUS, session: ADA });
    bridge.hold('app.status');
    const stale = s.refreshStatus();
    bridge.answer('app.status', LOCKED_STATUS);
    const lock = s.lockWindow();
    await bridge.release('app.status');
    await Promise.all([stale, lock]);
    expectDropped();
    expect(s.useAppStore.getState().phase).toBe('locked');
  });
});

describe('activity pings for the per-window idle lock', () => {
  it('a signed-in window pings at most every 15 s; a window without a session never does', async () => {
    const { reportActivity } = await import('../../renderer/src/stores/activity');
    bridge.answer('session.activity', {});
    s.useAppStore.setState({ phase: 'login' });
    reportActivity(1_000_000);
    expect(bridge.calls).toEqual([]);
    s.useAppStore.setState({ phase: 'workspace' });
    reportActivity(1_000_000);
    reportActivity(1_010_000);
    expect(bridge.calls).toEqual(['session.activity']);
    reportActivity(1_015_000);
    expect(bridge.calls).toEqual(['session.activity', 'session.activity']);
  });
});
