import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Session } from '../../main/core/accounts/session';
import { runAgent } from '../../main/core/agents/runner';
import { decideApproval, listServerTools, setApprovalPrompter, toolCaller, type ApprovalDecision, type ApprovalPrompt } from '../../main/core/tools';
import { getMessage } from '../../main/core/vault/messages';
import { listApprovals } from '../../main/core/vault/toolServers';
import type { FakeProvider } from '../helpers/fakeProvider';
import { connectAgent, NO_RETRY, withFakeProviderWorld, type TwoUsers } from '../agents/world';
import { addStdioFixture, textOf } from './world';

/** A tool runs only after its person said yes; a changed definition asks again. */
let fake: FakeProvider;
let world: TwoUsers;
withFakeProviderWorld('cubby-tools-approval-', (f, w) => {
  fake = f;
  world = w;
});


/** The person's answers, in order; every prompt is recorded. */
function answering(session: Session, ...decisions: (ApprovalDecision | 'ignore')[]): ApprovalPrompt[] {
  const prompts: ApprovalPrompt[] = [];
  setApprovalPrompter(session, (p) => {
    prompts.push(p);
    const d = decisions.shift() ?? 'deny';
    if (d !== 'ignore') setTimeout(() => decideApproval(session, p.requestId, d), 5);
  });
  return prompts;
}

function echoLog(home: string): string {
  const f = join(home, 'calls.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

async function homeOf(session: Session, serverId: string): Promise<string> {
  // whoami needs approval too: approve it once, quietly, through the prompter.
  answering(session, 'once');
  const r = await toolCaller(session).call(serverId, 'whoami', {}, { approval: 'ask' });
  return JSON.parse(textOf(r.content)).home as string;
}

describe('toolCaller', () => {
  test('an unapproved tool is refused without a stored approval and with no one to ask, and is not called', async () => {
    const { server } = addStdioFixture(world.bob);
    const home = await homeOf(world.bob, server.id);
    await expect(toolCaller(world.bob).call(server.id, 'echo', { text: 'a' }, { approval: 'require-stored' })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
    const prompts = answering(world.bob, 'deny');
    await expect(toolCaller(world.bob).call(server.id, 'echo', { text: 'b' }, { approval: 'ask' })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatchObject({ serverName: 'Fixture', toolName: 'echo', argumentsPreview: '{"text":"b"}', changed: false });
    answering(world.bob, 'ignore');
    await expect(toolCaller(world.bob).call(server.id, 'echo', { text: 'c' }, { approval: 'ask', approvalTimeoutMs: 100 })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
    expect(echoLog(home)).toBe('');
  });

  test('once runs it this time only; always stores the hash and asks no more; a changed definition asks again', async () => {
    const { server } = addStdioFixture(world.bob);
    const home = await homeOf(world.bob, server.id);
    const prompts = answering(world.bob, 'once', 'always');
    await toolCaller(world.bob).call(server.id, 'echo', { text: 'one' }, { approval: 'ask' });
    expect(listApprovals(world.bob, server.id).map((a) => a.toolName)).not.toContain('echo');
    await toolCaller(world.bob).call(server.id, 'echo', { text: 'two' }, { approval: 'ask' });
    await toolCaller(world.bob).call(server.id, 'echo', { text: 'three' }, { approval: 'require-stored' });
    expect(prompts).toHaveLength(2);
    expect(echoLog(home)).toBe('echo one\necho two\necho three\n');

    const more = answering(world.bob, 'always', 'once');
    await toolCaller(world.bob).call(server.id, 'mutable', {}, { approval: 'ask' });
    expect((await listServerTools(world.bob, server.id)).find((t) => t.name === 'mutable')).toMatchObject({ approved: true, changedSinceApproval: false });
    await toolCaller(world.bob).call(server.id, 'bump', {}, { approval: 'ask' }); // second answer: once
    expect((await listServerTools(world.bob, server.id)).find((t) => t.name === 'mutable')).toMatchObject({ approved: false, changedSinceApproval: true });
    await expect(toolCaller(world.bob).call(server.id, 'mutable', {}, { approval: 'require-stored' })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
    answering(world.bob, 'deny');
    await expect(toolCaller(world.bob).call(server.id, 'mutable', {}, { approval: 'ask' })).rejects.toMatchObject({ code: 'TOOL_NOT_APPROVED' });
    expect(more).toHaveLength(2);
    expect(echoLog(home)).toBe('echo one\necho two\necho three\nmutable\n');
  });

  test('a prompt waiting when the session closes is a deny', async () => {
    const bob = await world.accounts.login('bob', 'purple monkey dishwasher');
    const { server } = addStdioFixture(bob);
    const prompts = answering(bob, 'ignore');
    const call = toolCaller(bob).call(server.id, 'echo', { text: 'x' }, { approval: 'ask' });
    while (prompts.length === 0) await new Promise((r) => setTimeout(r, 20));
    world.accounts.lock(bob);
    await expect(call).rejects.toMatchObject({ code: expect.stringMatching(/TOOL_NOT_APPROVED|LOCKED/) });
    expect(decideApproval(bob, prompts[0]!.requestId, 'always')).toBe(false);
  });
});

describe.each(['openai', 'anthropic'] as const)('chat (%s)', (kind) => {
  test('the agent calls the person’s tool after they approve it; the call and result are saved with the answer', async () => {
    const { def } = connectAgent(world.admin, fake, { kind });
    addStdioFixture(world.admin, { name: `Fix ${kind}` });
    const prompts = answering(world.admin, 'once');
    fake.enqueue({ kind: 'tool', name: `Fix_${kind}__echo`, args: { text: 'hello tool' }, then: 'The tool said hello.' });
    const r = await runAgent(world.admin, def(), { text: 'use the tool' }, NO_RETRY);
    expect(r.status).toBe('complete');
    expect(r.text).toBe('The tool said hello.');
    expect(prompts.map((p) => p.toolName)).toEqual(['echo']);
    expect(r.toolCalls).toEqual([{ serverName: `Fix ${kind}`, toolName: 'echo', arguments: '{"text":"hello tool"}', status: 'ok', result: expect.stringContaining('echo: hello tool') }]);
    expect(JSON.stringify(fake.chatRequests().at(-1)!.body)).toContain('echo: hello tool');
    expect(getMessage(world.admin, r.assistantMessageId).toolCalls).toEqual(r.toolCalls);
  });

  test('a denied tool is not called; the model is told and the answer still completes', async () => {
    const { def } = connectAgent(world.admin, fake, { kind });
    const { server } = addStdioFixture(world.admin, { name: `Deny ${kind}` });
    answering(world.admin, 'deny');
    fake.enqueue({ kind: 'tool', name: `Deny_${kind}__echo`, args: { text: 'nope' }, then: 'I could not.' });
    const r = await runAgent(world.admin, def(), { text: 'use the tool' }, NO_RETRY);
    expect(r.status).toBe('complete');
    expect(r.toolCalls).toMatchObject([{ toolName: 'echo', status: 'denied' }]);
    expect(JSON.stringify(fake.chatRequests().at(-1)!.body)).toContain('not approved');
    const home = JSON.parse(textOf((await (answering(world.admin, 'once'), toolCaller(world.admin).call(server.id, 'whoami', {}, { approval: 'ask' }))).content)).home;
    expect(echoLog(home)).toBe('');
  });
});
