import { createServer } from 'node:net';
import { describe, expect, test, vi } from 'vitest';
import { listModels, probeLocalServers } from '../../main/core/agents/models';
import { retryAfterMs } from '../../main/core/agents/providerErrors';
import { runAgent } from '../../main/core/agents/runner';
import { isCubbyError } from '../../main/core/errors';
import { deleteSecret } from '../../main/core/vault/secrets';
import { getConnection } from '../../main/core/vault/providerConnections';
import { getMessage } from '../../main/core/vault/messages';
import { failureScript, type FakeProvider } from '../helpers/fakeProvider';
import { connectAgent, NO_RETRY, withFakeProviderWorld, type TwoUsers } from './world';

let fake: FakeProvider;
let world: TwoUsers;
const consoleSpies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
withFakeProviderWorld('cubby-agents-errors-', (f, w) => {
  fake = f;
  world = w;
});

/** A port nothing listens on: connection refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const CASES = [
  ['auth', 'PROVIDER_AUTH'],
  ['forbidden', 'PROVIDER_AUTH'],
  ['rate', 'PROVIDER_RATE_LIMITED'],
  ['model', 'PROVIDER_MODEL_UNKNOWN'],
  ['context', 'PROVIDER_CONTEXT_TOO_LONG'],
  ['server', 'PROVIDER_ERROR'],
  ['reset', 'PROVIDER_UNREACHABLE'],
  ['midstream', 'PROVIDER_ERROR'],
] as const;

describe.each(['openai', 'anthropic'] as const)('%s', (kind) => {
  test.each(CASES)('%s answers %s, keeps the partial, and shows no key, URL or provider text', async (failure, code) => {
    const { def, key } = connectAgent(world.admin, fake, { kind });
    fake.enqueue(failureScript(failure, kind, key));
    const r = await runAgent(world.admin, def(), { text: `trigger ${failure}` }, NO_RETRY);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe(code);
    const m = getMessage(world.admin, r.assistantMessageId);
    expect(m.status).toBe('error');
    expect(m.errorCode).toBe(code);
    if (failure === 'midstream') expect(m.content).toBe('Partial answer ');
    if (failure === 'rate') expect(r.error?.retryAfterMs).toBe(7000);
    const shown = `${r.error!.message} ${JSON.stringify(r.error)}`;
    for (const leak of [key, key.slice(-8), '127.0.0.1', 'internal.invalid', 'Incorrect API key', 'maximum context length', 'prompt is too long', 'Overloaded']) {
      expect(shown).not.toContain(leak);
    }
    expect(r.error!.message).toMatch(/\.$/); // a sentence that says what to do
  });
});

test('connection refused is PROVIDER_UNREACHABLE', async () => {
  const port = await closedPort();
  const r = await runAgent(
    world.bob,
    { name: 'x', instructions: '', provider: { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }, model: 'm', memoryAccess: 'off' },
    { text: 'hello there' },
    NO_RETRY,
  );
  expect(r.error?.code).toBe('PROVIDER_UNREACHABLE');
  expect(r.error?.message).not.toContain(String(port));
});

test('a connection whose secret was deleted answers SECRET_MISSING before writing anything', async () => {
  const { def, connectionId } = connectAgent(world.bob, fake, { kind: 'anthropic' });
  deleteSecret(world.bob, getConnection(world.bob, connectionId).secretId!);
  const before = fake.requests.length;
  const err = await runAgent(world.bob, def(), { text: 'hello there' }, NO_RETRY).catch((e) => e);
  expect(isCubbyError(err, 'SECRET_MISSING')).toBe(true);
  expect(fake.requests.length).toBe(before);
});

test('Retry-After as seconds, HTTP date, retry-after-ms; nonsense ignored', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
  expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
  expect(retryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1500);
  expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  expect(retryAfterMs(undefined, now)).toBeUndefined();
});

describe('model lists', () => {
  test('OpenAI-style and Anthropic-style lists, each with its own auth headers', async () => {
    fake.models = ['b-model', 'a-model'];
    expect(await listModels({ kind: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-list-openai' })).toEqual([
      { id: 'a-model', name: 'a-model' },
      { id: 'b-model', name: 'b-model' },
    ]);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/models', apiKey: 'sk-list-openai', dialect: 'openai' });
    expect(await listModels({ kind: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-list-anth' })).toEqual([
      { id: 'a-model', name: 'Fake a-model' },
      { id: 'b-model', name: 'Fake b-model' },
    ]);
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/models', apiKey: 'sk-list-anth', dialect: 'anthropic' });
  });

  test('listing goes through the injected fetch, and failures map to codes', async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      seen.push(String(input));
      return globalThis.fetch(input, init);
    };
    await listModels({ kind: 'openai-compatible', baseUrl: fake.baseUrl }, { fetch });
    expect(seen).toEqual([`${fake.baseUrl}/models`]);
    const port = await closedPort();
    const err = await listModels({ kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }).catch((e) => e);
    expect(err.code).toBe('PROVIDER_UNREACHABLE');
    const unauthorized: typeof globalThis.fetch = async () => new Response('{"error":{"message":"bad key sk-zzz"}}', { status: 401 });
    const err2 = await listModels({ kind: 'openai', apiKey: 'sk-zzz' }, { fetch: unauthorized }).catch((e) => e);
    expect(err2.code).toBe('PROVIDER_AUTH');
    expect(err2.message).not.toContain('sk-zzz');
  });

  test('local servers answering on their ports are offered; silent ports are left out', async () => {
    const port = await closedPort();
    const offers = await probeLocalServers({ ports: { Ollama: fake.port, 'LM Studio': port }, timeoutMs: 500 });
    expect(offers).toEqual([{ name: 'Ollama', baseUrl: `http://127.0.0.1:${fake.port}/v1`, models: expect.any(Array) }]);
    expect(offers[0]!.models.length).toBeGreaterThan(0);
  });
});

test('nothing was printed to the console (no provider text in any log)', () => {
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
});

test('a base URL that answers "not found" for everything says to check the address', async () => {
  const { httpFailure } = await import('../../main/core/agents/providerErrors');
  const err = httpFailure(404, {}, '<html>Cannot POST /chat/completions</html>');
  expect(err.code).toBe('PROVIDER_ERROR');
  expect(err.message).toMatch(/server address/);
  expect(httpFailure(404, {}, '{"error":{"message":"model \\"llama9\\" not found, try pulling it first"}}').code).toBe('PROVIDER_MODEL_UNKNOWN');
});
