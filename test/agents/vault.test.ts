import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { isCubbyError } from '../../main/core/errors';
import { createAgent, deleteAgent, duplicateAgent, getAgent, listAgents, updateAgent } from '../../main/core/vault/agents';
import { addAttachments, getAttachment, TEXT_ATTACHMENT_MAX_BYTES } from '../../main/core/vault/attachments';
import { createConversation, deleteConversation, getConversation, listConversations, pinConversation, renameConversation } from '../../main/core/vault/conversations';
import { exportConversationMarkdown } from '../../main/core/vault/exportMarkdown';
import { appendMessage, finishMessage, listMessages } from '../../main/core/vault/messages';
import { createConnection, deleteConnection, listConnections, updateConnection } from '../../main/core/vault/providerConnections';
import { createSecret, deleteSecret, getSecret, listSecrets, readSecretValue, replaceSecret } from '../../main/core/vault/secrets';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';

const dir = tempDataDir('cubby-agents-vault-');
let world: Awaited<ReturnType<typeof twoUsers>>;
beforeAll(async () => {
  world = await twoUsers(dir);
});
afterAll(() => {
  world.accounts.close();
  removeDir(dir);
});

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isCubbyError(e) ? e.code : `not a CubbyError: ${String(e)}`;
  }
  return 'no error';
};

test('secrets are write-only: summaries carry name, last 4 and what uses them, never the value', () => {
  const s = world.admin;
  const value = 'sk-write-only-secret-value-9876';
  const secret = createSecret(s, { name: 'OpenAI', value });
  expect(secret).toMatchObject({ name: 'OpenAI', last4: '9876', usedBy: [] });
  const conn = createConnection(s, { kind: 'openai', name: 'Work OpenAI', secretId: secret.id });
  const listed = listSecrets(s);
  expect(listed.find((x) => x.id === secret.id)?.usedBy).toEqual([{ kind: 'provider-connection', id: conn.id, name: 'Work OpenAI' }]);
  for (const out of [secret, listed, getSecret(s, secret.id), replaceSecret(s, secret.id, { value: `${value}-2` }), listConnections(s)]) {
    expect(JSON.stringify(out)).not.toContain('write-only-secret');
  }
  expect(readSecretValue(s, secret.id)).toBe(`${value}-2`);
  expect(code(() => readSecretValue(world.bob, secret.id))).toBe('SECRET_MISSING');
  expect(createSecret(s, { name: 'short', value: 'abc' }).last4).toBe(''); // too short to show any of it
  expect(code(() => createSecret(s, { name: 'empty', value: '   ' }))).toBe('VALIDATION');
  deleteSecret(s, secret.id);
  expect(listConnections(s).find((c) => c.id === conn.id)?.secretId).toBeNull();
  expect(code(() => deleteSecret(s, secret.id))).toBe('NOT_FOUND');
});

test('the starter Assistant appears with the first connection only, once', () => {
  const s = world.bob;
  expect(listAgents(s)).toEqual([]);
  const first = createConnection(s, { kind: 'openai-compatible', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1/' }, { starterModel: 'llama3' });
  expect(first.baseUrl).toBe('http://127.0.0.1:11434/v1');
  const agents = listAgents(s);
  expect(agents).toHaveLength(1);
  expect(agents[0]).toMatchObject({ name: 'Assistant', connectionId: first.id, model: 'llama3', memoryAccess: 'off' });
  createConnection(s, { kind: 'anthropic', name: 'Claude' });
  expect(listAgents(s)).toHaveLength(1);
  deleteAgent(s, agents[0]!.id);
  createConnection(s, { kind: 'openai', name: 'Another' });
  expect(listAgents(s)).toHaveLength(0); // deleted on purpose: not brought back
});

test('connections: compatible servers need a base URL; credentials in a URL are refused', () => {
  const s = world.bob;
  expect(code(() => createConnection(s, { kind: 'openai-compatible', name: 'x' }))).toBe('VALIDATION');
  expect(code(() => createConnection(s, { kind: 'openai-compatible', name: 'x', baseUrl: 'http://user:pw@127.0.0.1/v1' }))).toBe('VALIDATION');
  expect(code(() => createConnection(s, { kind: 'openai-compatible', name: 'x', baseUrl: 'file:///etc/passwd' }))).toBe('VALIDATION');
  expect(code(() => createConnection(s, { kind: 'openai', name: 'x', secretId: 'no-such-secret' }))).toBe('NOT_FOUND');
  const c = createConnection(s, { kind: 'openai', name: 'edit me' });
  expect(updateConnection(s, c.id, { kind: 'openai-compatible', name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' })).toMatchObject({ name: 'LM Studio' });
  deleteConnection(s, c.id);
  expect(code(() => deleteConnection(s, c.id))).toBe('NOT_FOUND');
});

test('agents: create, edit, duplicate, delete; a conversation keeps the name of its deleted agent', () => {
  const s = world.admin;
  const a = createAgent(s, { name: 'Poet', instructions: 'Rhyme.', temperature: 1.2, maxOutputTokens: 300, memoryAccess: 'read', avatarColor: '#aa0011' });
  expect(a).toMatchObject({ name: 'Poet', description: '', temperature: 1.2, maxOutputTokens: 300, memoryAccess: 'read', connectionId: null });
  const edited = updateAgent(s, a.id, { ...a, name: 'Bard', description: 'writes verse' });
  expect(edited).toMatchObject({ name: 'Bard', description: 'writes verse', instructions: 'Rhyme.' });
  const copy = duplicateAgent(s, a.id);
  expect(copy).toMatchObject({ name: 'Bard (copy)', instructions: 'Rhyme.', temperature: 1.2 });
  expect(copy.id).not.toBe(a.id);
  expect(code(() => createAgent(s, { name: 'x', temperature: 3 }))).toBe('VALIDATION');
  expect(code(() => createAgent(s, { name: '  ' }))).toBe('VALIDATION');
  expect(code(() => createAgent(s, { name: 'x', avatarColor: 'red;background:url(x)' }))).toBe('VALIDATION');
  const conv = createConversation(s, { agentId: a.id });
  deleteAgent(s, a.id);
  expect(getConversation(s, conv.id)).toMatchObject({ agentId: null, agentName: 'Bard' });
  expect(code(() => getAgent(s, a.id))).toBe('NOT_FOUND');
  expect(code(() => getAgent(world.bob, copy.id))).toBe('NOT_FOUND');
});

test('conversations: pinned first then most recent; rename, pin, delete', async () => {
  const s = world.bob;
  const older = createConversation(s, { agentId: null, agentName: 'Shared helper', title: 'Older' });
  await new Promise((r) => setTimeout(r, 5));
  const newer = createConversation(s, { agentId: null, agentName: 'x', title: 'Newer' });
  const ids = () => listConversations(s).map((c) => c.id).filter((id) => id === older.id || id === newer.id);
  expect(ids()).toEqual([newer.id, older.id]);
  pinConversation(s, older.id, true);
  expect(ids()).toEqual([older.id, newer.id]);
  expect(renameConversation(s, newer.id, '  Renamed  ').title).toBe('Renamed');
  expect(code(() => renameConversation(s, newer.id, ' '))).toBe('VALIDATION');
  deleteConversation(s, older.id);
  expect(ids()).toEqual([newer.id]);
  expect(code(() => pinConversation(world.admin, newer.id, true))).toBe('NOT_FOUND');
});

test('messages page backwards by id with a before cursor', () => {
  const s = world.bob;
  const conv = createConversation(s, { agentId: null, agentName: 'x' });
  const ids = vaultOf(s).transaction(() =>
    Array.from({ length: 125 }, (_, i) => appendMessage(s, conv.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}`, status: 'complete' })),
  )();
  const last = listMessages(s, conv.id, { limit: 50 });
  expect(last.messages.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `m${75 + i}`));
  expect(last.hasMore).toBe(true);
  const middle = listMessages(s, conv.id, { limit: 50, before: last.messages[0]!.id });
  expect(middle.messages[0]!.content).toBe('m25');
  const first = listMessages(s, conv.id, { limit: 50, before: middle.messages[0]!.id });
  expect(first.messages.map((m) => m.id)).toEqual(ids.slice(0, 25));
  expect(first.hasMore).toBe(false);
  const plan = vaultOf(s).prepare('EXPLAIN QUERY PLAN SELECT * FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT 51').all('x', 9) as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/messages_page/);
});

test('attachments: text inlined up to a limit with a clear code above it; images stored as BLOBs', () => {
  const s = world.bob;
  const conv = createConversation(s, { agentId: null, agentName: 'x' });
  const id = appendMessage(s, conv.id, { role: 'user', content: 'see files', status: 'complete' });
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const metas = addAttachments(s, id, [
    { name: 'notes.txt', mime: 'text/plain', bytes: Buffer.from('hello notes') },
    { name: 'pic.png', mime: 'image/png', bytes: png },
  ]);
  expect(metas.map((m) => [m.kind, m.name, m.size])).toEqual([
    ['text', 'notes.txt', 11],
    ['image', 'pic.png', png.length],
  ]);
  expect(getAttachment(s, metas[1]!.id).bytes.equals(png)).toBe(true);
  expect(listMessages(s, conv.id).messages[0]!.attachments).toHaveLength(2);
  const big = Buffer.alloc(TEXT_ATTACHMENT_MAX_BYTES + 1, 0x61);
  let err: unknown;
  try {
    addAttachments(s, id, [{ name: 'big.txt', mime: 'text/plain', bytes: big }]);
  } catch (e) {
    err = e;
  }
  expect(isCubbyError(err, 'ATTACHMENT_TOO_LARGE')).toBe(true);
  expect((err as Error).message).toMatch(/big\.txt.*256 KiB/);
  expect(code(() => addAttachments(s, id, [{ name: 'a.bin', mime: 'application/octet-stream', bytes: Buffer.from([0, 1, 2]) }]))).toBe('VALIDATION');
  expect(code(() => getAttachment(world.admin, metas[0]!.id))).toBe('NOT_FOUND');
});

test('a conversation exports as Markdown with statuses and attachments named', () => {
  const s = world.admin;
  const conv = createConversation(s, { agentId: null, agentName: 'Helper', title: 'Trip\nplanning' });
  const u = appendMessage(s, conv.id, { role: 'user', content: 'Plan a **trip**', status: 'complete' });
  addAttachments(s, u, [{ name: 'dates.txt', mime: 'text/plain', bytes: Buffer.from('May') }]);
  const a = appendMessage(s, conv.id, { role: 'assistant', content: '', status: 'streaming', model: 'gpt-x' });
  finishMessage(s, a, { content: 'Day 1: go', status: 'cancelled' });
  const md = exportConversationMarkdown(s, conv.id);
  expect(md).toMatch(/^# Trip planning\n/);
  expect(md).toContain('Plan a **trip**');
  expect(md).toContain('- Attachment: dates.txt (text/plain, 3 bytes)');
  expect(md).toMatch(/## Helper \(gpt-x\)/);
  expect(md).toContain('Day 1: go');
  expect(md).toContain('_Stopped before the answer was complete._');
  expect(code(() => exportConversationMarkdown(world.bob, conv.id))).toBe('NOT_FOUND');
});
