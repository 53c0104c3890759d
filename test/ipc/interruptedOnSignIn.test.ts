import { afterAll, beforeAll, expect, test } from 'vitest';
import { createConversation } from '../../main/core/vault/conversations';
import { appendMessage, getMessage, savePartial } from '../../main/core/vault/messages';
import { ADMIN } from '../helpers/env';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';

/** An answer left streaming by an app that died is marked interrupted at the next sign-in, text kept. */
let app: TestHost;
let ws: WsClient;
beforeAll(async () => {
  app = await startTestHost();
  ws = await WsClient.connect(app.host);
  expect((await ws.call('auth.setup', ADMIN)).ok).toBe(true);
});
afterAll(async () => {
  await ws?.close();
  await app?.close();
});

test('signing in marks answers left streaming as interrupted, keeping their saved text', async () => {
  const session = () => app.cubby.accounts.openSessions().find((s) => s.user.username === ADMIN.username)!;
  const conversation = createConversation(session(), { agentId: null, agentName: 'Assistant' });
  const answer = appendMessage(session(), conversation.id, { role: 'assistant', content: '', status: 'streaming' });
  savePartial(session(), answer, 'The first half of an ans');
  expect(getMessage(session(), answer).status).toBe('streaming');

  // The app "dies": the vault closes with the message still streaming (no runner finished it).
  expect((await ws.call('auth.lock', {})).ok).toBe(true);
  expect((await ws.call('auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);

  expect(getMessage(session(), answer)).toMatchObject({ status: 'interrupted', content: 'The first half of an ans' });
});
