/**
 * What a per-person stdio tool server costs to start through Cubby: its private directories,
 * its environment built from the vault (a secret read), setsid, the MCP SDK's client handshake
 * and the first tools/list. Baselines in the same run: a bare node process that says it is
 * ready, and the same fixture server started by hand with the same two JSON-RPC requests
 * written to its stdin (no SDK client, no vault). Also one tool call against a raw round trip.
 */
import { spawn } from 'node:child_process';
import { toolCaller, toolHostOf } from '../../main/core/tools';
import { listServerTools } from '../../main/core/tools';
import { storeApproval } from '../../main/core/vault/toolServers';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { addStdioFixture, STDIO_FIXTURE } from '../tools/world';
import { fmt, median, quantile, table, title } from './report';

const RUNS = 12;
const ENV = { PATH: '/usr/bin:/bin', HOME: '/tmp' };

function spawnUntil(args: string[], input: string[], doneAfter: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: ENV, stdio: ['pipe', 'pipe', 'ignore'] });
    let lines = 0;
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines += parts.length;
      if (lines >= doneAfter) {
        const ms = performance.now() - started;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
    child.on('error', reject);
    for (const l of input) child.stdin.write(`${l}\n`);
  });
}

const rpc = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const INIT = rpc(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
const LIST = rpc(2, 'tools/list', {});

export async function benchTools(): Promise<void> {
  title('Tool servers (MCP stdio, per person)');
  const bare: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await spawnUntil(['-e', "process.stdout.write('ready\\n'); process.stdin.resume()"], [], 1));
    raw.push(await spawnUntil([STDIO_FIXTURE], [INIT, INITIALIZED, LIST], 2));
  }

  const dir = tempDataDir('cubby-bench-tools-');
  const world = await twoUsers(dir);
  const cubby: number[] = [];
  const calls: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const { server } = addStdioFixture(world.admin);
      const t0 = performance.now();
      const tools = await listServerTools(world.admin, server.id);
      cubby.push(performance.now() - t0);
      const echo = tools.find((t) => t.name === 'echo')!;
      storeApproval(world.admin, server.id, 'echo', echo.definitionHash);
      const t1 = performance.now();
      await toolCaller(world.admin).call(server.id, 'echo', { text: 'bench' }, { approval: 'require-stored' });
      calls.push(performance.now() - t1);
      await toolHostOf(world.admin).stop(server.id);
    }
  } finally {
    world.accounts.close();
    removeDir(dir);
  }
  const row = (name: string, xs: number[]) => [name, fmt(median(xs)), fmt(quantile(xs, 0.9))];
  table(
    ['start to first tools/list (ms)', 'median', 'p90'],
    [
      row('bare node process, ready line (baseline)', bare),
      row('fixture server by hand: initialize + tools/list (baseline)', raw),
      row('Cubby: per-person server (homes, env from vault, setsid, SDK)', cubby),
    ],
  );
  console.log(`Added cost of starting a per-person server: ${fmt(median(cubby) - median(raw))} ms over the same server started by hand, ${fmt(median(cubby) - median(bare))} ms over a bare node process.`);
  console.log(`One approved tool call (definition re-listed, approval checked, call): median ${fmt(median(calls))} ms, p90 ${fmt(quantile(calls, 0.9))} ms.`);
}
