import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import { startBrowserHost, type BrowserHost } from '../../main/browserHost/server';
import type { MachinePolicySource } from '../../main/core/policy/source';
import { ADMIN, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';
import { reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { WsClient } from '../helpers/wsClient';
import { connectAgent, keyOf, ok, startChat } from './world';

/**
 * The machine policy on providers, enforced by main over the bridge: adding or changing a
 * connection it forbids, and every call that would use one made before the policy changed,
 * answers POLICY_FORBIDS, and no request leaves for the provider.
 */
function sourceOf(values: Record<string, unknown>): MachinePolicySource {
  return { kind: 'file', location: '/etc/cubby/policy.json', read: () => ({ status: 'found', values, ignored: [] }) };
}

const dir = tempDataDir('cubby-bridge-policy-');
const dataDir = join(dir, 'data');
const rendererDir = join(dir, 'renderer');
let fake: FakeProvider;
let running: { cubby: Cubby; host: BrowserHost; ws: WsClient } | null = null;

/** (Re)start the app on the same data directory under a machine policy, signed in as the admin. */
async function startUnder(values: Record<string, unknown>, firstRun = false): Promise<WsClient> {
  await stop();
  const cubby = await startCubby({ dataDir, keychain: testKeychain(), policy: TEST_POLICY, machinePolicy: sourceOf(values), providerRuntime: { maxRetries: 0 } });
  const host = await startBrowserHost({ router: cubby.router, rendererDir });
  const ws = await WsClient.connect(host);
  running = { cubby, host, ws };
  const signIn = firstRun ? await ws.call('auth.setup', ADMIN) : await ws.call('auth.login', { username: ADMIN.username, password: ADMIN.password });
  expect(signIn.ok).toBe(true);
  return ws;
}

async function stop(): Promise<void> {
  if (!running) return;
  await running.ws.close();
  await running.host.close();
  running.cubby.close();
  running = null;
}

const forbidden = { ok: false, error: { code: 'POLICY_FORBIDS', message: expect.stringContaining('organization') } };

let before: Awaited<ReturnType<typeof connectAgent>>;
let conversationId = '';

beforeAll(async () => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cubby</title>');
  fake = await startFakeProvider();
  // Before any policy: a connection to the fake server, an agent, a conversation.
  const ws = await startUnder({}, true);
  before = await connectAgent(ws, fake, { key: keyOf('ada') });
  fake.enqueue(reply('Before the policy.'));
  const run = await startChat(ws, 'chat.send', { agentId: before.agentId, text: 'Hello before' });
  expect((await run.finished()).status).toBe('complete');
  conversationId = run.conversationId;
  // Memory search by meaning on the same connection, chosen before the policy.
  expect((await ws.call('memory.setEmbeddings', { connectionId: before.connectionId, model: 'fake-embed' })).ok).toBe(true);
});

afterAll(async () => {
  await stop();
  await fake?.close();
  removeDir(dir);
});

describe.each([
  ['allowOwnProviders off', { allowOwnProviders: false }],
  ['the address not in allowedProviderBaseUrls', { allowedProviderBaseUrls: ['https://models.example.com/v1'] }],
  ['the kind not in allowedProviderKinds', { allowedProviderKinds: ['anthropic'] }],
] as const)('%s', (_name, values) => {
  test('adding or changing a connection to it is refused', async () => {
    const ws = await startUnder(values);
    const secretId = before.secretId;
    expect(await ws.call('providers.create', { kind: 'openai-compatible', name: 'New', baseUrl: fake.baseUrl, secretId })).toMatchObject(forbidden);
    expect(await ws.call('providers.update', { id: before.connectionId, kind: 'openai-compatible', name: 'Renamed', baseUrl: fake.baseUrl, secretId })).toMatchObject(forbidden);
    // OpenAI's public endpoint is an address and a kind like any other.
    expect(await ws.call('providers.create', { kind: 'openai', name: 'OpenAI', secretId })).toMatchObject(forbidden);
    expect((await ok(ws, 'providers.list', {})).map((c: { name: string }) => c.name)).toEqual(['Fake']);
  });

  test('every call that would use the connection made before the policy is refused, and nothing reaches the provider', async () => {
    const ws = await startUnder(values);
    const sent = fake.requests.length;
    expect(await ws.call('chat.send', { agentId: before.agentId, text: 'Hello after' })).toMatchObject(forbidden);
    expect(await ws.call('chat.send', { conversationId, text: 'Hello after' })).toMatchObject(forbidden);
    expect(await ws.call('chat.retry', { conversationId })).toMatchObject(forbidden);
    expect(await ws.call('chat.editLast', { conversationId, text: 'Edited after' })).toMatchObject(forbidden);
    expect(await ws.call('providers.models', { id: before.connectionId })).toMatchObject(forbidden);
    expect(await ws.call('providers.test', { id: before.connectionId })).toMatchObject(forbidden);
    expect(await ws.call('memory.setEmbeddings', { connectionId: before.connectionId, model: 'fake-embed' })).toMatchObject(forbidden);
    // A new fact is saved, but not sent to the embedding model chosen before the policy.
    expect((await ok(ws, 'memory.create', { text: 'Saved under the policy' })).text).toBe('Saved under the policy');
    expect((await ok(ws, 'memory.embeddingStatus', {})).config).not.toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests.length).toBe(sent);
    // The history is untouched and still readable.
    const page = await ok(ws, 'messages.list', { conversationId });
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['Hello before', 'Before the policy.']);
  });
});

test('allowOwnProviders off: local servers are not offered', async () => {
  const ws = await startUnder({ allowOwnProviders: false });
  expect(await ws.call('providers.probeLocal', {})).toMatchObject(forbidden);
});

test('an allowlist that holds the address lets the same calls through', async () => {
  const ws = await startUnder({ allowedProviderBaseUrls: [`http://127.0.0.1:${fake.port}/v1`], allowedProviderKinds: ['openai-compatible'] });
  expect(await ok(ws, 'providers.test', { id: before.connectionId })).toEqual({ modelCount: 2 });
  fake.enqueue(reply('After, allowed.'));
  const run = await startChat(ws, 'chat.send', { conversationId, text: 'Hello allowed' });
  expect((await run.finished()).status).toBe('complete');
  // A path outside the allowed prefix is not the allowed server.
  const other = await ws.call('providers.create', { kind: 'openai-compatible', name: 'Other', baseUrl: `http://127.0.0.1:${fake.port}/v2`, secretId: before.secretId });
  expect(other).toMatchObject(forbidden);
});
