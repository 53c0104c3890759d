import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBridge } from './fakeBridge';

/**
 * Thumbnails of image attachments: fetched once from the vault, kept in memory up to a cap,
 * dropped on every kind of lock, and an answer that arrives after a lock does not bring one back.
 */
const bridge = new FakeBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/appStore') &
  typeof import('../../renderer/src/stores/imageStore') &
  typeof import('../../renderer/src/stores/chatStore') &
  typeof import('../../renderer/src/stores/reset');
let s: Stores;

beforeAll(async () => {
  s = {
    ...(await import('../../renderer/src/stores/appStore')),
    ...(await import('../../renderer/src/stores/imageStore')),
    ...(await import('../../renderer/src/stores/chatStore')),
    ...(await import('../../renderer/src/stores/reset')),
  };
  s.startApp();
});

const DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
const LOCKED_STATUS = { setUp: true, users: [{ username: 'ada', displayName: 'Ada' }], session: null, lockedUser: { username: 'ada', displayName: 'Ada' } };

beforeEach(() => {
  bridge.calls.length = 0;
  bridge.answer('auth.lock', {}).answer('auth.signOut', {}).answer('app.status', LOCKED_STATUS);
  bridge.answer('attachments.image', { id: 'a', name: 'dot.png', mime: 'image/png', dataUrl: DATA_URL });
  s.resetUserStores();
});

describe('image store', () => {
  it('fetches an image once, and Lock, Sign out and main’s session.locked each drop it', async () => {
    for (const end of [() => s.lockWindow(), () => s.signOut(), async () => bridge.emit('session.locked', { reason: 'idle' })]) {
      await s.loadImage('a');
      await s.loadImage('a');
      expect(s.useImageStore.getState().images.a).toEqual({ status: 'ready', dataUrl: DATA_URL });
      await end();
      expect(s.useImageStore.getState()).toEqual({ images: {} });
    }
    expect(bridge.calls.filter((c) => c === 'attachments.image')).toHaveLength(3);
  });

  it('an image that arrives after the lock is discarded', async () => {
    bridge.hold('attachments.image');
    const loading = s.loadImage('a');
    await s.lockWindow();
    await bridge.release('attachments.image');
    await loading;
    expect(JSON.stringify(s.useImageStore.getState())).not.toContain(DATA_URL);
  });

  it('an id the vault does not serve shows as missing; only the newest images stay', async () => {
    bridge.fail('attachments.image', 'INTERNAL');
    await s.loadImage('gone');
    expect(s.useImageStore.getState().images.gone).toEqual({ status: 'missing' });
    bridge.answer('attachments.image', { id: 'x', name: 'x.png', mime: 'image/png', dataUrl: DATA_URL });
    for (let i = 0; i < s.IMAGES_KEPT + 5; i++) await s.loadImage(`img-${i}`);
    const kept = Object.keys(s.useImageStore.getState().images);
    expect(kept).toHaveLength(s.IMAGES_KEPT);
    expect(kept.at(-1)).toBe(`img-${s.IMAGES_KEPT + 4}`);
    expect(kept).not.toContain('img-0');
  });

  it('large images are dropped oldest first to stay under the memory cap', async () => {
    const big = `data:image/png;base64,${'A'.repeat(Math.floor(s.IMAGE_CHARS_KEPT / 3))}`;
    bridge.answer('attachments.image', { id: 'x', name: 'big.png', mime: 'image/png', dataUrl: big });
    for (const id of ['b1', 'b2', 'b3', 'b4']) await s.loadImage(id);
    expect(Object.keys(s.useImageStore.getState().images)).toEqual(['b3', 'b4']);
  });
});
