import { readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Session } from '../../main/core/accounts/session';
import { storeApproval } from '../../main/core/vault/toolServers';
import { createSecret } from '../../main/core/vault/secrets';
import { createToolServer } from '../../main/core/vault/toolServers';
import { toolCaller, toolHostOf } from '../../main/core/tools';
import { listServerTools } from '../../main/core/tools';
import { BOB, filesContaining, removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { startHttpToolServer, type HttpToolServer } from '../fixtures/mcp/httpServer';
import { addStdioFixture, alive, markerOf, textOf, waitUntil } from './world';

/**
 * Each person's tool server runs with their own secrets, HOME and process only: nothing of the
 * other person, and nothing of main's own environment (a marker set on the parent), reaches it.
 */
const dir = tempDataDir('cubby-tools-isolation-');
const PARENT_MARKER = `parent-${Math.random().toString(36).slice(2)}`;
let world: Awaited<ReturnType<typeof twoUsers>>;
let http: HttpToolServer;

async function approveAll(session: Session, serverId: string): Promise<void> {
  for (const t of await listServerTools(session, serverId)) storeApproval(session, serverId, t.name, t.definitionHash);
}

async function whoami(session: Session, serverId: string) {
  const r = await toolCaller(session).call(serverId, 'whoami', {}, { approval: 'require-stored' });
  return JSON.parse(textOf(r.content)) as { env: Record<string, string>; home: string; wrote: string; cwd: string; pid: number };
}

beforeAll(async () => {
  process.env.CUBBY_TEST_PARENT_MARKER = PARENT_MARKER;
  world = await twoUsers(dir);
  http = await startHttpToolServer();
});
afterAll(async () => {
  delete process.env.CUBBY_TEST_PARENT_MARKER;
  world?.accounts.close();
  await http?.close();
  removeDir(dir);
});

describe('stdio servers', () => {
  test('each person’s server gets only their secret, their own HOME and XDG directories (0700), and nothing of the parent', async () => {
    const a = addStdioFixture(world.admin);
    const b = addStdioFixture(world.bob);
    await approveAll(world.admin, a.server.id);
    await approveAll(world.bob, b.server.id);
    const seenA = await whoami(world.admin, a.server.id);
    const seenB = await whoami(world.bob, b.server.id);
    // The fixture prints its secret on stderr: that goes to a pipe (a socket pair) Cubby drains, not main's own stderr.
    if (process.platform === 'linux') {
      const stderrOf = (pid: number | 'self') => readlinkSync(`/proc/${pid}/fd/2`);
      expect(stderrOf(seenA.pid)).toMatch(/^(pipe|socket):/);
      expect(stderrOf(seenA.pid)).not.toBe(stderrOf('self'));
    }

    expect(seenA.env.FIXTURE_SECRET).toBe(a.marker);
    expect(seenB.env.FIXTURE_SECRET).toBe(b.marker);
    expect(seenA.pid).not.toBe(seenB.pid);
    for (const [seen, other] of [
      [seenA, b.marker],
      [seenB, a.marker],
    ] as const) {
      const all = JSON.stringify(seen.env);
      expect(all).not.toContain(other);
      expect(all).not.toContain(PARENT_MARKER);
      // Built from nothing: exactly what Cubby sets and what the person set (node may add nothing else).
      expect(Object.keys(seen.env).sort()).toEqual(
        ['FIXTURE_PLAIN', 'FIXTURE_SECRET', 'HOME', 'PATH', 'TMPDIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME'].sort(),
      );
      expect(seen.env.PATH).toBe('/usr/local/bin:/usr/bin:/bin');
      expect(seen.env.USER).toBeUndefined();
    }
    const homeA = join(dir, 'tool-homes', world.admin.user.id, a.server.id);
    const homeB = join(dir, 'tool-homes', world.bob.user.id, b.server.id);
    expect(seenA.home).toBe(join(homeA, 'home'));
    expect(seenB.home).toBe(join(homeB, 'home'));
    expect(seenA.cwd).toBe(homeA);
    expect(seenA.wrote.startsWith(homeA)).toBe(true);
    for (const d of [join(dir, 'tool-homes', world.admin.user.id), homeA, seenA.home, seenA.env.TMPDIR!, seenA.env.XDG_CONFIG_HOME!, homeB, seenB.home]) {
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
    }
    // The server is started once per person and reused.
    expect((await whoami(world.admin, a.server.id)).pid).toBe(seenA.pid);
    // Secrets given to servers are in no file (the fixture echoes its secret on stderr, which is dropped).
    expect(filesContaining(dir, a.marker)).toEqual([]);
    expect(filesContaining(dir, b.marker)).toEqual([]);
  });

  test('a person cannot reach another person’s server by its id', async () => {
    const a = addStdioFixture(world.admin);
    await expect(toolCaller(world.bob).call(a.server.id, 'whoami', {}, { approval: 'require-stored' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a stuck tool ends at its time limit with TOOL_TIMEOUT, and an abort stops it at once', async () => {
    const a = addStdioFixture(world.admin);
    await approveAll(world.admin, a.server.id);
    const started = Date.now();
    await expect(toolCaller(world.admin).call(a.server.id, 'slow', {}, { approval: 'require-stored', timeoutMs: 300 })).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    const controller = new AbortController();
    const call = toolCaller(world.admin).call(a.server.id, 'slow', {}, { approval: 'require-stored', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopped by test')), 100);
    await expect(call).rejects.toThrow('stopped by test');
    // The server still answers afterwards.
    expect((await whoami(world.admin, a.server.id)).env.FIXTURE_SECRET).toBe(a.marker);
  });

  test('a missing secret refuses to start the server with SECRET_MISSING, naming no value', async () => {
    const secret = createSecret(world.bob, { name: 'gone', value: markerOf('gone') });
    const server = createToolServer(world.bob, { kind: 'stdio', name: 'Broken', command: process.execPath, args: ['-e', '1'], env: [{ name: 'X', secretId: secret.id }] });
    const { deleteSecret } = await import('../../main/core/vault/secrets');
    deleteSecret(world.bob, secret.id);
    await expect(listServerTools(world.bob, server.id)).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(toolHostOf(world.bob).status(server.id)).toEqual({ state: 'failed', errorCode: 'SECRET_MISSING' });
  });

  test('a command that is not an MCP server fails with TOOL_SERVER_FAILED and a message without paths or output', async () => {
    const server = createToolServer(world.bob, { kind: 'stdio', name: 'Not MCP', command: process.execPath, args: ['-e', 'console.error("/secret/path oops"); process.exit(3)'] });
    const err = await listServerTools(world.bob, server.id).catch((e) => e);
    expect(err.code).toBe('TOOL_SERVER_FAILED');
    expect(err.message).not.toMatch(/oops|\/secret|node/);
  });

  test('every process (and its children) ends when the person’s session locks', async () => {
    const bob = await world.accounts.login(BOB.username, BOB.password);
    const a = addStdioFixture(bob);
    await approveAll(bob, a.server.id);
    const { pid } = await whoami(bob, a.server.id);
    const grandchild = Number(textOf((await toolCaller(bob).call(a.server.id, 'spawnChild', {}, { approval: 'require-stored' })).content));
    expect(alive(pid)).toBe(true);
    expect(alive(grandchild)).toBe(true);
    world.accounts.lock(bob);
    expect(await waitUntil(() => !alive(pid) && !alive(grandchild))).toBe(true);
    // The other person's server is untouched.
    const other = addStdioFixture(world.admin);
    await approveAll(world.admin, other.server.id);
    expect((await whoami(world.admin, other.server.id)).env.FIXTURE_SECRET).toBe(other.marker);
  });
});

describe('HTTP servers', () => {
  test('each person’s requests carry only their own header value', async () => {
    const tokenA = markerOf('http-ada');
    const tokenB = markerOf('http-bob');
    const add = (session: Session, token: string) => {
      const secret = createSecret(session, { name: 'HTTP token', value: token });
      return createToolServer(session, { kind: 'http', name: 'Remote', url: http.url, headers: [{ name: 'X-Tool-Token', secretId: secret.id }] });
    };
    const sa = add(world.admin, tokenA);
    const sb = add(world.bob, tokenB);
    await approveAll(world.admin, sa.id);
    const before = http.headers.length;
    const r = await toolCaller(world.admin).call(sa.id, 'echo', { text: 'hi' }, { approval: 'require-stored' });
    expect(textOf(r.content)).toBe('http echo: hi');
    const adaRequests = http.headers.slice(before);
    expect(adaRequests.length).toBeGreaterThan(0);
    for (const h of adaRequests) {
      expect(h['x-tool-token']).toBe(tokenA);
      expect(JSON.stringify(h)).not.toContain(tokenB);
      expect(JSON.stringify(h)).not.toContain(PARENT_MARKER);
    }
    const mid = http.headers.length;
    await listServerTools(world.bob, sb.id);
    for (const h of http.headers.slice(mid)) expect(h['x-tool-token']).toBe(tokenB);
    expect(filesContaining(dir, tokenA)).toEqual([]);
  });
});

test('a server that failed to start is not started again by every use for a while (a chat turn would wait for it each time)', async () => {
  const server = createToolServer(world.admin, { kind: 'stdio', name: 'Crashes', command: process.execPath, args: ['-e', 'require("fs").appendFileSync("starts.log", "x"); process.exit(1)'] });
  await expect(listServerTools(world.admin, server.id)).rejects.toMatchObject({ code: 'TOOL_SERVER_FAILED' });
  await expect(listServerTools(world.admin, server.id)).rejects.toMatchObject({ code: 'TOOL_SERVER_FAILED' });
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(join(dir, 'tool-homes', world.admin.user.id, server.id, 'starts.log'), 'utf8')).toBe('x');
  await toolHostOf(world.admin).stop(server.id); // what Settings › Tools does when the person asks again
  await expect(listServerTools(world.admin, server.id)).rejects.toMatchObject({ code: 'TOOL_SERVER_FAILED' });
  expect(readFileSync(join(dir, 'tool-homes', world.admin.user.id, server.id, 'starts.log'), 'utf8')).toBe('xx');
});
