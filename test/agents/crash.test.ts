import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { getMessage, recoverInterruptedMessages } from '../../main/core/vault/messages';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { ADMIN, openAccounts, removeDir, tempDataDir, TEST_KEYCHAIN_SERVICE } from '../helpers/env';
import { connectAgent } from './world';

const CHILD = fileURLToPath(new URL('./fixtures/streamChild.ts', import.meta.url));
const TRIALS = 20;
const WORDS = Array.from({ length: 400 }, (_, i) => `w${i} `);
const FULL = WORDS.join('');
/** The runner saves every 500 ms; the pipe and the scheduler add a little. "About a second" with margin. */
const LOSS_WINDOW_MS = 1500;

const dir = tempDataDir('cubby-agents-crash-');
let fake: FakeProvider;
let agentId = '';
beforeAll(async () => {
  fake = await startFakeProvider();
  fake.handler = () => ({ kind: 'reply', chunks: WORDS, delayMs: 10 });
  const accounts = await openAccounts(dir);
  const { session } = await accounts.setup(ADMIN);
  agentId = connectAgent(session, fake).agentId;
  accounts.close();
});
afterAll(async () => {
  await fake.close();
  removeDir(dir);
});

interface Trial {
  messageId: number;
  killedAt: number;
  /** (arrival time in the parent, text length the child had streamed) */
  progress: [number, number][];
}

function streamAndKill(killAfterFirstDeltaMs: number): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, TEST_KEYCHAIN_SERVICE, ADMIN.username, ADMIN.password, agentId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const trial: Trial = { messageId: 0, killedAt: 0, progress: [] };
    let buffered = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'start') trial.messageId = Number(n);
        if (word === 'got') {
          if (trial.progress.length === 0) setTimeout(() => ((trial.killedAt = performance.now()), child.kill('SIGKILL')), killAfterFirstDeltaMs);
          trial.progress.push([performance.now(), Number(n)]);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(trial) : reject(new Error(`child ended on its own: ${err}`))));
  });
}

test(`an answer streaming in a process killed with SIGKILL reopens as interrupted with its text up to about a second before (${TRIALS} trials)`, async () => {
  let withText = 0;
  for (let t = 0; t < TRIALS; t++) {
    const killAfter = 200 + Math.random() * 2800; // the answer takes about 4 s
    const trial = await streamAndKill(killAfter);
    expect(trial.messageId).toBeGreaterThan(0);
    const accounts = await openAccounts(dir);
    try {
      const session = await accounts.login(ADMIN.username, ADMIN.password);
      expect(vaultOf(session).pragma('integrity_check', { simple: true })).toBe('ok');
      expect(getMessage(session, trial.messageId).status).toBe('streaming');
      expect(recoverInterruptedMessages(session)).toBe(1);
      const m = getMessage(session, trial.messageId);
      expect(m.status).toBe('interrupted');
      expect(FULL.startsWith(m.content), `trial ${t}: saved text is a prefix of the answer`).toBe(true);
      const streamedBefore = trial.progress.filter(([at]) => at <= trial.killedAt - LOSS_WINDOW_MS).map(([, n]) => n);
      const mustHave = streamedBefore.length ? Math.max(...streamedBefore) : 0;
      expect(m.content.length, `trial ${t}: killed ${Math.round(killAfter)} ms in`).toBeGreaterThanOrEqual(mustHave);
      if (m.content.length > 0) withText++;
    } finally {
      accounts.close();
    }
  }
  expect(withText).toBeGreaterThan(TRIALS / 2); // most kills landed after some text was saved
}, 400_000);
