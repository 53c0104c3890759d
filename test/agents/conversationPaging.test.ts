import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import {
  createConversation,
  deleteConversation,
  listConversations,
  pinConversation,
  touchConversation,
  type Conversation,
  type ConversationCursor,
} from '../../main/core/vault/conversations';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

/**
 * The conversation list pages by a keyset (pinned, updated_at, id): while conversations become
 * active, are created, pinned or deleted between pages, no conversation is listed twice and none
 * that stayed put is skipped.
 */
const dir = tempDataDir('cubby-conversation-paging-');
let world: Awaited<ReturnType<typeof twoUsers>>;
beforeAll(async () => {
  world = await twoUsers(dir);
});
afterAll(() => {
  world.accounts.close();
  removeDir(dir);
});

const cursorOf = (c: Conversation): ConversationCursor => ({ pinned: c.pinned, updatedAt: c.updatedAt, id: c.id });

test('1,200 conversations, paged by 100 while others change between pages: each once, none skipped, in order', () => {
  const s = world.admin;
  const db = vaultOf(s);
  // Many share a timestamp (ties are broken by id); a few are pinned.
  const start = 1_700_000_000_000;
  db.transaction(() => {
    for (let i = 0; i < 1200; i++) {
      const c = createConversation(s, { agentId: null, agentName: 'x', title: `c${i}` });
      touchConversation(s, c.id, start + Math.floor(i / 3));
      if (i % 97 === 0) pinConversation(s, c.id, true);
    }
  })();
  const all = listConversations(s, { limit: 1000 }).concat(listConversations(s, { limit: 1000, offset: 1000 }));
  expect(all).toHaveLength(1200);

  const seen: Conversation[] = [];
  const changed = new Set<string>();
  let after: ConversationCursor | undefined;
  let clock = start + 10_000;
  for (let pageNo = 0; ; pageNo++) {
    const page = listConversations(s, { limit: 100, after });
    seen.push(...page);
    if (page.length < 100) break;
    after = cursorOf(page.at(-1)!);
    // Between pages: one seen and one not yet seen become active (move to the top), one unseen is
    // pinned, one unseen is deleted, and a new one starts.
    const seenIds = new Set(seen.map((c) => c.id));
    const unseen = listConversations(s, { limit: 1000, after }).filter((c) => !changed.has(c.id));
    const [touchUnseen, pinUnseen, deleteUnseen] = [unseen[5], unseen[11], unseen[17]];
    const touchSeen = seen.find((c) => !changed.has(c.id) && !c.pinned);
    for (const c of [touchUnseen, touchSeen]) if (c) touchConversation(s, c.id, clock++);
    if (pinUnseen) pinConversation(s, pinUnseen.id, true);
    if (deleteUnseen) deleteConversation(s, deleteUnseen.id);
    const fresh = createConversation(s, { agentId: null, agentName: 'x', title: `new${pageNo}` });
    for (const c of [touchUnseen, touchSeen, pinUnseen, deleteUnseen, fresh]) if (c) changed.add(c.id);
    expect(seenIds.size).toBe(seen.length);
  }

  const ids = seen.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  // Every conversation left alone throughout was listed.
  const untouched = all.filter((c) => !changed.has(c.id)).map((c) => c.id);
  expect(untouched.length).toBeGreaterThan(1100);
  const listed = new Set(ids);
  expect(untouched.filter((id) => !listed.has(id))).toEqual([]);
  // And in the list's order: pinned first, then newest, then id.
  const keys = seen.filter((c) => !changed.has(c.id)).map((c) => [c.pinned ? 1 : 0, c.updatedAt, c.id] as const);
  for (let i = 1; i < keys.length; i++) {
    const [a, b] = [keys[i - 1]!, keys[i]!];
    expect(a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))), `${i}`).toBe(true);
  }
});

test('a page after a cursor in another vault, or after the end, is empty; the cursor names no one', () => {
  const bobs = listConversations(world.bob, { limit: 10 });
  expect(bobs).toEqual([]);
  const last = listConversations(world.admin, { limit: 1000, offset: 1000 }).at(-1)!;
  expect(listConversations(world.admin, { after: cursorOf(last) })).toEqual([]);
  // A cursor is only a place in the order: one of a deleted conversation still works.
  const first = listConversations(world.admin, { limit: 2 });
  deleteConversation(world.admin, first[0]!.id);
  expect(listConversations(world.admin, { limit: 1, after: cursorOf(first[0]!) })[0]?.id).toBe(first[1]!.id);
});
