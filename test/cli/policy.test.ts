import { chownSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { POLICY_KEYS } from '../../main/core/policy/schema';
import { IS_ROOT, NOT_ROOT_REASON, OTHER_UID, policyDir, policyFile } from '../policy/helpers';
import { runCli } from './run';

/**
 * `cubby policy show` in a child process, as IT runs it. CUBBY_POLICY_FILE points it at a test
 * file (honoured only outside a packaged build); the ownership rule still applies to that file.
 */
const dir = policyDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const show = (file: string | undefined, args: string[] = []) =>
  runCli(['policy', 'show', ...args], { env: { CUBBY_POLICY_FILE: file, CUBBY_DATA_DIR: undefined } });

describe.skipIf(!IS_ROOT)(`cubby policy show (${NOT_ROOT_REASON})`, () => {
  test('prints every effective value and where it came from, with no data directory needed', async () => {
    const file = policyFile(dir, { minPasswordLength: 14, allowSync: false, allowedProviderBaseUrls: ['http://127.0.0.1:11434'] });
    const r = await show(file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Policy source: ${file}`);
    expect(r.stdout).toMatch(/^POLICY\s+VALUE\s+SOURCE$/m);
    expect(r.stdout).toMatch(new RegExp(`^minPasswordLength\\s+14\\s+file ${file}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^allowSync\\s+false\\s+file ${file}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^allowedProviderBaseUrls\\s+http://127.0.0.1:11434\\s+file ${file}$`, 'm'));
    expect(r.stdout).toMatch(/^maxIdleMinutes\s+15\s+default$/m);
    expect(r.stdout).toMatch(/^recoveryEscrowPublicKey\s+\(not set\)\s+default$/m);
    for (const key of POLICY_KEYS) expect(r.stdout).toMatch(new RegExp(`^${key}\\s`, 'm'));
    expect(r.stderr).toMatch(/CUBBY_POLICY_FILE.*development only/);
  });

  test('--json gives values and sources for scripts', async () => {
    const file = policyFile(dir, { maxIdleMinutes: 5 }, 'json.json');
    const r = await show(file, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.policies.maxIdleMinutes).toEqual({ value: 5, source: { kind: 'file', location: file } });
    expect(out.policies.minPasswordLength).toEqual({ value: 10, source: { kind: 'default' } });
    expect(Object.keys(out.policies)).toEqual(POLICY_KEYS);
  });

  test('a file not owned by root is ignored, and says so; an invalid one is POLICY_INVALID', async () => {
    const file = policyFile(dir, { minPasswordLength: 20 }, 'other.json');
    chownSync(file, OTHER_UID, 0);
    const refused = await show(file);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stdout).toContain(`Note: ignored ${file}: it is not owned by root`);
    expect(refused.stdout).toMatch(/^minPasswordLength\s+10\s+default$/m);

    const invalid = await show(policyFile(dir, { minPasswordLength: 'twenty' }, 'bad.json'));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error POLICY_INVALID: .*minPasswordLength/m);
    expect(invalid.stderr).not.toContain('twenty');
  });

  test('a missing file shows the defaults; a subcommand is required', async () => {
    const r = await show(join(dir, 'absent.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^minPasswordLength\s+10\s+default$/m);
    const bare = await runCli(['policy']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^error USAGE: 'policy' needs one of: show\./m);
    expect((await runCli(['policy', '--help'])).stdout).toMatch(/^Usage: cubby policy show/);
  });

  test('setup from the command line follows the machine minimum', async () => {
    const file = policyFile(dir, { minPasswordLength: 30 }, 'long.json');
    const dataDir = join(dir, 'data');
    const r = await runCli(['setup', '--username', 'ada', '--display-name', 'Ada'], {
      dataDir,
      stdin: 'correct horse battery staple\n', // 28 characters
      env: { CUBBY_POLICY_FILE: file },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error PASSWORD_POLICY: .*30 characters/m);
  });
});
