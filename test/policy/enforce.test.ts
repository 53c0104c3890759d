import { describe, expect, test } from 'vitest';
import { isCubbyError } from '../../main/core/errors';
import { accountPolicyUnder, kdfFloorOf } from '../../main/core/policy/effective';
import { baseUrlAllowed, requirePolicy, requireProviderAllowed, requireSyncTargetAllowed, type PolicySwitch } from '../../main/core/policy/enforce';
import { DEFAULT_MACHINE_POLICY, type MachinePolicy } from '../../main/core/policy/schema';
import { atLeastFloor, KDF_FLOOR, raisedTo } from '../../main/core/keys/kdf';

function code(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return isCubbyError(e) ? e.code : 'not a CubbyError';
  }
}

const policy = (p: Partial<MachinePolicy>): MachinePolicy => ({ ...DEFAULT_MACHINE_POLICY, ...p });

describe('requirePolicy (for providers, tool servers, workflows and sync as they arrive)', () => {
  const switches: PolicySwitch[] = ['allowOwnProviders', 'allowOwnToolServers', 'allowWorkflowsWhileLocked', 'allowSync'];
  for (const which of switches) {
    test(`${which}: allowed by default, POLICY_FORBIDS with a clear message when the policy turns it off`, () => {
      expect(code(() => requirePolicy(DEFAULT_MACHINE_POLICY, which))).toBeNull();
      expect(code(() => requirePolicy(policy({ [which]: false }), which))).toBe('POLICY_FORBIDS');
      // Turning one off leaves the others alone.
      for (const other of switches.filter((s) => s !== which)) expect(code(() => requirePolicy(policy({ [which]: false }), other))).toBeNull();
      try {
        requirePolicy(policy({ [which]: false }), which);
      } catch (e) {
        expect((e as Error).message).toMatch(/^Your organization does not allow/);
      }
    });
  }
});

describe('provider allowlist', () => {
  const list = ['https://api.example.com/v1', 'http://127.0.0.1:11434'];

  test('no list allows any http(s) address; a list allows only its servers and paths', () => {
    expect(baseUrlAllowed(null, 'https://anything.example/')).toBe(true);
    for (const ok of [
      'https://api.example.com/v1',
      'https://api.example.com/v1/',
      'https://API.EXAMPLE.COM/v1/chat',
      'https://api.example.com:443/v1',
      'https://api.example.com./v1',
      'http://127.0.0.1:11434',
      'http://127.0.0.1:11434/v1',
    ]) {
      expect(baseUrlAllowed(list, ok), ok).toBe(true);
    }
  });

  test('look-alikes, other ports, schemes, path escapes and credentials are refused', () => {
    for (const bad of [
      'https://api.example.com/v10', // prefix without a / boundary
      'https://api.example.com/', // above the allowed path
      'https://api.example.com/v1/../admin', // normalised to /admin
      'https://api.example.com/%2e%2e/admin',
      'http://api.example.com/v1', // scheme downgrade
      'https://api.example.com:8443/v1',
      'https://api.example.com.evil.test/v1',
      'https://evil.test/api.example.com/v1',
      'https://api.example.com@evil.test/v1',
      'https://user:pw@api.example.com/v1',
      'http://127.0.0.1:11435',
      'http://localhost:11434', // a different name for the same host is not the entry
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(baseUrlAllowed(list, bad), bad).toBe(false);
    }
    expect(baseUrlAllowed([], 'https://api.example.com/v1')).toBe(false);
  });

  test('requireProviderAllowed checks the kind and the address', () => {
    const p = policy({ allowedProviderKinds: ['openai-compatible'], allowedProviderBaseUrls: list });
    expect(code(() => requireProviderAllowed(p, 'openai-compatible', 'http://127.0.0.1:11434/v1'))).toBeNull();
    expect(code(() => requireProviderAllowed(p, 'anthropic', 'https://api.example.com/v1'))).toBe('POLICY_FORBIDS');
    expect(code(() => requireProviderAllowed(p, 'openai-compatible', 'https://api.openai.com/v1'))).toBe('POLICY_FORBIDS');
  });
});

describe('sync target allowlist', () => {
  const kinds = ['folder', 's3', 'webdav'] as const;

  test('every kind is allowed by default; a list allows only its kinds', () => {
    for (const kind of kinds) expect(code(() => requireSyncTargetAllowed(DEFAULT_MACHINE_POLICY, { kind }))).toBeNull();
    const onlyFolder = policy({ allowedSyncTargets: ['folder'] });
    expect(code(() => requireSyncTargetAllowed(onlyFolder, { kind: 'folder' }))).toBeNull();
    expect(code(() => requireSyncTargetAllowed(onlyFolder, { kind: 's3' }))).toBe('POLICY_FORBIDS');
    expect(code(() => requireSyncTargetAllowed(onlyFolder, { kind: 'webdav' }))).toBe('POLICY_FORBIDS');
    expect(() => requireSyncTargetAllowed(onlyFolder, { kind: 's3' })).toThrow(/^Your organization does not allow syncing to this kind of storage/);
  });

  test('an empty list forbids every target, and allowSync off forbids even an allowed kind', () => {
    for (const kind of kinds) expect(code(() => requireSyncTargetAllowed(policy({ allowedSyncTargets: [] }), { kind }))).toBe('POLICY_FORBIDS');
    expect(code(() => requireSyncTargetAllowed(policy({ allowSync: false }), { kind: 'folder' }))).toBe('POLICY_FORBIDS');
  });
});

describe('floors applied to the existing knobs', () => {
  test('the machine minimum raises a looser account policy and keeps a stricter one', () => {
    expect(accountPolicyUnder(policy({ minPasswordLength: 14 }), { minPasswordLength: 10 }).minPasswordLength).toBe(14);
    expect(accountPolicyUnder(policy({ minPasswordLength: 14 }), { minPasswordLength: 20 }).minPasswordLength).toBe(20);
    expect(accountPolicyUnder(policy({}), { kdfTargetMs: 0 })).toEqual({ kdfTargetMs: 0, minPasswordLength: 10, kdfFloor: KDF_FLOOR });
    expect(accountPolicyUnder(policy({ argon2idIterations: 6 }), {}).kdfFloor).toEqual({ ...KDF_FLOOR, t: 6 });
  });

  test('the Argon2id floor raises new wraps only, never below the built-in floor', () => {
    const floor = kdfFloorOf(policy({ argon2idMemoryMiB: 128, argon2idIterations: 5 }));
    expect(raisedTo(KDF_FLOOR, floor)).toEqual({ alg: 'argon2id', m: 128 * 1024, t: 5, p: 4 });
    // A stored default that is already stronger in one dimension keeps it.
    expect(raisedTo({ alg: 'argon2id', m: 256 * 1024, t: 3, p: 8 }, floor)).toEqual({ alg: 'argon2id', m: 256 * 1024, t: 5, p: 8 });
    // Unlocking is untouched: the floor for unlocks stays the built-in one.
    expect(atLeastFloor(KDF_FLOOR)).toEqual(KDF_FLOOR);
    // A floor below the built-in one cannot lower it.
    expect(raisedTo({ alg: 'argon2id', m: 1, t: 1, p: 1 }, { alg: 'argon2id', m: 1, t: 1, p: 1 })).toEqual(KDF_FLOOR);
  });
});
