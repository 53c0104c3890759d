import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Session } from '../../main/core/accounts/session';
import { Scheduler } from '../../main/core/scheduler/scheduler';
import { decideApproval, setApprovalPrompter, toolCaller, toolSetFor } from '../../main/core/tools';
import { createSecret } from '../../main/core/vault/secrets';
import { createToolServer, listToolServers } from '../../main/core/vault/toolServers';
import { ownAgentsOnly } from '../../main/core/workflows/agentStep';
import { createWorkflow, getWorkflow } from '../../main/core/workflows/store';
import { getRun, listRuns } from '../../main/core/workflows/runs';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { startHttpToolServer, type HttpToolServer } from '../fixtures/mcp/httpServer';
import { connectAgent } from '../agents/world';
import { addStdioFixture, markerOf, textOf } from '../tools/world';
import { manualClock } from './world';

/**
 * Issue 11's central claim, with every part real (vaults, keychain, scheduler, MCP servers as
 * processes and over HTTP, the fake provider): two people's workflows are due in the same minute,
 * each runs an agent step, then a tool on their own stdio server and one on an HTTP server. Each
 * run used only its owner's secrets, agent key, vault and process; no variable of the other
 * person or of the parent process reached a server.
 */
const PARENT_MARKER = `parent-marker-${Date.now()}`;
const dir = tempDataDir('cubby-workflow-tools-');
let w: Awaited<ReturnType<typeof twoUsers>>;
let fake: FakeProvider;
let http: HttpToolServer;
const local = (h: number, m: number, s = 0) => new Date(2026, 10, 25, h, m, s).getTime();

interface Person {
  session: Session;
  agentKey: string;
  stdioMarker: string;
  httpMarker: string;
  workflowId: string;
}
const people: Person[] = [];

/** The person's tools, approved "always" once (a scheduled run only uses stored approvals). */
async function approveAll(session: Session, serverIds: string[]): Promise<void> {
  setApprovalPrompter(session, (p) => setTimeout(() => decideApproval(session, p.requestId, 'always'), 1));
  const caller = toolCaller(session);
  await caller.call(serverIds[0]!, 'whoami', {}, { approval: 'ask' });
  await caller.call(serverIds[1]!, 'echo', { text: 'warm-up' }, { approval: 'ask' });
}

beforeAll(async () => {
  process.env.CUBBY_TEST_PARENT_MARKER = PARENT_MARKER;
  fake = await startFakeProvider();
  http = await startHttpToolServer();
  w = await twoUsers(dir);
  for (const session of [w.admin, w.bob]) {
    const agent = connectAgent(session, fake);
    const stdio = addStdioFixture(session);
    const httpMarker = markerOf(`${session.user.username}-http`);
    const httpSecret = createSecret(session, { name: 'HTTP tool token', value: httpMarker });
    const httpServer = createToolServer(session, { kind: 'http', name: 'Remote', url: http.url, headers: [{ name: 'X-Tool-Token', secretId: httpSecret.id }] });
    await approveAll(session, [stdio.server.id, httpServer.id]);
    const workflow = createWorkflow(
      session,
      {
        name: 'Morning summary',
        steps: [
          { kind: 'agent', agent: { agentId: agent.agentId }, prompt: 'Summarize the night.' },
          { kind: 'tool', serverId: stdio.server.id, toolName: 'whoami', args: {} },
          { kind: 'tool', serverId: httpServer.id, toolName: 'echo', args: { text: `from ${session.user.username}` } },
        ],
        schedule: { cron: '30 9 * * *', preset: null },
      },
      local(9, 0),
    );
    people.push({ session, agentKey: agent.key, stdioMarker: stdio.marker, httpMarker, workflowId: workflow.id });
  }
}, 60_000);

afterAll(async () => {
  delete process.env.CUBBY_TEST_PARENT_MARKER;
  w?.accounts.close();
  await http?.close();
  await fake?.close();
  removeDir(dir);
});

test('two people, workflows due the same minute: each run used only its owner\'s secrets, key, vault and process', async () => {
  const clock = manualClock(local(9, 29, 50));
  const scheduler = new Scheduler({ env: { agents: ownAgentsOnly, tools: toolCaller, toolSet: toolSetFor, runtime: { maxRetries: 0 } }, now: clock.now });
  for (const p of people) scheduler.attachWindow(p.session);
  const chatBefore = fake.chatRequests().length;
  const httpBefore = http.headers.length;
  scheduler.tick();
  expect(people.flatMap((p) => listRuns(p.session))).toEqual([]);

  clock.set(local(9, 30, 1));
  scheduler.tick();
  const runs = people.map((p) => {
    const [run] = listRuns(p.session);
    expect(run).toMatchObject({ workflowId: p.workflowId, trigger: 'schedule' });
    return run!;
  });
  expect(await Promise.all(people.map((p, i) => scheduler.whenDone(p.session.user.id, runs[i]!.id)))).toEqual(['succeeded', 'succeeded']);

  const reports = people.map((p, i) => {
    const detail = getRun(p.session, runs[i]!.id);
    expect(detail.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    return { detail, whoami: JSON.parse(detail.steps[1]!.output!) as { env: Record<string, string>; home: string; wrote: string; pid: number } };
  });
  for (const [i, p] of people.entries()) {
    const other = people[1 - i]!;
    const { whoami, detail } = reports[i]!;
    const env = JSON.stringify(whoami.env);
    expect(whoami.env.FIXTURE_SECRET).toBe(p.stdioMarker);
    for (const foreign of [other.stdioMarker, other.httpMarker, other.agentKey, PARENT_MARKER, p.agentKey, p.httpMarker]) expect(env).not.toContain(foreign);
    expect(Object.keys(whoami.env).some((k) => k.startsWith('CUBBY_') || k === 'npm_config_nodedir' || k === 'VITEST')).toBe(false);
    // Its HOME is the owner's own, private, under the data directory; not the other person's.
    expect(whoami.home.startsWith(dir)).toBe(true);
    expect(whoami.home).toContain(p.session.user.id);
    expect(whoami.home).not.toContain(other.session.user.id);
    expect(statSync(whoami.home).mode & 0o777).toBe(0o700);
    expect(detail.steps[2]!.output).toContain(`from ${p.session.user.username}`);
  }
  // One process per person.
  expect(reports[0]!.whoami.pid).not.toBe(reports[1]!.whoami.pid);
  // The agent steps carried each owner's own key, once each.
  const chats = fake.chatRequests().slice(chatBefore);
  expect(chats.map((r) => r.apiKey).sort()).toEqual(people.map((p) => p.agentKey).sort());
  // Every HTTP request carried exactly one person's header, and both people's runs reached it.
  const tokens = http.headers.slice(httpBefore).map((h) => h['x-tool-token']);
  expect(new Set(tokens)).toEqual(new Set(people.map((p) => p.httpMarker)));
  for (const h of http.headers) expect(JSON.stringify(h)).not.toContain(PARENT_MARKER);
  scheduler.stop();
});

/** Each person's stdio server id (the first tool server they added). */
const stdioOf = (p: Person) => listToolServers(p.session).find((s) => s.kind === 'stdio')!.id;

test("an agent step calls its owner's own tool, and the call is in the run log", async () => {
  const [ada] = people;
  const scheduler = new Scheduler({ env: { agents: ownAgentsOnly, tools: toolCaller, toolSet: toolSetFor, runtime: { maxRetries: 0 } } });
  scheduler.attachWindow(ada!.session);
  const agentId = (getWorkflow(ada!.session, ada!.workflowId).steps[0] as { agent: { agentId: string } }).agent.agentId;
  const workflow = createWorkflow(ada!.session, { name: 'Agent with a tool', steps: [{ kind: 'agent', agent: { agentId }, prompt: 'Use your echo tool.' }] });
  fake.enqueue({ kind: 'tool', name: 'Fixture__echo', args: { text: 'called-by-the-agent' }, then: 'The tool answered.' });
  const runId = scheduler.runNow(ada!.session, workflow.id, {});
  expect(await scheduler.whenDone(ada!.session.user.id, runId)).toBe('succeeded');
  const run = getRun(ada!.session, runId);
  expect(run.steps[0]!.output).toBe('The tool answered.');
  expect(run.log.map((l) => l.message).join('\n')).toMatch(/Tool Fixture \/ echo: ok/);
  const home = JSON.parse(textOf((await toolCaller(ada!.session).call(stdioOf(ada!), 'whoami', {}, { approval: 'require-stored' })).content)).home as string;
  expect(readFileSync(join(home, 'calls.log'), 'utf8')).toContain('echo called-by-the-agent');
  scheduler.stop();
});

test("a person's run stuck on a tool that never answers does not delay another person's scheduled run; its time limit ends it", async () => {
  const [ada, bob] = people as [Person, Person];
  // Bob approves `slow` for good (the call itself is cut short here).
  await expect(toolCaller(bob.session).call(stdioOf(bob), 'slow', {}, { approval: 'ask', timeoutMs: 200 })).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
  const clock = { t: local(10, 29, 50) };
  const scheduler = new Scheduler({ env: { agents: ownAgentsOnly, tools: toolCaller, toolSet: toolSetFor, runtime: { maxRetries: 0 } }, now: () => clock.t });
  for (const p of people) scheduler.attachWindow(p.session);
  const stuck = createWorkflow(bob.session, { name: 'Stuck', steps: [{ kind: 'tool', serverId: stdioOf(bob), toolName: 'slow', args: {} }], timeLimitMs: 2000 });
  const adaDaily = createWorkflow(ada.session, { name: 'Half past ten', steps: [{ kind: 'tool', serverId: stdioOf(ada), toolName: 'echo', args: { text: 'on time' } }], schedule: { cron: '30 10 * * *', preset: null } }, clock.t);
  scheduler.reload(ada.session);
  const stuckRun = scheduler.runNow(bob.session, stuck.id, {});
  clock.t = local(10, 30, 1);
  scheduler.tick();
  const [adaRun] = listRuns(ada.session, { workflowId: adaDaily.id });
  expect(await scheduler.whenDone(ada.session.user.id, adaRun!.id)).toBe('succeeded');
  expect(getRun(bob.session, stuckRun).status).toBe('running'); // still stuck while Ada's finished
  expect(await scheduler.whenDone(bob.session.user.id, stuckRun)).toBe('failed');
  expect(getRun(bob.session, stuckRun)).toMatchObject({ status: 'failed', errorCode: 'RUN_TIME_LIMIT' });
  scheduler.stop();
});
