import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { Accounts } from '../../main/core/accounts/accounts';
import { ADMIN, removeDir, tempDataDir, TEST_KEYCHAIN_SERVICE, testKeychain } from '../helpers/env';

const CHILD = fileURLToPath(new URL('./fixtures/rewrapChild.ts', import.meta.url));
const TRIALS = 50;
const password = (i: number) => `crash test passphrase #${i}`;
const dir = tempDataDir('cubby-crash-');
afterAll(() => removeDir(dir));

const open = () => Accounts.open({ dataDir: dir, keychain: testKeychain(), policy: { kdfTargetMs: 0, freeFailures: 1_000_000 } });

/** Runs the child until `ready`, lets it rewrap for `delayMs`, then SIGKILLs it. Returns the last index it started. */
function runAndKill(startIndex: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, TEST_KEYCHAIN_SERVICE, String(startIndex)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited on its own: ${err}`));
      const started = [...out.matchAll(/start (\d+)/g)].map((m) => Number(m[1]));
      resolve(started.length ? started[started.length - 1]! : startIndex);
    });
  });
}

test(`password change survives SIGKILL at ${TRIALS} random points: the old or the new password always opens the vault`, async () => {
  const setup = await open();
  const { session } = await setup.setup(ADMIN);
  const invite = await setup.createInvite(session, { username: 'kim', displayName: 'Kim', role: 'user' });
  await setup.redeemInvite({ username: 'kim', code: invite.code, password: password(0) });
  // One uninterrupted change tells how long a rewrap takes here; kills land across ~3 of them.
  const t0 = performance.now();
  const s = await setup.login('kim', password(0));
  await setup.changePassword(s, password(0), password(1));
  const rewrapMs = performance.now() - t0;
  setup.close();

  let current = 1;
  // Kills that landed during the child's first change, and kills after it had committed some.
  const spread = { first: 0, later: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const startedAt = current;
    const lastStarted = await runAndKill(current, Math.random() * rewrapMs * 3);
    const accounts = await open();
    try {
      const candidates = [lastStarted, lastStarted + 1];
      const opened: number[] = [];
      for (const c of candidates) {
        const session = await accounts.login('kim', password(c)).catch(() => null);
        if (session) {
          opened.push(c);
          accounts.lock(session);
        }
      }
      expect(opened, `trial ${trial}: killed during change ${lastStarted} -> ${lastStarted + 1}`).toHaveLength(1);
      current = opened[0]!;
      spread[lastStarted === startedAt ? 'first' : 'later']++;
      const integrity = (await import('../../main/core/accounts/session')).vaultOf(await accounts.login('kim', password(current)));
      expect(integrity.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      accounts.close();
    }
  }
  // The kill points were spread: some before any commit, some after earlier commits.
  expect(spread.first).toBeGreaterThan(0);
  expect(spread.later).toBeGreaterThan(0);
}, 300_000);
