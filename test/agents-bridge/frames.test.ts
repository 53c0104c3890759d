import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { reply } from '../helpers/fakeProvider';
import { connectAgent, keyOf, ok, startBridgeWorld, startChat, type BridgeWorld } from './world';

/**
 * Every frame crossing the WebSocket, both ways, during a whole session of someone setting up a
 * provider and chatting: a secret value crosses only in the request that creates or replaces
 * it, in no encoding anywhere else, while the provider does receive it.
 */
let w: BridgeWorld;
beforeAll(async () => {
  w = await startBridgeWorld();
});
afterAll(async () => {
  await w?.close();
});

/** The ways a value could hide in a frame: as is, JSON-escaped, URI-encoded, hex, base64 and base64url at any byte alignment. */
function encodings(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('hex')];
  for (let pad = 0; pad < 3; pad++) {
    const bytes = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(value)]);
    // Past the first 3-byte group (mixed with the padding) and before the last (mixed with what follows).
    for (const b64 of [bytes.toString('base64'), bytes.toString('base64url')]) forms.push(b64.slice(4, -4));
  }
  return forms;
}

const framesWith = (value: string) => w.admin.frames.filter((f) => encodings(value).some((e) => f.text.includes(e)));

test('a secret value crosses the bridge only in the request that sets it', async () => {
  // A key with characters JSON escapes, so the escaped form is a different string.
  const key = `${keyOf('ada')}"\\/+=`;
  const replacement = `${keyOf('ada-new')}-replacement`;

  const agent = await connectAgent(w.admin, w.fake, { key });
  const starter = (await ok(w.admin, 'agents.list', {})).find((a: { name: string }) => a.name === 'Assistant');
  expect(starter).toBeDefined();

  w.fake.enqueue({ kind: 'reply', chunks: ['The ', 'answer ', 'streams ', 'in ', 'parts.'], delayMs: 20 });
  const first = await startChat(w.admin, 'chat.send', { agentId: agent.agentId, text: 'Stream me an answer' });
  expect((await first.finished()).status).toBe('complete');
  expect(first.deltas().length).toBeGreaterThan(1);

  await ok(w.admin, 'agents.update', { id: agent.agentId, name: 'Edited', instructions: 'Be briefer.', connectionId: agent.connectionId, model: 'fake-small', memoryAccess: 'read' });
  const secrets = await ok(w.admin, 'secrets.list', {});
  expect(secrets).toEqual([expect.objectContaining({ id: agent.secretId, last4: key.slice(-4), usedBy: [expect.objectContaining({ id: agent.connectionId })] })]);
  expect(Object.keys(secrets[0]).sort()).toEqual(['createdAt', 'id', 'last4', 'name', 'updatedAt', 'usedBy']);
  await ok(w.admin, 'providers.list', {});
  expect(await ok(w.admin, 'providers.models', { id: agent.connectionId })).toEqual([
    { id: 'fake-large', name: 'fake-large' },
    { id: 'fake-small', name: 'fake-small' },
  ]);
  expect(await ok(w.admin, 'providers.test', { id: agent.connectionId })).toEqual({ modelCount: 2 });
  expect((await ok(w.admin, 'search.conversations', { query: 'streams' })).length).toBeGreaterThan(0);
  await ok(w.admin, 'conversations.export', { id: first.conversationId });
  await ok(w.admin, 'messages.list', { conversationId: first.conversationId });

  await ok(w.admin, 'secrets.replace', { id: agent.secretId, value: replacement });
  await ok(w.admin, 'secrets.rename', { id: agent.secretId, name: 'Renamed key' });
  w.fake.enqueue(reply('Second answer after the key changed.'));
  const second = await startChat(w.admin, 'chat.send', { conversationId: first.conversationId, text: 'Again' });
  expect((await second.finished()).status).toBe('complete');
  await ok(w.admin, 'secrets.list', {});

  // The provider got each key when it was in force: the values were real and in use.
  const keysSent = w.fake.requests.map((r) => r.apiKey);
  expect(keysSent).toContain(key);
  expect(keysSent.at(-1)).toBe(replacement);

  // Exactly one frame carries each value: the request that set it.
  const withKey = framesWith(key);
  expect(withKey.map((f) => [f.direction, JSON.parse(f.text).channel])).toEqual([['sent', 'secrets.create']]);
  const withReplacement = framesWith(replacement);
  expect(withReplacement.map((f) => [f.direction, JSON.parse(f.text).channel])).toEqual([['sent', 'secrets.replace']]);
  // The scan would have seen them: the recording holds the whole session, events included.
  expect(w.admin.frames.filter((f) => f.direction === 'received' && f.text.includes('"chat.delta"')).length).toBeGreaterThan(1);
  expect(w.admin.frames.length).toBeGreaterThan(30);
  expect(framesWith('Stream me an answer').length).toBeGreaterThan(0);
});

test('no bridge code can reach readSecretValue', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const bridge = [...files('main/ipc'), ...files('preload')];
  expect(bridge.length).toBeGreaterThan(10);
  for (const file of bridge) expect(readFileSync(file, 'utf8'), file).not.toContain('readSecretValue');
});
