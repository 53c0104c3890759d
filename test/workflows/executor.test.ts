import { describe, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { createWorkflow, getWorkflow, updateWorkflow } from '../../main/core/workflows/store';
import { deleteRun, getRun, listRuns } from '../../main/core/workflows/runs';
import { checkTemplate, renderTemplate } from '../../main/core/workflows/template';
import { connectAgent, withFakeProviderWorld, type TwoUsers } from '../agents/world';
import type { FakeProvider } from '../helpers/fakeProvider';
import { reply } from '../helpers/fakeProvider';
import { makeScheduler, recordingTools, textOf } from './world';

let fake: FakeProvider;
let w: TwoUsers;
withFakeProviderWorld('cubby-wf-exec-', (f, world) => {
  fake = f;
  w = world;
});

describe('templates', () => {
  test('inputs and earlier outputs are substituted once; inserted text is not expanded again', () => {
    const out = renderTemplate('Hi {{inputs.who}}, {{ steps.1.output }}!', { inputs: { who: '{{inputs.who}}' }, stepOutputs: ['done'] });
    expect(out).toBe('Hi {{inputs.who}}, done!');
  });
  test('unknown inputs, later steps and stray braces are refused on save', () => {
    expect(() => checkTemplate('{{inputs.nope}}', ['who'], 0)).toThrow(/no input named/);
    expect(() => checkTemplate('{{steps.2.output}}', [], 1)).toThrow(/earlier step/);
    expect(() => checkTemplate('{{steps.1.output}}', [], 0)).toThrow(/earlier step/);
    expect(() => checkTemplate('{{ whatever }}', [], 0)).toThrow(/not an input/);
    expect(() => checkTemplate('{{inputs.who}} {{steps.1.output}}', ['who'], 1)).not.toThrow();
  });
  test('a workflow with a bad template or cron is not saved', () => {
    const base = { name: 'x', steps: [{ kind: 'tool', serverId: 's', toolName: 't', args: { q: '{{inputs.missing}}' } }] };
    expect(() => createWorkflow(w.admin, base)).toThrow(/no input named/);
    expect(() => createWorkflow(w.admin, { ...base, steps: [{ kind: 'tool', serverId: 's', toolName: 't' }], schedule: { cron: 'every day' } })).toThrow(
      /five fields/,
    );
  });
});

describe('runs', () => {
  test('an agent step then a tool step: the tool gets the rendered output, each step is recorded with tokens and timing', async () => {
    const { agentId } = connectAgent(w.admin, fake, { name: 'Writer' });
    fake.enqueue({ ...reply('A haiku about rain'), usage: { input: 11, output: 5 } } as never);
    const tools = recordingTools();
    const { scheduler, changes } = makeScheduler({ tools });
    scheduler.attachWindow(w.admin);
    const wf = createWorkflow(w.admin, {
      name: 'Poem to notes',
      inputs: [{ name: 'topic', required: true }],
      steps: [
        { kind: 'agent', agent: { agentId }, prompt: 'Write about {{inputs.topic}}' },
        { kind: 'tool', serverId: 'notes', toolName: 'save', args: { text: 'Poem: {{steps.1.output}}', n: 3 } },
      ],
    });
    expect(() => scheduler.runNow(w.admin, wf.id, {})).toThrow(/Fill in/);
    const runId = scheduler.runNow(w.admin, wf.id, { topic: 'rain' });
    expect(await scheduler.whenDone(w.admin.user.id, runId)).toBe('succeeded');
    expect(fake.chatRequests().at(-1)!.body.messages.at(-1).content).toBe('Write about rain');
    expect(tools.calls).toEqual([
      { userId: w.admin.user.id, serverId: 'notes', toolName: 'save', args: { text: 'Poem: A haiku about rain', n: 3 }, opts: expect.objectContaining({ approval: 'ask' }) },
    ]);
    const run = getRun(w.admin, runId);
    expect(run.status).toBe('succeeded');
    expect(run.trigger).toBe('now');
    expect(run.inputs).toEqual({ topic: 'rain' });
    expect(run.steps.map((s) => [s.kind, s.status, s.input, s.output])).toEqual([
      ['agent', 'succeeded', 'Write about rain', 'A haiku about rain'],
      ['tool', 'succeeded', JSON.stringify({ text: 'Poem: A haiku about rain', n: 3 }), 'save:{"text":"Poem: A haiku about rain","n":3}'],
    ]);
    expect(run.steps[0]!.inputTokens).toBe(11);
    expect(run.steps[0]!.finishedAt).toBeGreaterThanOrEqual(run.steps[0]!.startedAt);
    expect(run.log.map((l) => l.message)).toEqual(expect.arrayContaining(['Step 2: Tool save: ok.', 'Step 2 done.', 'Finished.']));
    expect(changes.filter((c) => c.change.runId === runId).map((c) => c.change.status)).toContain('succeeded');
    expect(changes.every((c) => c.userIds.every((id) => id === w.admin.user.id))).toBe(true);
  });

  test('a failing step stops the run unless it says continue on error', async () => {
    const tools = recordingTools((c) => (c.toolName === 'broken' ? { content: [{ type: 'text', text: 'boom' }], isError: true } : textOf('ok')));
    const { scheduler } = makeScheduler({ tools });
    scheduler.attachWindow(w.bob);
    const steps = [
      { kind: 'tool', serverId: 's', toolName: 'broken', args: {} },
      { kind: 'tool', serverId: 's', toolName: 'after', args: { prev: '{{steps.1.output}}' } },
    ];
    const wf = createWorkflow(w.bob, { name: 'Stops', steps });
    const stopped = scheduler.runNow(w.bob, wf.id, {});
    expect(await scheduler.whenDone(w.bob.user.id, stopped)).toBe('failed');
    const r1 = getRun(w.bob, stopped);
    expect(r1.errorCode).toBe('TOOL_FAILED');
    expect(r1.steps).toHaveLength(1);
    expect(r1.steps[0]!.output).toBe('boom');
    expect(r1.log.map((l) => l.message)).toContain('Step 1: Tool broken: error.');
    expect(tools.calls.map((c) => c.toolName)).toEqual(['broken']);

    updateWorkflow(w.bob, wf.id, { name: 'Continues', steps: [{ ...steps[0], continueOnError: true }, steps[1]] });
    const goes = scheduler.runNow(w.bob, wf.id, {});
    expect(await scheduler.whenDone(w.bob.user.id, goes)).toBe('succeeded');
    const r2 = getRun(w.bob, goes);
    expect(r2.steps.map((s) => s.status)).toEqual(['failed', 'succeeded']);
    expect(tools.calls.at(-1)!.args).toEqual({ prev: 'boom' });
  });

  test('cancel stops a running run; history filters and deletes finished runs only', async () => {
    let release!: () => void;
    const tools = recordingTools(() => new Promise((resolve) => (release = () => resolve(textOf('late')))));
    const { scheduler } = makeScheduler({ tools });
    scheduler.attachWindow(w.bob);
    const wf = createWorkflow(w.bob, { name: 'Slow', steps: [{ kind: 'tool', serverId: 's', toolName: 'wait', args: {} }] });
    const runId = scheduler.runNow(w.bob, wf.id, {});
    const done = scheduler.whenDone(w.bob.user.id, runId)!;
    await expect.poll(() => tools.calls.length).toBeGreaterThan(0);
    expect(tools.calls.at(-1)!.opts.signal?.aborted).toBe(false);
    expect(deleteRun(w.bob, runId)).toBe(false);
    expect(scheduler.cancel(w.bob, runId)).toBe(true);
    expect(await done).toBe('cancelled');
    expect(tools.calls.at(-1)!.opts.signal?.aborted).toBe(true);
    release();
    expect(getRun(w.bob, runId).status).toBe('cancelled');
    expect(listRuns(w.bob, { workflowId: wf.id }).map((r) => r.id)).toEqual([runId]);
    expect(listRuns(w.bob, { status: 'succeeded', workflowId: wf.id })).toEqual([]);
    expect(deleteRun(w.bob, runId)).toBe(true);
    expect(listRuns(w.bob, { workflowId: wf.id })).toEqual([]);
    expect(vaultOf(w.bob).prepare('SELECT count(*) FROM run_steps WHERE run_id = ?').pluck().get(runId)).toBe(0);
  });

  test("one person's run ids name nothing in another's vault", async () => {
    const { scheduler } = makeScheduler({ tools: recordingTools() });
    scheduler.attachWindow(w.admin);
    scheduler.attachWindow(w.bob);
    const wf = createWorkflow(w.admin, { name: 'Mine', steps: [{ kind: 'tool', serverId: 's', toolName: 't', args: {} }] });
    const runId = scheduler.runNow(w.admin, wf.id, {});
    await scheduler.whenDone(w.admin.user.id, runId);
    expect(() => getRun(w.bob, runId)).toThrow(/does not exist/);
    expect(() => getWorkflow(w.bob, wf.id)).toThrow(/does not exist/);
    expect(() => scheduler.runNow(w.bob, wf.id, {})).toThrow(/does not exist/);
    expect(scheduler.cancel(w.bob, runId)).toBe(false);
  });
});
