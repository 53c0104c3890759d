import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createWorkflow } from '../../main/core/workflows/store';
import { getRun } from '../../main/core/workflows/runs';
import { reply, startFakeProvider } from '../helpers/fakeProvider';
import { filesContaining, filesUnder, removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { connectAgent } from '../agents/world';
import { makeScheduler, recordingTools, textOf } from './world';

const dir = tempDataDir('cubby-wf-plain-');
afterAll(() => removeDir(dir));

test('markers in workflow definitions, run inputs, step outputs, errors and logs appear in plaintext in no file under the data directory', async () => {
  const sqliteTmp = join(dir, 'sqlite-tmp');
  mkdirSync(sqliteTmp);
  process.env.SQLITE_TMPDIR = sqliteTmp;
  const tag = Math.random().toString(36).slice(2, 10);
  const m = {
    name: `workflow-name-marker-${tag}`,
    prompt: `prompt-marker-${tag}`,
    input: `run-input-marker-${tag}`,
    agentOutput: `agent-output-marker-${tag}`,
    toolOutput: `tool-output-marker-${tag}`,
    toolError: `tool-error-marker-${tag}`,
  };
  const fake = await startFakeProvider();
  const { accounts, bob } = await twoUsers(dir);
  try {
    const { agentId } = connectAgent(bob, fake);
    const tools = recordingTools((c) =>
      c.toolName === 'fails' ? { content: [{ type: 'text', text: m.toolError }], isError: true } : textOf(`${m.toolOutput} ${'o'.repeat(3000)}`),
    );
    const { scheduler } = makeScheduler({ tools });
    scheduler.attachWindow(bob);
    const wf = createWorkflow(bob, {
      name: m.name,
      inputs: [{ name: 'topic' }],
      steps: [
        { kind: 'agent', agent: { agentId }, prompt: `${m.prompt} {{inputs.topic}}` },
        { kind: 'tool', serverId: 's', toolName: 'save', args: { text: '{{steps.1.output}}' } },
        { kind: 'tool', serverId: 's', toolName: 'fails', args: {}, continueOnError: true },
      ],
    });
    for (let i = 0; i < 20; i++) {
      fake.enqueue(reply(`${m.agentOutput} ${i} ${'lorem '.repeat(300)}`, { chunkSize: 200 }));
      const runId = scheduler.runNow(bob, wf.id, { topic: `${m.input} ${i}` });
      expect(await scheduler.whenDone(bob.user.id, runId)).toBe('succeeded');
      if (i === 0) expect(JSON.stringify(getRun(bob, runId))).toContain(m.toolError);
    }
    const check = () => {
      for (const [what, marker] of Object.entries(m)) expect(filesContaining(dir, marker), what).toEqual([]);
    };
    expect(filesUnder(dir).filter((f) => f.endsWith('-wal')).length).toBeGreaterThan(0);
    check(); // while open, content in the WAL
    accounts.close();
    check();
    expect(readdirSync(sqliteTmp)).toEqual([]);
    writeFileSync(join(dir, 'canary.txt'), m.toolOutput);
    expect(filesContaining(dir, m.toolOutput)).toEqual([join(dir, 'canary.txt')]);
  } finally {
    accounts.close();
    await fake.close();
  }
});
