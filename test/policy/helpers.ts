import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests of the ownership rule need to create root-owned files and hand others to another uid:
 * only possible when the test runner is root (as in CI here). Elsewhere those cases skip, saying why.
 */
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
export const NOT_ROOT_REASON = 'needs a root test runner to create root-owned policy files and chown them';
export const OTHER_UID = 1000;

/** A directory only root can change (mode 0755 under the sticky /tmp). */
export function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cubby-policy-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** A root-owned, 0644 policy file with these contents. */
export function policyFile(dir: string, contents: unknown, name = 'policy.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents), { mode: 0o644 });
  chmodSync(file, 0o644);
  return file;
}

export function recordingLog(): { lines: string[]; error(message: string): void } {
  const lines: string[] = [];
  return { lines, error: (m: string) => lines.push(m) };
}
