import { afterAll, beforeAll, expect, test } from 'vitest';
import { openableLink } from '../../main/ipc/handlers/account';
import type { Clipboard } from '../../main/core/clipboard/secretClipboard';
import { ADMIN } from '../helpers/env';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';

/** Links from answers open in the system browser through main; copied answers leave with the person. */
const opened: string[] = [];
let board = '';
const clipboard: Clipboard = { readText: async () => board, writeText: async (t) => void (board = t) };
let app: TestHost;
let ws: WsClient;
beforeAll(async () => {
  app = await startTestHost({ clipboard, openExternal: async (url) => void opened.push(url) });
  ws = await WsClient.connect(app.host);
  expect((await ws.call('auth.setup', ADMIN)).ok).toBe(true);
});
afterAll(async () => {
  await ws?.close();
  await app?.close();
});

test('only http(s) links without credentials reach the system browser', async () => {
  expect(await ws.call('app.openLink', { url: 'https://example.org/docs?q=1#top' })).toEqual({ ok: true, value: {} });
  for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>', 'https://bank.example@evil.example/', 'mailto:a@b.c', 'not a url', 'http://']) {
    expect((await ws.call('app.openLink', { url })).error?.code, url).toBe('VALIDATION');
  }
  expect(opened).toEqual(['https://example.org/docs?q=1#top']);
  expect(openableLink(' HTTP://Example.ORG ')).toBe('http://example.org/');
});

test('a copied answer stays on the clipboard until the person locks, then main takes it back', async () => {
  const answer = 'A long answer. '.repeat(100);
  expect(await ws.call('clipboard.copyText', { text: answer })).toEqual({ ok: true, value: {} });
  expect(board).toBe(answer);
  expect((await ws.call('auth.lock', {})).ok).toBe(true);
  await expect.poll(() => board).toBe('');
});

test('without a session neither is allowed', async () => {
  const fresh = await WsClient.connect(app.host);
  expect((await fresh.call('app.openLink', { url: 'https://example.org/' })).error?.code).toBe('LOCKED');
  expect((await fresh.call('clipboard.copyText', { text: 'x' })).error?.code).toBe('LOCKED');
  await fresh.close();
});
