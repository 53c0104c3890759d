import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import type { Connection } from '../../main/ipc/router';
import { channels, CHANNEL_NAMES, type ChannelName } from '../../preload/contract';
import { ADMIN, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

/**
 * 10,000 random payloads across all channels, sent as a signed-in admin (the caller who could
 * do the most damage): none crashes the router, every one is rejected as VALIDATION, and
 * nothing changes in the catalog or the vault.
 */
const RUNS = 10_000;
const dir = tempDataDir();
let cubby: Cubby;
let conn: Connection;

beforeAll(async () => {
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: TEST_POLICY });
  conn = cubby.router.connect(() => undefined);
  expect((await cubby.router.call(conn, 'auth.setup', ADMIN)).ok).toBe(true);
  expect((await cubby.router.call(conn, 'settings.set', { key: 'theme', value: 'dark' })).ok).toBe(true);
  // Something in each area of the vault, so a payload that changed it would show in the snapshot.
  const secret = await cubby.router.call(conn, 'secrets.create', { name: 'Key', value: 'sk-fuzz-0123456789' });
  expect(secret.ok).toBe(true);
  const connection = await cubby.router.call(conn, 'providers.create', {
    kind: 'openai-compatible',
    name: 'Local',
    baseUrl: 'http://127.0.0.1:9/v1',
    secretId: (secret as { value: { id: string } }).value.id,
  });
  expect(connection.ok).toBe(true);
  expect((await cubby.router.call(conn, 'memory.create', { text: 'The fuzz suite was here' })).ok).toBe(true);
});
afterAll(() => {
  cubby.close();
  removeDir(dir);
});

async function snapshot() {
  const r = cubby.router;
  const results = await Promise.all([
    r.call(conn, 'admin.users.list', {}),
    r.call(conn, 'settings.list', {}),
    r.call(conn, 'admin.audit.list', { limit: 1000 }),
    r.call(conn, 'agents.list', {}),
    r.call(conn, 'providers.list', {}),
    r.call(conn, 'secrets.list', {}),
    r.call(conn, 'conversations.list', {}),
    r.call(conn, 'memory.list', {}),
  ]);
  return JSON.stringify(results);
}

/** Shapes that often trip validators: wrong types, extra keys, prototype keys, huge and odd strings. */
const nasty = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(null, undefined, 0, -1, NaN, Infinity, '', [], true, '__proto__', 'constructor'),
  fc.string({ maxLength: 2000 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'userId', 'sessionId', 'then', 'toJSON'), fc.anything({ maxDepth: 2 })),
);

/** A payload that is near-valid for one channel: its fields with one replaced or one extra key. */
function nearMiss(channel: ChannelName) {
  const shape = (channels[channel].input as unknown as { shape: Record<string, unknown> }).shape;
  const keys = Object.keys(shape);
  return fc.record({
    base: fc.dictionary(fc.constantFrom(...keys, 'x'), fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.boolean(), nasty)),
    extra: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !keys.includes(k)), nasty)),
  }).map(({ base, extra }) => (extra ? { ...base, [extra[0]]: extra[1] } : base));
}

const channelName = fc.oneof(fc.constantFrom(...CHANNEL_NAMES), fc.string({ maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'));

test(`${RUNS} random payloads are all rejected as VALIDATION and change nothing`, async () => {
  const before = await snapshot();
  let checked = 0;
  let skippedValid = 0;
  await fc.assert(
    fc.asyncProperty(
      channelName.chain((name) => fc.tuple(fc.constant(name), CHANNEL_NAMES.includes(name as ChannelName) ? fc.oneof(nasty, nearMiss(name as ChannelName)) : nasty)),
      async ([name, payload]) => {
        const def = (channels as Record<string, { input: { safeParse(v: unknown): { success: boolean } } }>)[name];
        if (Object.hasOwn(channels, name) && def!.input.safeParse(payload).success) {
          skippedValid++; // a random payload that happens to be valid is not a rejection case
          return;
        }
        const result = await cubby.router.call(conn, name, payload);
        expect(result).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'The request was not valid.' } });
        checked++;
      },
    ),
    { numRuns: RUNS + 200, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  );
  expect(checked).toBeGreaterThanOrEqual(RUNS);
  expect(skippedValid).toBeLessThan(200);
  expect(await snapshot()).toBe(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  // The admin connection still works.
  expect(await cubby.router.call(conn, 'settings.get', { key: 'theme' })).toEqual({ ok: true, value: { value: 'dark' } });
}, 120_000);
