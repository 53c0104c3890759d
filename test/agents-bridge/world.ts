/**
 * Shared setup for the agents-and-chat bridge tests: the core behind a browser host (real
 * WebSocket), a fake provider on 127.0.0.1, an admin and Bob signed in over the bridge, and
 * helpers that add a key, a connection and an agent the way a window would.
 */
import { expect } from 'vitest';
import type { CubbyOptions } from '../../main/app';
import { ADMIN, BOB } from '../helpers/env';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';

export interface BridgeWorld {
  t: TestHost;
  fake: FakeProvider;
  admin: WsClient;
  bob: WsClient;
  close(): Promise<void>;
}

export async function startBridgeWorld(opts: Partial<Omit<CubbyOptions, 'dataDir' | 'keychain'>> = {}): Promise<BridgeWorld> {
  const fake = await startFakeProvider();
  // "Ollama" is the fake server; nothing listens on port 1, so "LM Studio" is not offered.
  const t = await startTestHost({ providerRuntime: { maxRetries: 0, localServerPorts: { Ollama: fake.port, 'LM Studio': 1 } }, ...opts });
  const admin = await WsClient.connect(t.host);
  expect((await admin.call('auth.setup', ADMIN)).ok).toBe(true);
  const invite = (await admin.call('admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' })).value;
  const bob = await WsClient.connect(t.host);
  expect((await bob.call('auth.redeemInvite', { username: BOB.username, code: invite.code, password: BOB.password })).ok).toBe(true);
  return {
    t,
    fake,
    admin,
    bob,
    async close() {
      await admin.close();
      await bob.close();
      await t.close();
      await fake.close();
    },
  };
}

export const keyOf = (who: string) => `sk-${who}-${Math.random().toString(36).slice(2, 12)}-${Math.random().toString(36).slice(2, 12)}`;

/** A call that must succeed: its value. */
export async function ok(ws: WsClient, channel: string, input: unknown): Promise<any> {
  const r = await ws.call(channel, input);
  expect(r, `${channel}: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
  return r.value;
}

/** A key, a connection of `kind` to the fake server, and an agent on it, all over the bridge. */
export async function connectAgent(ws: WsClient, fake: FakeProvider, opts: { kind?: 'openai' | 'anthropic' | 'openai-compatible'; key?: string; name?: string } = {}) {
  const key = opts.key ?? keyOf('someone');
  const secret = await ok(ws, 'secrets.create', { name: 'Fake key', value: key });
  const connection = await ok(ws, 'providers.create', { kind: opts.kind ?? 'openai', name: 'Fake', baseUrl: fake.baseUrl, secretId: secret.id });
  const agent = await ok(ws, 'agents.create', { name: opts.name ?? 'Tester', instructions: 'Be brief.', connectionId: connection.id, model: 'fake-small' });
  return { key, secretId: secret.id as string, connectionId: connection.id as string, agentId: agent.id as string };
}

/** Wait until an event matching `pred` has arrived on `ws` (polling its list). */
export async function waitForEvent(
  ws: WsClient,
  pred: (e: { event: string; payload: any }) => boolean,
  timeoutMs = 10_000,
  from = 0,
): Promise<{ event: string; payload: any }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = ws.events.slice(from).find((e) => pred(e as { event: string; payload: any }));
    if (found) return found as { event: string; payload: any };
    if (Date.now() > until) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(ws.events.map((e) => e.event))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Message ids are the vault's row order: a retry's new answer can take the id of the answer it
 * replaced. `from` (an index into ws.events taken before the call) keeps an earlier run's events out.
 */
export const finishedOf = (ws: WsClient, messageId: number, from = 0) =>
  waitForEvent(ws, (e) => e.event === 'chat.finished' && e.payload.messageId === messageId, 10_000, from).then((e) => e.payload);

export const deltasOf = (ws: WsClient, messageId: number, from = 0) =>
  ws.events.slice(from).filter((e) => e.event === 'chat.delta' && (e.payload as { messageId: number }).messageId === messageId).map((e) => (e.payload as { text: string }).text);

/** Start a run (chat.send, chat.retry, chat.editLast): its ids, and its own events only. */
export async function startChat(ws: WsClient, channel: 'chat.send' | 'chat.retry' | 'chat.editLast', input: unknown) {
  const from = ws.events.length;
  const ids = (await ok(ws, channel, input)) as { conversationId: string; userMessageId: number; assistantMessageId: number };
  return { ...ids, finished: () => finishedOf(ws, ids.assistantMessageId, from), deltas: () => deltasOf(ws, ids.assistantMessageId, from) };
}
