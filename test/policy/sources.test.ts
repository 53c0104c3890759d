import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { isCubbyError } from '../../main/core/errors';
import { platformPolicySource, resolvePolicy } from '../../main/core/policy/effective';
import { linuxPolicyFile, LINUX_POLICY_FILE } from '../../main/core/policy/linuxFile';
import { macManagedPreferences } from '../../main/core/policy/macManagedPrefs';
import { DEFAULT_MACHINE_POLICY } from '../../main/core/policy/schema';
import { REGISTRY_KEY, REGISTRY_LOCATION, windowsRegistryPolicy, type RegistryReader, type RegistryValue } from '../../main/core/policy/windowsRegistry';
import { IS_ROOT, NOT_ROOT_REASON, OTHER_UID, policyDir, policyFile, recordingLog } from './helpers';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const dirs: string[] = [];
function dir(): string {
  const d = policyDir();
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A value an attacker would like to see applied; the log must never repeat it. */
const MARKER = 'https://attacker.example/v1';
const STRICT = { minPasswordLength: 16, maxIdleMinutes: 5, allowSync: false, allowedProviderBaseUrls: [MARKER] };

function expectInvalid(fn: () => unknown, mentions: string): void {
  try {
    fn();
  } catch (e) {
    expect(isCubbyError(e, 'POLICY_INVALID'), String(e)).toBe(true);
    expect((e as Error).message).toContain(mentions);
    return;
  }
  throw new Error('expected POLICY_INVALID');
}

describe.skipIf(!IS_ROOT)(`Linux policy file ownership (${NOT_ROOT_REASON})`, () => {
  test('a root-owned file, not writable by group or others, is applied and each value names its source', () => {
    const file = policyFile(dir(), STRICT);
    const log = recordingLog();
    const p = resolvePolicy(linuxPolicyFile(file), log);
    expect(p.values).toMatchObject(STRICT);
    expect(p.values.argon2idMemoryMiB).toBe(DEFAULT_MACHINE_POLICY.argon2idMemoryMiB);
    expect(p.origins.minPasswordLength).toEqual({ kind: 'file', location: file });
    expect(p.origins.argon2idMemoryMiB).toEqual({ kind: 'default' });
    expect(log.lines).toEqual([]);
  });

  const refusals: [string, (file: string, d: string) => void, RegExp][] = [
    ['owned by another user', (f) => chownSync(f, OTHER_UID, 0), /not owned by root/],
    ['world-writable', (f) => chmodSync(f, 0o666), /writable by group or others/],
    ['group-writable', (f) => chmodSync(f, 0o664), /writable by group or others/],
    ['in a directory others can write (no sticky bit)', (_f, d) => chmodSync(d, 0o777), /parent directory .* writable by group or others/],
    ['in a directory owned by another user', (_f, d) => chownSync(d, OTHER_UID, 0), /parent directory .* not owned by root/],
  ];
  for (const [what, spoil, reason] of refusals) {
    test(`a file ${what} is refused with one log line, without its content, and defaults apply`, () => {
      const d = dir();
      const file = policyFile(d, STRICT);
      spoil(file, d);
      const log = recordingLog();
      const p = resolvePolicy(linuxPolicyFile(file), log);
      expect(p.values).toEqual(DEFAULT_MACHINE_POLICY);
      expect(Object.values(p.origins).every((o) => o.kind === 'default')).toBe(true);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(reason);
      expect(log.lines[0]).toContain(file);
      expect(log.lines.join('\n')).not.toContain(MARKER);
      expect(p.notices).toHaveLength(1);
    });
  }

  test('a symbolic link is refused, even to a good file, and so is a directory path through a user-owned link', () => {
    const d = dir();
    const good = policyFile(d, STRICT);
    const link = join(d, 'link.json');
    symlinkSync(good, link);
    const log = recordingLog();
    expect(resolvePolicy(linuxPolicyFile(link), log).values).toEqual(DEFAULT_MACHINE_POLICY);
    expect(log.lines[0]).toMatch(/symbolic link/);

    // /etc/cubby -> a directory some user owns: its real parent is checked, not the link's.
    const userDir = join(d, 'user-owned');
    mkdirSync(userDir, { mode: 0o755 });
    policyFile(userDir, STRICT);
    chownSync(userDir, OTHER_UID, 0);
    const viaLink = join(d, 'etc-cubby');
    symlinkSync(userDir, viaLink);
    const log2 = recordingLog();
    expect(resolvePolicy(linuxPolicyFile(join(viaLink, 'policy.json')), log2).values).toEqual(DEFAULT_MACHINE_POLICY);
    expect(log2.lines[0]).toMatch(/not owned by root/);
  });

  test('a missing file means defaults and no log line', () => {
    const log = recordingLog();
    const p = resolvePolicy(linuxPolicyFile(join(dir(), 'absent.json')), log);
    expect(p.values).toEqual(DEFAULT_MACHINE_POLICY);
    expect(log.lines).toEqual([]);
  });

  test('an administrator’s file that is not valid stops Cubby (POLICY_INVALID), naming the setting, never the content', () => {
    const d = dir();
    const cases: [unknown, string][] = [
      ['{ "minPasswordLength": 16, ', 'not valid JSON'],
      [[1, 2], 'not a JSON object'],
      [{ minPasswordLength: 8 }, 'minPasswordLength'], // looser than Cubby's own floor
      [{ minPaswordLength: 16 }, 'minPaswordLength'], // a typo must not silently loosen anything
      [{ allowedProviderBaseUrls: ['ftp://files.example'] }, 'allowedProviderBaseUrls'],
      [{ allowedProviderBaseUrls: ['https://user:pw@example.com'] }, 'allowedProviderBaseUrls'],
      [{ allowSync: 'no' }, 'allowSync'],
      [{ updateMode: 'sometimes' }, 'updateMode'],
      [{ recoveryEscrowPublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 'recoveryEscrowPublicKey'],
    ];
    cases.forEach(([contents, mentions], i) => {
      const log = recordingLog();
      expectInvalid(() => resolvePolicy(linuxPolicyFile(policyFile(d, contents, `p${i}.json`)), log), mentions);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).not.toContain('ftp://');
    });
  });

  test('an administrator’s file this account cannot read, or one over 1 MiB, stops Cubby instead of running on defaults', () => {
    const d = dir();
    chmodSync(d, 0o755);
    const big = policyFile(d, STRICT, 'big.json');
    writeFileSync(big, JSON.stringify(STRICT) + ' '.repeat(1024 * 1024));
    expectInvalid(() => resolvePolicy(linuxPolicyFile(big), recordingLog()), 'larger than 1 MiB');

    // Mode 0600 root:root, read by the person's account (here: nobody), as an admin may leave it.
    const unreadable = policyFile(d, STRICT, 'private.json');
    chmodSync(unreadable, 0o600);
    const script = `
      import { linuxPolicyFile } from ${JSON.stringify(join(REPO, 'main/core/policy/linuxFile.ts'))};
      console.log(JSON.stringify(linuxPolicyFile(${JSON.stringify(unreadable)}).read()));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, uid: OTHER_UID, gid: OTHER_UID, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ status: 'invalid', reason: expect.stringContaining('cannot be read by this account') });
  });

  test('a real escrow public key and a $schema reference are accepted', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const file = policyFile(dir(), { $schema: './cubby-policy.schema.json', recoveryEscrowPublicKey: pem });
    expect(resolvePolicy(linuxPolicyFile(file), recordingLog()).values.recoveryEscrowPublicKey).toBe(pem);
  });
});

describe('the platform source', () => {
  test('Linux reads /etc/cubby/policy.json; the development override is honoured only when allowed', () => {
    expect(platformPolicySource({ platform: 'linux', allowOverride: true }).location).toBe(LINUX_POLICY_FILE);
    expect(platformPolicySource({ platform: 'linux', allowOverride: false, overrideFile: '/tmp/mine.json' }).location).toBe(LINUX_POLICY_FILE);
    expect(platformPolicySource({ platform: 'linux', allowOverride: true, overrideFile: '/tmp/mine.json' }).location).toBe('/tmp/mine.json');
    expect(platformPolicySource({ platform: 'darwin', allowOverride: false }).kind).toBe('managed-preferences');
  });
});

/** A registry with only the values given, under HKLM paths relative to the hive. */
function fakeRegistry(keys: Record<string, Record<string, RegistryValue>>): RegistryReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    values(subKey) {
      asked.push(subKey);
      const k = keys[subKey];
      return k ? new Map(Object.entries(k)) : null;
    },
  };
}

describe('Windows: HKLM\\Software\\Policies\\Cubby value mapping (fake registry)', () => {
  test('DWORDs, strings, list subkeys and a multi-string key map to the policy', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAbX8ZKjJf9Y2yQ2aYbP6w8m1o9sQ0hD5K7j0vYl8s3W0=\n-----END PUBLIC KEY-----\n';
    const reg = fakeRegistry({
      [REGISTRY_KEY]: {
        minPasswordLength: { type: 'dword', value: 14 },
        allowOwnToolServers: { type: 'dword', value: 0 },
        updateMode: { type: 'sz', value: 'notify' },
        recoveryEscrowPublicKey: { type: 'multi_sz', value: pem.trim().split('\n') },
        someOtherVendorValue: { type: 'sz', value: 'x' },
      },
      [`${REGISTRY_KEY}\\allowedProviderBaseUrls`]: {
        '2': { type: 'sz', value: 'http://127.0.0.1:11434' },
        '1': { type: 'sz', value: 'https://api.example.com/v1' },
      },
    });
    const log = recordingLog();
    const p = resolvePolicy(windowsRegistryPolicy(reg), log);
    expect(p.values).toMatchObject({
      minPasswordLength: 14,
      allowOwnToolServers: false,
      updateMode: 'notify',
      recoveryEscrowPublicKey: pem,
      allowedProviderBaseUrls: ['https://api.example.com/v1', 'http://127.0.0.1:11434'],
      allowOwnProviders: true,
    });
    expect(p.origins.minPasswordLength).toEqual({ kind: 'registry', location: REGISTRY_LOCATION });
    expect(p.origins.allowOwnProviders).toEqual({ kind: 'default' });
    // Only HKLM paths are ever asked for (the reader has no other hive); an unknown value is only noted.
    expect(reg.asked.every((k) => k.startsWith(REGISTRY_KEY))).toBe(true);
    expect(log.lines).toEqual([expect.stringMatching(/ignored 1 value/)]);
  });

  test('no key means defaults; a value of the wrong type or out of range is POLICY_INVALID', () => {
    expect(resolvePolicy(windowsRegistryPolicy(fakeRegistry({})), recordingLog()).values).toEqual(DEFAULT_MACHINE_POLICY);
    const bad: Record<string, RegistryValue>[] = [
      { allowSync: { type: 'sz', value: 'false' } },
      { allowSync: { type: 'dword', value: 2 } },
      { maxIdleMinutes: { type: 'sz', value: '10' } },
      { maxIdleMinutes: { type: 'dword', value: 0 } },
      { updateMode: { type: 'dword', value: 1 } },
    ];
    for (const values of bad) {
      const name = Object.keys(values)[0]!;
      expectInvalid(() => resolvePolicy(windowsRegistryPolicy(fakeRegistry({ [REGISTRY_KEY]: values })), recordingLog()), name);
    }
  });
});

describe.skipIf(!IS_ROOT)(`macOS: forced managed preferences value mapping (fake plutil; ${NOT_ROOT_REASON})`, () => {
  test('plist keys map to the policy; profile bookkeeping keys are ignored; ownership is checked first', () => {
    const d = dir();
    const plist = policyFile(d, '<plist/>', 'app.cubby.desktop.plist');
    const json = JSON.stringify({ maxIdleMinutes: 10, allowSync: false, allowedProviderKinds: ['anthropic'], PayloadUUID: 'X' });
    let converted = 0;
    const toJson = (path: string) => {
      expect(path).toBe(plist);
      converted++;
      return json;
    };
    const log = recordingLog();
    const p = resolvePolicy(macManagedPreferences(plist, toJson), log);
    expect(p.values).toMatchObject({ maxIdleMinutes: 10, allowSync: false, allowedProviderKinds: ['anthropic'] });
    expect(p.origins.maxIdleMinutes).toEqual({ kind: 'managed-preferences', location: plist });
    expect(log.lines).toEqual([expect.stringMatching(/ignored 1 value/)]);

    chownSync(plist, OTHER_UID, 0);
    const refused = resolvePolicy(macManagedPreferences(plist, toJson), recordingLog());
    expect(refused.values).toEqual(DEFAULT_MACHINE_POLICY);
    expect(converted).toBe(1); // a refused file is never even converted
  });

  test('a plist that plutil cannot convert, or with a wrong type, is POLICY_INVALID', () => {
    const plist = policyFile(dir(), '<plist/>', 'app.cubby.desktop.plist');
    expectInvalid(() => resolvePolicy(macManagedPreferences(plist, () => { throw new Error('invalid object'); }), recordingLog()), 'property list');
    expectInvalid(() => resolvePolicy(macManagedPreferences(plist, () => '{"maxIdleMinutes":"ten"}'), recordingLog()), 'maxIdleMinutes');
  });
});
