/**
 * The scheduler at the scale of a busy shared computer: 20 people with their vaults open and 500
 * scheduled workflows between them. Figures: one tick when nothing is due (what it costs every
 * few seconds), and one tick when every workflow is due at once (it queues 500 runs in 20
 * vaults); the baseline is a naive tick that reads each vault's schedules and asks croner for
 * every workflow's next time on every tick, measured in the same run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../main/core/accounts/session';
import { dataPaths } from '../../main/core/paths';
import { nextAfter } from '../../main/core/scheduler/cron';
import { Scheduler } from '../../main/core/scheduler/scheduler';
import { ownAgentsOnly } from '../../main/core/workflows/agentStep';
import { createWorkflow, scheduledWorkflows } from '../../main/core/workflows/store';
import { fmt, median, table, title } from './report';

const PEOPLE = 20;
const WORKFLOWS = 500;
const IDLE_TICKS = 400;
const CRONS = ['0 8 * * 1-5', '30 9 * * *', '0 12 * * 1', '15 18 * * *', '0 */6 * * *'];

function timeEach(n: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

export async function benchScheduler(): Promise<void> {
  title(`Scheduler: ${PEOPLE} people, ${WORKFLOWS} scheduled workflows`);
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-scheduler-'));
  const paths = dataPaths(dir);
  mkdirSync(join(dir, 'vaults'), { recursive: true, mode: 0o700 });
  const start = new Date(2026, 10, 23, 1, 0).getTime(); // a Monday, 1:00 local: nothing is due until 6:00
  let now = start;
  const sessions: Session[] = [];
  try {
    for (let p = 0; p < PEOPLE; p++) {
      sessions.push(openSession(paths, { id: randomUUID(), username: `person${p}`, displayName: `Person ${p}` }, randomBytes(32)));
    }
    for (let i = 0; i < WORKFLOWS; i++) {
      createWorkflow(
        sessions[i % PEOPLE]!,
        { name: `Workflow ${i}`, steps: [{ kind: 'tool', serverId: 's', toolName: 't', args: {} }], schedule: { cron: CRONS[i % CRONS.length]! } },
        start,
      );
    }
    let toolCalls = 0;
    const scheduler = new Scheduler({
      env: {
        agents: ownAgentsOnly,
        tools: () => ({ call: async () => (toolCalls++, { content: [], isError: false }), list: async () => [] }),
        runtime: {},
      },
      now: () => now,
    });
    for (const s of sessions) scheduler.attachWindow(s);

    const idle = timeEach(IDLE_TICKS, () => scheduler.tick());
    const naive = timeEach(IDLE_TICKS / 10, () => {
      for (const s of sessions) for (const w of scheduledWorkflows(s)) if ((nextAfter(w.cron, w.lastTickAt) ?? Infinity) <= now) throw new Error('bench: due');
    });
    // Monday 23:59: every workflow has come due once since 1:00.
    now = new Date(2026, 10, 23, 23, 59).getTime();
    const allDue = timeEach(1, () => scheduler.tick())[0]!;
    const queued = sessions.reduce((n, s) => n + scheduler.activeRuns(s.user.id).length, 0);
    const drainStart = performance.now();
    while (sessions.some((s) => scheduler.activeRuns(s.user.id).length > 0)) await new Promise((r) => setTimeout(r, 5));
    const drainMs = performance.now() - drainStart;

    table(
      ['', 'ms per tick'],
      [
        [`tick, nothing due (median of ${IDLE_TICKS})`, fmt(median(idle), 3)],
        [`baseline: read every vault's schedules and ask croner each tick (median of ${IDLE_TICKS / 10})`, fmt(median(naive), 3)],
        [`tick with all ${WORKFLOWS} due (queues ${queued} runs, one per workflow)`, fmt(allDue, 1)],
      ],
    );
    console.log(
      `The idle tick costs ${fmt((median(idle) / median(naive)) * 100, 1)} % of the naive one. The ${toolCalls} queued runs (one tool step each, one at a time per person) then took ${fmt(drainMs, 0)} ms.`,
    );
  } finally {
    for (const s of sessions) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
