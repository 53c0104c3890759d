import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { getRun } from '../../main/core/workflows/runs';
import { createWorkflow } from '../../main/core/workflows/store';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { ADMIN, openAccounts, removeDir, tempDataDir, TEST_KEYCHAIN_SERVICE } from '../helpers/env';
import { connectAgent } from '../agents/world';
import { makeScheduler } from './world';

const CHILD = fileURLToPath(new URL('./fixtures/runChild.ts', import.meta.url));
const TRIALS = 20;
const STEPS = 50;
const ANSWER = 'agent-says-' + 'z'.repeat(500);

const dir = tempDataDir('cubby-wf-crash-');
let fake: FakeProvider;
let workflowId = '';
beforeAll(async () => {
  fake = await startFakeProvider();
  fake.handler = () => ({ kind: 'reply', chunks: [ANSWER.slice(0, 250), ANSWER.slice(250)], delayMs: 10 });
  const accounts = await openAccounts(dir);
  const { session } = await accounts.setup(ADMIN);
  const { agentId } = connectAgent(session, fake);
  const steps = Array.from({ length: STEPS }, (_, i) =>
    i % 5 === 4
      ? { kind: 'agent', agent: { agentId }, prompt: `Step ${i + 1} about {{inputs.topic}}: {{steps.${i}.output}}` }
      : { kind: 'tool', serverId: 'local', toolName: 'echo', args: { n: String(i) } },
  );
  workflowId = createWorkflow(session, { name: 'Long', inputs: [{ name: 'topic' }], steps, timeLimitMs: 600_000 }).id;
  accounts.close();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

function runAndKill(killAfterStartMs: number): Promise<{ runId: string; stepsSeen: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, TEST_KEYCHAIN_SERVICE, ADMIN.username, ADMIN.password, workflowId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const trial = { runId: '', stepsSeen: 0 };
    let buffered = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, n] = line.split(' ');
        // The run starts inside runNow, before its id is printed: the kill is timed from the id.
        if (word === 'start') {
          trial.runId = n!;
          setTimeout(() => child.kill('SIGKILL'), killAfterStartMs);
        }
        if (word === 'step') trial.stepsSeen++;
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(trial) : reject(new Error(`child ended on its own: ${err.slice(0, 2000)}`))));
  });
}

test(`a run in a process killed with SIGKILL reopens as interrupted with whole step results only (${TRIALS} trials)`, async () => {
  let midRun = 0;
  for (let t = 0; t < TRIALS; t++) {
    const trial = await runAndKill(Math.random() * 1200); // the run takes about 2 s
    expect(trial.runId).not.toBe('');
    const accounts = await openAccounts(dir);
    try {
      const session = await accounts.login(ADMIN.username, ADMIN.password);
      const db = vaultOf(session);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(getRun(session, trial.runId).status).toBe('running');
      const { scheduler } = makeScheduler();
      scheduler.attachWindow(session); // the vault opening for runs marks what a dead process left
      const run = getRun(session, trial.runId);
      expect(run.status).toBe('interrupted');
      expect(run.finishedAt).not.toBeNull();
      // Steps 0..k-1, each whole: its full output and its log line.
      expect(run.steps.map((s) => s.index)).toEqual(run.steps.map((_, i) => i));
      for (const s of run.steps) {
        expect(s.status).toBe('succeeded');
        expect(s.output).toBe(s.kind === 'tool' ? `out-${s.index}-${'y'.repeat(3000)}` : ANSWER);
      }
      expect(run.log.filter((l) => / done\.$/.test(l.message))).toHaveLength(run.steps.length);
      expect(run.steps.length).toBeLessThan(STEPS);
      if (run.steps.length > 0) midRun++;
    } finally {
      accounts.close();
    }
  }
  expect(midRun).toBeGreaterThan(TRIALS / 2); // most kills landed after some steps were written
}, 400_000);
