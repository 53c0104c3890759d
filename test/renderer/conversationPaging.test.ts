import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelName } from '../../preload/contract';
import { FakeBridge } from './fakeBridge';

/**
 * The sidebar's conversation list past 500: the store pages through all of them by cursor, and
 * while conversations change between pages (a send moves one up, one is pinned or unpinned, one
 * deleted, new ones start) the list ends up as main's, each conversation once, in main's order.
 */
interface Conv {
  id: string;
  title: string;
  agentId: null;
  agentName: string;
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
}
type Cursor = { pinned: boolean; updatedAt: number; id: string };

/** main's side: the list sorted as the core sorts it, paged by the same keyset. */
class PagingBridge extends FakeBridge {
  rows: Conv[] = [];
  listCalls = 0;
  private readonly order = (a: Cursor, b: Cursor) =>
    a.pinned !== b.pinned ? (a.pinned ? -1 : 1) : a.updatedAt !== b.updatedAt ? b.updatedAt - a.updatedAt : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  sorted(): Conv[] {
    return [...this.rows].sort(this.order);
  }
  override call(channel: ChannelName, input?: unknown): Promise<never> {
    const ok = (value: unknown) => Promise.resolve({ ok: true, value } as never);
    if (channel === 'conversations.list') {
      this.listCalls++;
      const { limit = 200, after } = input as { limit?: number; after?: Cursor };
      const rows = this.sorted().filter((c) => !after || this.order(c, after) > 0);
      return ok(rows.slice(0, limit));
    }
    if (channel === 'conversations.pin') {
      const { id, pinned } = input as { id: string; pinned: boolean };
      const row = this.rows.find((c) => c.id === id)!;
      row.pinned = pinned;
      return ok({ ...row });
    }
    if (channel === 'conversations.delete') {
      this.rows = this.rows.filter((c) => c.id !== (input as { id: string }).id);
      return ok({});
    }
    if (channel === 'conversations.get') return ok({ ...this.rows.find((c) => c.id === (input as { id: string }).id)! });
    return super.call(channel);
  }
}

const bridge = new PagingBridge();
vi.stubGlobal('window', { cubby: bridge });

type Stores = typeof import('../../renderer/src/stores/chatStore') & typeof import('../../renderer/src/stores/reset');
let s: Stores;
beforeAll(async () => {
  s = { ...(await import('../../renderer/src/stores/chatStore')), ...(await import('../../renderer/src/stores/reset')) };
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let next = 0;
const conv = (updatedAt: number, pinned = false): Conv => {
  next++;
  return { id: id(next), title: `Chat ${next}`, agentId: null, agentName: 'a', pinned, createdAt: updatedAt, updatedAt };
};

beforeEach(() => {
  s.resetUserStores();
  next = 0;
  // 1,234 conversations; many share a time (ties by id); every 50th pinned.
  bridge.rows = Array.from({ length: 1234 }, (_, i) => conv(1000 + Math.floor(i / 4), i % 50 === 0));
  bridge.listCalls = 0;
  bridge.answer('messages.list', { messages: [], hasMore: false });
});

const ids = () => s.useChatStore.getState().conversations!.map((c) => c.id);
async function loadAll(between: (page: number) => void | Promise<void> = () => undefined) {
  await s.loadConversations();
  for (let page = 1; s.useChatStore.getState().conversationsAfter !== null; page++) {
    await between(page);
    await s.loadMoreConversations();
    expect(new Set(ids()).size, `page ${page}`).toBe(ids().length);
  }
}

describe('conversation list paging', () => {
  it('reaches all 1,234 conversations page by page, pinned first, then by date', async () => {
    await s.loadConversations();
    expect(ids()).toHaveLength(s.CONVERSATION_PAGE);
    await loadAll();
    expect(ids()).toEqual(bridge.sorted().map((c) => c.id));
    expect(bridge.listCalls).toBeGreaterThanOrEqual(Math.ceil(1234 / s.CONVERSATION_PAGE));
    expect(s.useChatStore.getState().conversations!.slice(0, 25).every((c) => c.pinned)).toBe(true);
  });

  it('ends as main’s list, each once, while conversations change between pages', async () => {
    let clock = 10_000;
    await loadAll(async (page) => {
      const loaded = new Set(ids());
      const unloaded = bridge.sorted().filter((c) => !loaded.has(c.id));
      // A message in a conversation not loaded yet moves it to the top, and the window reloads the head (as after a send).
      unloaded[3]!.updatedAt = clock++;
      bridge.rows.push(conv(clock++));
      await s.loadConversations();
      // One not loaded yet is deleted elsewhere in the vault (say, a workflow's conversation).
      bridge.rows = bridge.rows.filter((c) => c.id !== unloaded[9]!.id);
      // The person pins one and unpins another (whose place is now far down the list).
      if (page % 2) await s.pinConversation(ids()[ids().length - 1]!, true);
      const pinned = s.useChatStore.getState().conversations!.find((c) => c.pinned && c.updatedAt < 1100);
      if (pinned) await s.pinConversation(pinned.id, false);
      // And deletes one.
      await s.deleteConversation(ids()[7]!);
    });
    expect(ids()).toEqual(bridge.sorted().map((c) => c.id));
  });

  it('a conversation opened from a search, in pages not loaded yet, still shows what it is', async () => {
    await s.loadConversations();
    const far = bridge.sorted().at(-1)!;
    expect(ids()).not.toContain(far.id);
    await s.openConversation(far.id);
    await vi.waitFor(() => expect(s.useChatStore.getState().openInfo).toMatchObject({ id: far.id, title: far.title }));
  });
});

describe('conversations that appear all at once', () => {
  it('after everything was loaded, many new ones (more than a page) are all reached', async () => {
    bridge.rows = bridge.rows.slice(0, 10);
    await loadAll();
    expect(s.useChatStore.getState().conversationsAfter).toBeNull();
    // A workflow (or years of history arriving) adds 450 at once; the next refresh sees a full head.
    for (let i = 0; i < 450; i++) bridge.rows.push(conv(500 + i));
    await loadAll();
    expect(ids()).toEqual(bridge.sorted().map((c) => c.id));
  });
});
