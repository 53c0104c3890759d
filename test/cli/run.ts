import { spawn } from 'node:child_process';
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

/**
 * Run the real command line in a child process, as IT would: stdin is a pipe (not a TTY), so
 * passwords come from its lines. env entries set to undefined are removed.
 */
export function runCli(
  args: string[],
  opts: { dataDir?: string; stdin?: string; env?: Record<string, string | undefined>; viaBin?: boolean } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, CUBBY_KEYCHAIN_SERVICE: TEST_KEYCHAIN_SERVICE, CUBBY_DATA_DIR: opts.dataDir };
  for (const [k, v] of Object.entries(opts.env ?? {})) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const argv = opts.viaBin ? [BIN, ...args] : ['--import', 'tsx', CLI, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** stdin for commands that ask one password. */
export const line = (s: string) => `${s}\n`;
