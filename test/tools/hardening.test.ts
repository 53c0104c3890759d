import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Session } from '../../main/core/accounts/session';
import { decideApproval, listServerTools, setApprovalPrompter, toolCaller, type ApprovalPrompt } from '../../main/core/tools';
import { createToolServer, deleteToolServer, storeApproval } from '../../main/core/vault/toolServers';
import { dataPaths } from '../../main/core/paths';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { addStdioFixture, alive, textOf, waitUntil } from './world';

/**
 * Found by review: a shared agent must not ride on a person's stored approvals; what a failing
 * server started must not outlive it; a deleted server's or account's tool homes go with it.
 */
const FAILING_FIXTURE = resolve(import.meta.dirname, '../fixtures/mcp/failingServer.mjs');
const dir = tempDataDir('cubby-tools-hardening-');
let world: Awaited<ReturnType<typeof twoUsers>>;

beforeAll(async () => {
  world = await twoUsers(dir);
});
afterAll(() => {
  world?.accounts.close();
  removeDir(dir);
});

function prompts(session: Session, decision: 'once' | 'always' | 'deny'): ApprovalPrompt[] {
  const seen: ApprovalPrompt[] = [];
  setApprovalPrompter(session, (p) => {
    seen.push(p);
    setTimeout(() => decideApproval(session, p.requestId, decision), 1);
  });
  return seen;
}

test("'ask-every-time' (a shared agent's calls) ignores stored approvals, asks each call, and stores nothing", async () => {
  const { server } = addStdioFixture(world.bob);
  for (const t of await listServerTools(world.bob, server.id)) storeApproval(world.bob, server.id, t.name, t.definitionHash);
  const caller = toolCaller(world.bob);
  // His own agents run it without asking.
  const asked = prompts(world.bob, 'deny');
  expect(textOf((await caller.call(server.id, 'echo', { text: 'own' }, { approval: 'ask' })).content)).toBe('echo: own');
  expect(asked).toHaveLength(0);
  // A shared agent is asked about, every time, even though he approved it "always"; a deny is not called.
  await expect(caller.call(server.id, 'echo', { text: 'shared' }, { approval: 'ask-every-time' })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
  expect(asked).toHaveLength(1);
  const allowed = prompts(world.bob, 'always');
  await caller.call(server.id, 'echo', { text: 'shared-1' }, { approval: 'ask-every-time' });
  await caller.call(server.id, 'echo', { text: 'shared-2' }, { approval: 'ask-every-time' });
  expect(allowed).toHaveLength(2); // "always" from a shared agent's call counts as once
  const home = JSON.parse(textOf((await caller.call(server.id, 'whoami', {}, { approval: 'require-stored' })).content)).home as string;
  const log = readFileSync(join(home, 'calls.log'), 'utf8');
  expect(log).toContain('echo shared-1');
  expect(log).not.toContain('echo shared\n');
});

test('a server that starts a helper and then fails leaves nothing running', async () => {
  const server = createToolServer(world.admin, { kind: 'stdio', name: 'Broken', command: process.execPath, args: [FAILING_FIXTURE] });
  await expect(listServerTools(world.admin, server.id)).rejects.toMatchObject({ code: 'TOOL_SERVER_FAILED' });
  const pidFile = join(dataPaths(dir).toolHomes(world.admin.user.id), server.id, 'home', 'child.pid');
  expect(await waitUntil(() => existsSync(pidFile))).toBe(true);
  const child = Number(readFileSync(pidFile, 'utf8'));
  expect(child).toBeGreaterThan(0);
  expect(await waitUntil(() => !alive(child), 3000)).toBe(true);
});

test("a deleted server's home goes with it; a deleted account's tool homes too", async () => {
  const { server } = addStdioFixture(world.admin, { name: 'Short-lived' });
  storeApproval(world.admin, server.id, 'whoami', (await listServerTools(world.admin, server.id)).find((t) => t.name === 'whoami')!.definitionHash);
  const home = JSON.parse(textOf((await toolCaller(world.admin).call(server.id, 'whoami', {}, { approval: 'require-stored' })).content)).home as string;
  expect(existsSync(home)).toBe(true);
  // As the tools.servers.delete handler does: stop, delete, remove its home.
  const { toolHostOf } = await import('../../main/core/tools');
  const { removeToolHome } = await import('../../main/core/tools/env');
  deleteToolServer(world.admin, server.id);
  await toolHostOf(world.admin).stop(server.id);
  removeToolHome(dir, world.admin.user.id, server.id);
  expect(existsSync(join(dataPaths(dir).toolHomes(world.admin.user.id), server.id))).toBe(false);

  // Bob's account is deleted: every tool home of his goes with his vault.
  const bobHomes = dataPaths(dir).toolHomes(world.bobId);
  expect(existsSync(bobHomes)).toBe(true);
  await world.accounts.deleteUser(world.admin, world.bobId);
  expect(existsSync(bobHomes)).toBe(false);
});
