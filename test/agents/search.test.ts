import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { isCubbyError } from '../../main/core/errors';
import { createConversation, deleteConversation, renameConversation } from '../../main/core/vault/conversations';
import { createMemory, deleteMemory, estimateTokens, relevantFacts, searchMemory, updateMemory } from '../../main/core/vault/memory';
import { appendMessage, finishMessage } from '../../main/core/vault/messages';
import { searchConversations } from '../../main/core/vault/search';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

const dir = tempDataDir('cubby-agents-search-');
let world: Awaited<ReturnType<typeof twoUsers>>;
beforeAll(async () => {
  world = await twoUsers(dir);
});
afterAll(() => {
  world.accounts.close();
  removeDir(dir);
});

const TEXTS = {
  de: 'Die Straßenbahn hält vor der Bäckerei Müller in Größenwahn.',
  el: 'Καλημέρα κόσμε, η θάλασσα είναι ήσυχη σήμερα.',
  ja: '昨日は東京タワーに行きました。とても綺麗でした。',
  en: 'The zebrafish genome was sequenced in record time.',
};

test('search finds messages by words in German, Greek, Japanese and English, highlights the match, and forgets a deleted conversation', () => {
  const s = world.admin;
  const conv = createConversation(s, { agentId: null, agentName: 'x', title: 'Reisenotizen' });
  const ids: Record<string, number> = {};
  for (const [lang, text] of Object.entries(TEXTS)) ids[lang] = appendMessage(s, conv.id, { role: 'user', content: text, status: 'complete' });
  const other = createConversation(s, { agentId: null, agentName: 'x', title: 'unrelated' });
  appendMessage(s, other.id, { role: 'user', content: 'nothing to see here', status: 'complete' });

  const hit = (q: string) => searchConversations(s, q).filter((h) => h.messageId !== null);
  for (const [q, lang, match] of [
    ['Bäckerei', 'de', 'Bäckerei'],
    ['müller', 'de', 'Müller'], // case folded beyond ASCII
    ['θάλασσα', 'el', 'θάλασσα'],
    ['東京タワー', 'ja', '東京タワー'],
    ['ZEBRAFISH genome', 'en', 'zebrafish'],
  ] as const) {
    const hits = hit(q);
    expect(hits.map((h) => h.messageId), q).toEqual([ids[lang]]);
    expect(hits[0]!.conversationId).toBe(conv.id);
    expect(hits[0]!.snippet.filter((p) => p.match).map((p) => p.text)).toContain(match);
    expect(hits[0]!.snippet.map((p) => p.text).join('')).toContain(match);
  }
  // Titles are searched too.
  expect(searchConversations(s, 'reisenotiz')).toContainEqual(expect.objectContaining({ conversationId: conv.id, messageId: null }));
  renameConversation(s, conv.id, 'Ferien');
  expect(searchConversations(s, 'reisenotiz')).toEqual([]);
  // FTS syntax in the query is taken literally, not as an operator or an error.
  expect(hit('"zebra" OR NEAR(x')).toEqual([]);
  // Punctuation separates words; trigrams match inside words (zebra → zebrafish).
  expect(hit('zebra*').map((h) => h.messageId)).toEqual([ids.en]);
  let err: unknown;
  try {
    searchConversations(s, 'ab');
  } catch (e) {
    err = e;
  }
  expect(isCubbyError(err, 'VALIDATION')).toBe(true);
  // Another person's search never sees these.
  expect(searchConversations(world.bob, 'Bäckerei')).toEqual([]);

  deleteConversation(s, conv.id);
  expect(hit('Bäckerei')).toEqual([]);
  expect(hit('東京タワー')).toEqual([]);
  expect(vaultOf(s).prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"zebrafish\"'").pluck().get()).toBe(0);
  expect(hit('nothing to see')).toHaveLength(1);
});

test('a streamed answer is searchable by its final text, and its earlier partial text is not left behind', () => {
  const s = world.admin;
  const conv = createConversation(s, { agentId: null, agentName: 'x' });
  const id = appendMessage(s, conv.id, { role: 'assistant', content: '', status: 'streaming' });
  vaultOf(s).prepare('UPDATE messages SET content = ? WHERE id = ?').run('draft quokkaword', id);
  finishMessage(s, id, { content: 'final wombatword', status: 'complete' });
  expect(searchConversations(s, 'wombatword').map((h) => h.messageId)).toEqual([id]);
  expect(searchConversations(s, 'quokkaword')).toEqual([]);
});

const SYLLABLES = ['ka', 'lo', 'mi', 'ru', 'ze', 'tan', 'vor', 'pli', 'gu', 'shen', 'dra', 'fi', 'nox', 'bel', 'qui', 'sar'];
const ATTRIBUTES = ['favourite colour', 'birthday', 'phone number', 'home town', 'allergy', 'shoe size', 'pet name', 'licence plate', 'bank branch', 'doctor'];
const VALUES = ['teal', 'March 3', '555-0100', 'Lisbon', 'peanuts', '42', 'Biscuit', 'KX-99', 'Harbour St', 'Dr. Osei'];

/** 1,000 facts: each about a unique made-up person, many sharing the same attribute words as distractors. */
function facts(n: number): { name: string; attribute: string; text: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const name = [i % 16, (i >> 4) % 16, (i >> 8) % 16].map((k, j) => SYLLABLES[(k + j * 5) % 16]).join('') + 'ia';
    const attribute = ATTRIBUTES[i % ATTRIBUTES.length]!;
    return { name, attribute, text: `The ${attribute} of ${name[0]!.toUpperCase()}${name.slice(1)} is ${VALUES[(i * 7) % VALUES.length]}.` };
  });
}

test('memory retrieval over 1,000 facts picks the relevant ones within the token budget', () => {
  const s = world.bob;
  const all = facts(1000);
  expect(new Set(all.map((f) => f.name)).size).toBe(1000);
  const ids = vaultOf(s).transaction(() => all.map((f) => createMemory(s, f.text).id))();
  let top1 = 0;
  let top3 = 0;
  const sample = Array.from({ length: 100 }, (_, k) => (k * 37) % 1000);
  for (const i of sample) {
    const f = all[i]!;
    const got = relevantFacts(s, `Hey, what is the ${f.attribute} of ${f.name} again?`, 200);
    expect(got.reduce((n, g) => n + estimateTokens(g.text) + 2, 0)).toBeLessThanOrEqual(200);
    const rank = got.findIndex((g) => g.id === ids[i]);
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
  }
  expect(top1).toBeGreaterThanOrEqual(90);
  expect(top3).toBeGreaterThanOrEqual(98);
  // Words of no consequence retrieve nothing; a tiny budget retrieves less.
  expect(relevantFacts(s, 'what is the of and', 500)).toEqual([]);
  expect(relevantFacts(s, `birthday of ${all[5]!.name}`, 12).length).toBeLessThanOrEqual(1);
});

test('memory: edit, delete and search with highlights keep the index in step', () => {
  const s = world.admin;
  const f = createMemory(s, 'My locker code is 4471 at the gymnasium.');
  expect(searchMemory(s, 'gymnasium')[0]).toMatchObject({ id: f.id, source: 'person' });
  expect(searchMemory(s, 'gymnasium')[0]!.snippet).toContainEqual({ text: 'gymnasium', match: true });
  updateMemory(s, f.id, 'My locker code is 4471 at the swimming pool.');
  expect(searchMemory(s, 'gymnasium')).toEqual([]);
  expect(searchMemory(s, 'swimming').map((x) => x.id)).toEqual([f.id]);
  deleteMemory(s, f.id);
  expect(searchMemory(s, 'swimming')).toEqual([]);
  expect(searchMemory(world.bob, 'locker')).toEqual([]);
});

test('a message hit shows whole words around the match, not a few letters', () => {
  const s = world.admin;
  const conv = createConversation(s, { agentId: null, agentName: 'x', title: 'Birds' });
  const text = 'In the early morning the small zebrafinch sings its short song from the top of the hedge, again and again.';
  const id = appendMessage(s, conv.id, { role: 'assistant', content: text, status: 'complete' });
  const hit = searchConversations(s, 'zebrafinch').find((h) => h.messageId === id)!;
  const shown = hit.snippet.map((p) => p.text).join('');
  expect(hit.snippet.filter((p) => p.match).map((p) => p.text).join('')).toBe('zebrafinch');
  // The words on both sides of the match are there whole.
  expect(shown).toContain('the small zebrafinch sings its short song');
});
