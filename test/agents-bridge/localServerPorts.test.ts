import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalServerPorts } from '../../main/browserHost/localServerPorts';
import { probeLocalServers } from '../../main/core/agents/models';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';

/** CUBBY_LOCAL_SERVER_PORTS: the browser host's test-only override of where local servers are looked for. */
describe('local server port override', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => fake.close());

  it('is absent unless set', () => {
    expect(parseLocalServerPorts(undefined)).toBeUndefined();
    expect(parseLocalServerPorts('  ')).toBeUndefined();
  });

  it('points the probe at a server on another port, offered as Ollama with its models', async () => {
    const ports = parseLocalServerPorts(JSON.stringify({ Ollama: fake.port, 'LM Studio': 1 }));
    expect(ports).toEqual({ Ollama: fake.port, 'LM Studio': 1 });
    const offers = await probeLocalServers({ ports });
    expect(offers).toEqual([{ name: 'Ollama', baseUrl: `http://127.0.0.1:${fake.port}/v1`, models: expect.any(Array) }]);
    expect(offers[0]?.models.map((m) => m.id).sort()).toEqual(['fake-large', 'fake-small']);
  });

  it.each([
    ['not JSON', '{Ollama: 1}', /must be JSON/],
    ['an unknown server', '{"Evil":80}', /only "Ollama" and "LM Studio"/],
    ['a host instead of a port', '{"Ollama":"example.com:80"}', /only "Ollama" and "LM Studio"/],
    ['port 0', '{"Ollama":0}', /from 1 to 65535/],
    ['a port too large', '{"Ollama":70000}', /from 1 to 65535/],
    ['a fraction', '{"Ollama":80.5}', /from 1 to 65535/],
    ['an array', '[11434]', /only "Ollama" and "LM Studio"/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => parseLocalServerPorts(raw)).toThrow(message);
  });

  it('is read by the browser host only, never by the Electron shell', () => {
    const electronDir = join(import.meta.dirname, '../../main/electron');
    for (const file of readdirSync(electronDir)) {
      const text = readFileSync(join(electronDir, file), 'utf8');
      expect(text, file).not.toMatch(/CUBBY_LOCAL_SERVER_PORTS|localServerPorts/);
    }
    expect(readFileSync(join(import.meta.dirname, '../../main/app.ts'), 'utf8')).not.toContain('CUBBY_LOCAL_SERVER_PORTS');
  });
});
