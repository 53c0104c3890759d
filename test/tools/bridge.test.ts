import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN, BOB } from '../helpers/env';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';
import { STDIO_FIXTURE } from './world';

/**
 * Over the bridge: a person adds a tool server, their agent asks to use a tool, the prompt goes
 * to their window only, nobody else can answer it, and the call shows in the saved answer.
 */
let app: TestHost;
let fake: FakeProvider;
let ada: WsClient;
let bob: WsClient;

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(fn: () => T | undefined, ms = 8000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await settle(20)) {
    const v = fn();
    if (v !== undefined) return v;
  }
  throw new Error('timed out');
}
const ok = async (ws: WsClient, channel: string, input: unknown) => {
  const r = await ws.call(channel, input);
  expect(r.ok, `${channel} ${JSON.stringify(r)}`).toBe(true);
  return r.value;
};

beforeAll(async () => {
  fake = await startFakeProvider();
  app = await startTestHost({ providerRuntime: { maxRetries: 0 } });
  ada = await WsClient.connect(app.host);
  await ok(ada, 'auth.setup', ADMIN);
  const invite = await ok(ada, 'admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' });
  bob = await WsClient.connect(app.host);
  await ok(bob, 'auth.redeemInvite', { username: BOB.username, code: invite.code, password: BOB.password });
});
afterAll(async () => {
  await ada?.close();
  await bob?.close();
  await app?.close();
  await fake?.close();
});

test('the approval prompt reaches only the person’s window, only they can answer it, and the call is saved with the answer', async () => {
  const secret = await ok(bob, 'secrets.create', { name: 'Tool token', value: 'tok-bob-0123456789' });
  const server = await ok(bob, 'tools.servers.create', {
    kind: 'stdio',
    name: 'Fixture',
    command: process.execPath,
    args: [STDIO_FIXTURE],
    env: [{ name: 'FIXTURE_SECRET', secretId: secret.id }],
  });
  expect(server).toMatchObject({ state: 'stopped', env: [{ name: 'FIXTURE_SECRET', secretId: secret.id }] });
  expect(JSON.stringify(server)).not.toContain('tok-bob');
  const tools = await ok(bob, 'tools.list', { serverId: server.id });
  expect(tools.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['echo', 'whoami', 'slow', 'mutable']));
  expect((await ok(bob, 'tools.servers.list', {}))[0]).toMatchObject({ id: server.id, state: 'running' });

  const key = await ok(bob, 'secrets.create', { name: 'Fake', value: 'sk-bob-fake-0123456789' });
  const conn = await ok(bob, 'providers.create', { kind: 'openai', name: 'Fake', baseUrl: fake.baseUrl, secretId: key.id });
  const agent = await ok(bob, 'agents.create', { name: 'Toolbot', connectionId: conn.id, model: 'fake-small' });
  fake.enqueue({ kind: 'tool', name: 'Fixture__echo', args: { text: 'over the bridge' }, then: 'Echoed.' });
  const run = await ok(bob, 'chat.send', { agentId: agent.id, text: 'echo please' });

  const prompt = await until(() => bob.events.find((e) => e.event === 'tools.approvalNeeded')?.payload as any);
  expect(prompt).toMatchObject({ serverName: 'Fixture', toolName: 'echo', argumentsPreview: '{"text":"over the bridge"}', changed: false });
  expect(ada.events.some((e) => e.event === 'tools.approvalNeeded')).toBe(false);
  // Another person cannot answer it (their session has no such prompt).
  expect(await ok(ada, 'tools.approve', { requestId: prompt.requestId, decision: 'always' })).toEqual({ pending: false });
  expect(await ok(bob, 'tools.approve', { requestId: prompt.requestId, decision: 'always' })).toEqual({ pending: true });

  const finished = await until(() => bob.events.find((e) => e.event === 'chat.finished')?.payload as any);
  expect(finished).toMatchObject({ status: 'complete' });
  const { messages } = await ok(bob, 'messages.list', { conversationId: run.conversationId });
  expect(messages.at(-1)).toMatchObject({
    content: 'Echoed.',
    toolCalls: [{ serverName: 'Fixture', toolName: 'echo', status: 'ok', arguments: '{"text":"over the bridge"}', result: expect.stringContaining('echo: over the bridge') }],
  });
  expect((await ok(bob, 'tools.list', { serverId: server.id })).find((t: { name: string }) => t.name === 'echo')).toMatchObject({ approved: true });
  await ok(bob, 'tools.approvals.revoke', { serverId: server.id, toolName: 'echo' });
  expect((await ok(bob, 'tools.list', { serverId: server.id })).find((t: { name: string }) => t.name === 'echo')).toMatchObject({ approved: false });
  expect((await ada.call('tools.list', { serverId: server.id })).error.code).toBe('NOT_FOUND');
  await ok(bob, 'tools.servers.delete', { id: server.id });
  expect(await ok(bob, 'tools.servers.list', {})).toEqual([]);
});

test('a person using a shared agent runs it with their own tools only: the owner’s servers are neither offered nor started', async () => {
  const adaKey = await ok(ada, 'secrets.create', { name: 'Ada fake', value: 'sk-ada-fake-0123456789' });
  const adaConn = await ok(ada, 'providers.create', { kind: 'openai', name: 'Fake', baseUrl: fake.baseUrl, secretId: adaKey.id });
  const adaAgent = await ok(ada, 'agents.create', { name: 'Shared bot', connectionId: adaConn.id, model: 'fake-small' });
  const adaServer = await ok(ada, 'tools.servers.create', { kind: 'stdio', name: 'AdaTools', command: process.execPath, args: [STDIO_FIXTURE] });
  const shared = await ok(ada, 'shared.publish', { agentId: adaAgent.id, shareKey: true });
  const bobId = (await ok(ada, 'admin.users.list', {})).find((u: { username: string }) => u.username === BOB.username).id;
  await ok(ada, 'shared.grant', { id: shared.id, subject: { type: 'user', id: bobId }, level: 'use' });
  const bobServer = await ok(bob, 'tools.servers.create', { kind: 'stdio', name: 'BobTools', command: process.execPath, args: [STDIO_FIXTURE] });

  bob.events.length = 0;
  fake.enqueue({ kind: 'tool', name: 'BobTools__echo', args: { text: 'mine' }, then: 'Used your tool.' });
  const run = await ok(bob, 'chat.send', { sharedAgentId: shared.id, text: 'use a tool' });
  const prompt = await until(() => bob.events.find((e) => e.event === 'tools.approvalNeeded')?.payload as any);
  expect(prompt).toMatchObject({ serverName: 'BobTools', toolName: 'echo' });
  await ok(bob, 'tools.approve', { requestId: prompt.requestId, decision: 'once' });
  await until(() => bob.events.find((e) => e.event === 'chat.finished')?.payload as any);

  const offered = (fake.chatRequests().at(-2)!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);
  expect(offered).toContain('BobTools__echo');
  expect(offered.some((n: string) => n.startsWith('AdaTools'))).toBe(false);
  expect(ada.events.some((e) => e.event === 'tools.approvalNeeded')).toBe(false);
  // Ada's server was never started for Bob (nor for her): it has no home yet and is not running.
  expect(existsSync(join(app.dataDir, 'tool-homes', bobId, adaServer.id))).toBe(false);
  expect((await ok(ada, 'tools.servers.list', {})).find((s: { id: string }) => s.id === adaServer.id)).toMatchObject({ state: 'stopped' });
  expect((await ok(bob, 'tools.servers.list', {})).find((s: { id: string }) => s.id === bobServer.id)).toMatchObject({ state: 'running' });
  const { messages } = await ok(bob, 'messages.list', { conversationId: run.conversationId });
  expect(messages.at(-1)).toMatchObject({ content: 'Used your tool.', toolCalls: [{ serverName: 'BobTools', toolName: 'echo', status: 'ok' }] });
});
