/**
 * Router overhead per call: validation against the contract, routing, the session check and
 * output validation, compared with calling the same vault function directly.
 */
import { readFileSync } from 'node:fs';
import { startCubby } from '../../main/app';
import { dataPaths } from '../../main/core/paths';
import { getSetting } from '../../main/core/vault/settings';
import { ADMIN, removeDir, tempDataDir, testKeychain, TEST_POLICY } from '../helpers/env';
import { fmt, median, table, title } from './report';

const CALLS = 20_000;
const ROUNDS = 5;

/** Microseconds per call of an async operation awaited CALLS times in a row. */
async function perCallUs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await fn();
  return ((performance.now() - start) * 1000) / CALLS;
}

/** The same for a synchronous function: no await in the loop. */
function perCallUsSync(fn: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) fn();
  return ((performance.now() - start) * 1000) / CALLS;
}

export async function benchRouter(): Promise<void> {
  title(`c. Router overhead per call (${fmt(CALLS, 0)} calls, median of ${ROUNDS} rounds)`);
  const dir = tempDataDir('cubby-bench-router-');
  const keychain = testKeychain();
  const cubby = await startCubby({ dataDir: dir, keychain, policy: TEST_POLICY });
  let userId: string | null = null;
  try {
    const { router } = cubby;
    const conn = router.connect(() => undefined);
    const setup = await router.call(conn, 'auth.setup', ADMIN);
    if (!setup.ok) throw new Error(`setup failed: ${setup.error.code}`);
    const session = router.sessionOf(conn);
    if (!session) throw new Error('no session bound to the connection');
    userId = session.user.id;
    const set = await router.call(conn, 'settings.set', { key: 'theme', value: 'dark' });
    if (!set.ok) throw new Error(`settings.set failed: ${set.error.code}`);

    let failures = 0;
    const viaRouter = async () => {
      const r = await router.call(conn, 'settings.get', { key: 'theme' });
      if (!r.ok) failures++;
    };
    let rejectedOk = 0;
    const rejected = async () => {
      const r = await router.call(conn, 'settings.get', { key: 'theme', userId: 'someone-else' }); // unknown field
      if (r.ok || r.error.code !== 'VALIDATION') rejectedOk++;
    };
    const direct = () => {
      if (getSetting(session, 'theme') !== 'dark') failures++;
    };
    const directAsync = async () => direct();

    const runs = { direct: [] as number[], directAsync: [] as number[], router: [] as number[], rejected: [] as number[] };
    for (let r = 0; r <= ROUNDS; r++) {
      const round = {
        router: await perCallUs(viaRouter),
        direct: perCallUsSync(direct),
        rejected: await perCallUs(rejected),
        directAsync: await perCallUs(directAsync),
      };
      if (r === 0) continue; // warm-up round
      for (const k of Object.keys(runs) as (keyof typeof runs)[]) runs[k].push(round[k]);
    }
    if (failures || rejectedOk) throw new Error(`unexpected answers: ${failures} failed calls, ${rejectedOk} accepted invalid calls`);

    const base = median(runs.direct);
    const row = (name: string, xs: number[]) => [name, fmt(median(xs), 2), fmt(median(xs) / base, 2)];
    table(
      ['call', 'µs/call', 'ratio to direct'],
      [
        row('direct getSetting(session, key), synchronous (baseline)', runs.direct),
        row('direct getSetting, in an async function, awaited', runs.directAsync),
        row("router.call(conn, 'settings.get') (validate + route + session check)", runs.router),
        row('router.call rejected: unknown field (validation error)', runs.rejected),
      ],
    );
    const overhead = median(runs.router) - base;
    console.log(`Router overhead per call: ${fmt(overhead, 2)} µs over the direct call (${fmt(median(runs.router) - median(runs.directAsync), 2)} µs over the awaited direct call).`);
    console.log(`A rejected call is answered in ${fmt(median(runs.rejected), 2)} µs and never reaches a handler.`);
  } finally {
    cubby.close();
    if (userId) await keychain.delete(userId);
    const installId = (JSON.parse(readFileSync(dataPaths(dir).installFile, 'utf8')) as { installId: string }).installId;
    await keychain.delete(`catalog:${installId}`);
    removeDir(dir);
  }
}
