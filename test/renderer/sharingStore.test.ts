import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBridge } from './fakeBridge';

/**
 * The shared-agents store (issue 10) against a fake window.cubby: main's shared.changed makes an
 * open window read the list again (so a revocation reaches it), an answer stopped with
 * ACCESS_REVOKED does too, every way a session ends empties it, and a list asked for before a
 * lock is not kept when it arrives after. A conversation whose shared agent left the list (or
 * dropped below use) is the one shown as no longer available.
 */
const bridge = new FakeBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/appStore') &
  typeof import('../../renderer/src/stores/sharingStore') &
  typeof import('../../renderer/src/stores/reset');
let s: Stores;

beforeAll(async () => {
  s = {
    ...(await import('../../renderer/src/stores/appStore')),
    ...(await import('../../renderer/src/stores/sharingStore')),
    ...(await import('../../renderer/src/stores/reset')),
  };
  s.startApp();
});

const MARK = 'front-desk-marker';
const summary = (id: string, level: string) => ({ id, name: `Agent ${MARK} ${id}`, description: '', avatarColor: '#4f6bd8', level, isOwner: false, needsOwnConnection: null, updatedAt: 1 });
const A = '44444444-4444-4444-8444-444444444444';
const B = '55555555-5555-4555-8555-555555555555';
const LOCKED_STATUS = { setUp: true, users: [{ username: 'bob', displayName: 'Bob' }], session: null, lockedUser: { username: 'bob', displayName: 'Bob' } };
const INITIAL = { shared: null, newChatChoice: '' };
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.answer('auth.lock', {}).answer('auth.signOut', {}).answer('app.status', LOCKED_STATUS);
  s.resetUserStores();
});

describe('shared agents store', () => {
  it('shared.changed reads the list again once it was loaded, and the revoked agent is gone', async () => {
    bridge.emit('shared.changed', {});
    await settle();
    expect(bridge.calls).not.toContain('shared.list'); // nothing loaded, nothing to refresh

    bridge.answer('shared.list', [summary(A, 'use'), summary(B, 'view')]);
    await s.loadShared();
    expect(s.useSharingStore.getState().shared?.map((a) => a.id)).toEqual([A, B]);

    bridge.answer('shared.list', [summary(B, 'view')]);
    bridge.emit('shared.changed', {});
    await settle();
    expect(s.useSharingStore.getState().shared?.map((a) => a.id)).toEqual([B]);
  });

  it('an answer stopped with ACCESS_REVOKED reads the list again; another error does not', async () => {
    bridge.answer('shared.list', [summary(A, 'use')]);
    await s.loadShared();
    bridge.calls.length = 0;
    const finished = { conversationId: A, messageId: 2, status: 'error' as const, model: 'm', inputTokens: null, outputTokens: null, ttftMs: null, totalMs: 1 };
    bridge.emit('chat.finished', { ...finished, error: { code: 'PROVIDER_AUTH', message: 'x' } });
    await settle();
    expect(bridge.calls).not.toContain('shared.list');
    bridge.answer('shared.list', []);
    bridge.emit('chat.finished', { ...finished, error: { code: 'ACCESS_REVOKED', message: 'x' } });
    await settle();
    expect(s.useSharingStore.getState().shared).toEqual([]);
  });

  it('Lock, Sign out and main’s session.locked each drop it, choice included', async () => {
    for (const end of [() => s.lockWindow(), () => s.signOut(), async () => bridge.emit('session.locked', { reason: 'idle' })]) {
      bridge.answer('shared.list', [summary(A, 'use')]);
      await s.loadShared();
      s.chooseSharedAgent(A);
      expect(JSON.stringify(s.useSharingStore.getState())).toContain(MARK);
      await end();
      await settle();
      expect(s.useSharingStore.getState()).toEqual(INITIAL);
    }
  });

  it('a list asked for before a lock is not kept when it arrives after', async () => {
    bridge.answer('shared.list', [summary(A, 'use')]);
    bridge.hold('shared.list');
    const late = s.loadShared();
    await s.lockWindow();
    await bridge.release('shared.list');
    await late;
    expect(s.useSharingStore.getState()).toEqual(INITIAL);
  });

  it('an older load answered after a newer one does not win', async () => {
    bridge.answer('shared.list', [summary(A, 'use')]);
    bridge.hold('shared.list');
    const older = s.loadShared();
    bridge.answer('shared.list', [summary(B, 'use')]);
    const newer = s.loadShared();
    await bridge.release('shared.list');
    await Promise.all([older, newer]);
    expect(s.useSharingStore.getState().shared?.map((a) => a.id)).toEqual([B]);
  });

  it('a conversation is no longer available when its agent left the list or fell below use', () => {
    const list = [summary(A, 'use'), summary(B, 'view')] as Parameters<typeof s.sharedAgentGone>[1];
    expect(s.sharedAgentGone({ sharedAgentId: A }, list)).toBe(false);
    expect(s.sharedAgentGone({ sharedAgentId: B }, list)).toBe(true);
    expect(s.sharedAgentGone({ sharedAgentId: '66666666-6666-4666-8666-666666666666' }, list)).toBe(true);
    // One's own agent, or a list not loaded yet: main checks again on send.
    expect(s.sharedAgentGone({ sharedAgentId: null }, list)).toBe(false);
    expect(s.sharedAgentGone({ sharedAgentId: A }, null)).toBe(false);
  });
});
