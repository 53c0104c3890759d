import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_KEYCHAIN_SERVICE } from '../helpers/env';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../main/cli/cubby.ts', import.meta.url));
export const BIN = fileURLToPath(new URL('../../main/cli/bin.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let bundleOut: string | null = null;

/**
 * The real app bundle (main/electron/bundle.mjs), built once per test file into a directory of
 * its own inside the repo (so the native modules resolve from node_modules as in a checkout).
 * Returns the bundled main: the file the packaged app starts.
 */
export function buildBundle(): string {
  if (!bundleOut) {
    const out = `dist/test-bundle-${process.pid}-${randomBytes(4).toString('hex')}`;
    execFileSync(process.execPath, [join(REPO, 'main/electron/bundle.mjs'), '--out', out], { cwd: REPO, stdio: 'pipe' });
    bundleOut = out;
  }
  return join(REPO, bundleOut, 'main/electron/main.js');
}

export function removeBundle(): void {
  if (bundleOut) rmSync(join(REPO, bundleOut), { recursive: true, force: true });
  bundleOut = null;
}

export function testEnv(dataDir: string | undefined, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, CUBBY_KEYCHAIN_SERVICE: TEST_KEYCHAIN_SERVICE, CUBBY_DATA_DIR: dataDir };
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as Record<string, string>;
}

/**
 * Run the real command line in a child process, as IT would: stdin is a pipe (not a TTY), so
 * passwords come from its lines. By default through the same entry the packaged app uses, the
 * bundled main with --cli, under plain Node (buildBundle() must have run); `via: 'tsx'` runs
 * main/cli/cubby.ts (npm run cubby) and `via: 'bin'` the bin launcher. env entries set to
 * undefined are removed; `argv` adds arguments before --cli (as Chromium switches would be).
 */
export function runCli(
  args: string[],
  opts: { dataDir?: string; stdin?: string; env?: Record<string, string | undefined>; via?: 'bundle' | 'tsx' | 'bin'; before?: string[] } = {},
): Promise<CliResult> {
  const env = testEnv(opts.dataDir, opts.env);
  const via = opts.via ?? 'bundle';
  const argv =
    via === 'bin' ? [BIN, ...args] : via === 'tsx' ? ['--import', 'tsx', CLI, ...args] : [buildBundle(), ...(opts.before ?? []), '--cli', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a command that exits before reading stdin
    child.stdin.end(opts.stdin ?? '');
  });
}

/** stdin for commands that ask one password. */
export const line = (s: string) => `${s}\n`;
