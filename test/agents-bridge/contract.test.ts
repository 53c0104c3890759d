import { expect, test } from 'vitest';
import { MESSAGE_MAX_CHARS as RUNNER_MAX_CHARS } from '../../main/core/agents/runner';
import { ATTACHMENTS_PER_MESSAGE_MAX, IMAGE_ATTACHMENT_MAX_BYTES, TEXT_ATTACHMENT_MAX_BYTES } from '../../main/core/vault/attachments';
import {
  agentsChannels,
  ATTACHMENT_LIMITS,
  chatChannels,
  conversationsChannels,
  events,
  MESSAGE_MAX_CHARS,
  memoryChannels,
  providersChannels,
  secretsChannels,
} from '../../preload/contract';

const AREAS = { agentsChannels, providersChannels, secretsChannels, conversationsChannels, chatChannels, memoryChannels };
const all = Object.values(AREAS).flatMap((area) => Object.entries(area));

test("the contract's attachment and message limits are the core's (the UI checks sizes before sending)", () => {
  expect(ATTACHMENT_LIMITS).toEqual({ textMaxBytes: TEXT_ATTACHMENT_MAX_BYTES, imageMaxBytes: IMAGE_ATTACHMENT_MAX_BYTES, perMessage: ATTACHMENTS_PER_MESSAGE_MAX });
  expect(MESSAGE_MAX_CHARS).toBe(RUNNER_MAX_CHARS);
});

test('every agents and chat channel needs a session and takes no id of a person', () => {
  expect(all.length).toBeGreaterThan(30);
  for (const [name, def] of all) {
    expect(def.access, name).toBe('session');
    const keys = Object.keys((def.input as unknown as { shape: Record<string, unknown> }).shape);
    for (const k of keys) expect(/^(user|session|owner|token|as[A-Z])/i.test(k), `${name}.${k}`).toBe(false);
    // Strict: an extra field is refused, so nobody can slip one in.
    expect(def.input.safeParse({ ...Object.fromEntries(keys.map((k) => [k, undefined])), userId: 'x' }).success, name).toBe(false);
  }
});

test('ids must be UUIDs (or positive integers for messages); a secret summary has no value', () => {
  expect(agentsChannels['agents.get'].input.safeParse({ id: "1' OR 1=1" }).success).toBe(false);
  expect(chatChannels['chat.cancel'].input.safeParse({ messageId: -1 }).success).toBe(false);
  expect(chatChannels['chat.cancel'].input.safeParse({ messageId: 1.5 }).success).toBe(false);
  const parsed = secretsChannels['secrets.create'].output.parse({ id: 'a', name: 'n', last4: '1234', usedBy: [], createdAt: 1, updatedAt: 1, value: 'sk-leak' });
  expect(parsed).not.toHaveProperty('value');
});

test('attachments must be base64 within the limits', () => {
  const send = chatChannels['chat.send'].input;
  const att = (dataBase64: string) => ({ text: 'x', attachments: [{ name: 'a.txt', mime: 'text/plain', dataBase64 }] });
  expect(send.safeParse(att(Buffer.from('hello').toString('base64'))).success).toBe(true);
  expect(send.safeParse(att('not base64!')).success).toBe(false);
  expect(send.safeParse(att('A'.repeat(4 * Math.ceil(IMAGE_ATTACHMENT_MAX_BYTES / 3) + 8))).success).toBe(false);
});

test('chat events are strict: a delta carries text only, a finished error only a code and a message', () => {
  expect(events['chat.delta'].safeParse({ conversationId: 'c', messageId: 1, text: 't', apiKey: 'k' }).success).toBe(false);
  const base = { conversationId: 'c', messageId: 1, model: 'm', inputTokens: null, outputTokens: null, ttftMs: null, totalMs: 1 };
  expect(events['chat.finished'].safeParse({ ...base, status: 'error', error: { code: 'PROVIDER_AUTH', message: 'm' } }).success).toBe(true);
  expect(events['chat.finished'].safeParse({ ...base, status: 'error', error: { code: 'PROVIDER_AUTH', message: 'm', body: 'b' } }).success).toBe(false);
  expect(events['chat.finished'].safeParse({ ...base, status: 'interrupted' }).success).toBe(false);
});
