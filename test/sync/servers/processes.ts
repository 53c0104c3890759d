/**
 * Daemons the sync tests start on 127.0.0.1: each in its own process group (so stop() ends it
 * and every child it made), its output in a log file under the server's temp directory, and a
 * last-resort kill when the test process exits without calling stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts a daemon in a new process group, stdout and stderr appended to logFile. */
export function spawnDaemon(command: string, args: string[], logFile: string, dir: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
    live.add(child);
    child.on('exit', () => live.delete(child));
    if (child.pid !== undefined) watchdog(child.pid, dir);
    return child;
  } finally {
    closeSync(fd);
  }
}

/**
 * A test worker killed outright (a timeout, Ctrl-C) runs no exit handler: a small shell waits for
 * this process to go and then kills the daemon's group and removes the server's directory, so
 * nothing outlives its test run.
 */
function watchdog(group: number, dir: string): void {
  const script =
    'while kill -0 "$0" 2>/dev/null && kill -0 -"$1" 2>/dev/null; do sleep 1; done; ' +
    'if ! kill -0 "$0" 2>/dev/null; then kill -KILL -"$1" 2>/dev/null; sleep 1; rm -rf -- "$2"; fi; exit 0';
  spawn('sh', ['-c', script, String(process.pid), String(group), dir], { detached: true, stdio: 'ignore' }).unref();
}

/** SIGTERM to the group, then SIGKILL if it has not exited after graceMs. */
export async function stopDaemon(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  killGroup(child, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Children that left the group leader behind (Apache's workers) go too.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // none left
  }
  live.delete(child);
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The last lines of the given log files, for a start-up failure message. */
export function logTail(files: string[], lines = 25): string {
  return files
    .filter((f) => existsSync(f))
    .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}

/** Calls probe until it returns true or deadline passes; a dead daemon ends the wait early. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, daemons: ChildProcess[], logs: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = daemons.find((d) => d.exitCode !== null || d.signalCode !== null);
    if (dead) throw new Error(`${what}: ${dead.spawnfile} exited (${dead.exitCode ?? dead.signalCode}) while starting\n${logTail(logs)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${logTail(logs)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
