import { afterAll, beforeAll, expect, test } from 'vitest';
import { reply } from '../helpers/fakeProvider';
import { createSharedAgent, INSTRUCTIONS_MARKER, ok, startSharingWorld, type SharingWorld } from '../sharing/world';

/** Agent steps on shared agents go through the same access, quota and key handling as chat. */
let w: SharingWorld;
beforeAll(async () => {
  w = await startSharingWorld();
});
afterAll(async () => {
  await w?.close();
});

async function runToEnd(ws: SharingWorld['gus']['ws'], runId: string) {
  for (let i = 0; i < 500; i++) {
    const run = await ok(ws, 'runs.get', { id: runId });
    if (!['queued', 'running'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('run did not end');
}

test('a workflow step on a shared agent runs on its shared key with its instructions; without access it is refused at save and at run time', async () => {
  const { id, credential } = await createSharedAgent(w);
  // Tess has no access: saving a step on it answers as for an agent that does not exist.
  const refused = await w.tess.ws.call('workflows.create', { name: 'X', steps: [{ kind: 'agent', agent: { sharedAgentId: id }, prompt: 'hi' }] });
  expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'use' });
  const wf = await ok(w.gus.ws, 'workflows.create', {
    name: 'Ward report',
    inputs: [{ name: 'bed' }],
    steps: [{ kind: 'agent', agent: { sharedAgentId: id }, prompt: 'Report on bed {{inputs.bed}}' }],
  });
  w.fake.enqueue(reply('Bed 4 is fine.'));
  const first = await runToEnd(w.gus.ws, (await ok(w.gus.ws, 'workflows.runNow', { id: wf.id, inputs: { bed: '4' } })).runId);
  expect(first).toMatchObject({ status: 'succeeded', steps: [{ output: 'Bed 4 is fine.', input: 'Report on bed 4' }] });
  const request = w.fake.chatRequests().at(-1)!;
  expect(request.apiKey).toBe(credential);
  expect(JSON.stringify(request.body)).toContain(INSTRUCTIONS_MARKER);
  // The run shows the step, never the agent's instructions.
  expect(JSON.stringify(first)).not.toContain(INSTRUCTIONS_MARKER);
  const usage = await ok(w.admin.ws, 'shared.accessLog', { id });
  expect(usage.some((e: { user: { id: string } | null }) => e.user?.id === w.gus.id)).toBe(true);

  // Access removed: the next run fails on that step with a clear code.
  await ok(w.admin.ws, 'admin.groups.removeMember', { id: w.groupId, userId: w.gus.id });
  const second = await runToEnd(w.gus.ws, (await ok(w.gus.ws, 'workflows.runNow', { id: wf.id, inputs: { bed: '5' } })).runId);
  expect(second.status).toBe('failed');
  expect(second.errorCode).toBe('NOT_FOUND');
});
