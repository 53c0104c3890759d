import { createPublicKey } from 'node:crypto';
import type { AccountPolicy } from '../accounts/policy';
import { CubbyError } from '../errors';
import { KDF_FLOOR, raisedTo, type KdfParams } from '../keys/kdf';
import { linuxPolicyFile, LINUX_POLICY_FILE } from './linuxFile';
import { macManagedPreferences } from './macManagedPrefs';
import { DEFAULT_MACHINE_POLICY, MachinePolicySchema, POLICY_KEYS, type MachinePolicy, type PolicyKey } from './schema';
import { NO_POLICY_SOURCE, type MachinePolicySource, type PolicyOrigin } from './source';
import { nativeRegistryReader, windowsRegistryPolicy } from './windowsRegistry';

/** The policy in force, where each value came from, and what was noticed on the way. */
export interface EffectivePolicy {
  readonly values: MachinePolicy;
  readonly origins: Record<PolicyKey, PolicyOrigin>;
  /** The source that was consulted. */
  readonly source: { kind: MachinePolicySource['kind']; location: string };
  /** A refused source, or keys ignored: what `policy show` and the log say. */
  readonly notices: string[];
}

export interface PolicyLog {
  error(message: string): void;
}

/** Development and tests only: a JSON policy file read instead of the platform's own source. */
export const POLICY_FILE_ENV = 'CUBBY_POLICY_FILE';

export function defaultPolicy(source: MachinePolicySource = NO_POLICY_SOURCE, notices: string[] = []): EffectivePolicy {
  const origins = Object.fromEntries(POLICY_KEYS.map((k) => [k, { kind: 'default' }])) as Record<PolicyKey, PolicyOrigin>;
  return { values: { ...DEFAULT_MACHINE_POLICY }, origins, source: { kind: source.kind, location: source.location }, notices };
}

function invalid(source: MachinePolicySource, reason: string, log: PolicyLog): CubbyError {
  log.error(`machine policy ${source.location} is not valid: ${reason}; Cubby will not start until it is fixed`);
  return new CubbyError(
    'POLICY_INVALID',
    `The policy your organization set for Cubby on this computer is not valid (${reason}). Ask your administrator to fix it.`,
  );
}

/**
 * Read a source and validate it. A refused source (anyone but the administrator could have
 * written it) is ignored, with one log line: its values are not policy. An administrator's
 * policy that does not validate stops Cubby (POLICY_INVALID) instead of running looser than
 * the administrator meant. Log lines name the place and the reason, never the content.
 */
export function resolvePolicy(source: MachinePolicySource, log: PolicyLog): EffectivePolicy {
  const reading = source.read();
  if (reading.status === 'absent') return defaultPolicy(source);
  if (reading.status === 'refused') {
    const notice = `ignored ${source.location}: ${reading.reason}`;
    log.error(`machine policy ${notice}`);
    return defaultPolicy(source, [notice]);
  }
  if (reading.status === 'invalid') throw invalid(source, reading.reason, log);

  const parsed = MachinePolicySchema.safeParse(reading.values);
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join(', ') : String(i.path[0] ?? ''))))];
    const unknown = parsed.error.issues.some((i) => i.code === 'unrecognized_keys');
    throw invalid(source, `${unknown ? 'unknown or invalid setting' : 'invalid setting'}: ${keys.join(', ')}`, log);
  }
  const key = parsed.data.recoveryEscrowPublicKey;
  if (key !== null) {
    try {
      createPublicKey(key);
    } catch {
      throw invalid(source, 'invalid setting: recoveryEscrowPublicKey', log);
    }
  }
  const { $schema: _ignored, ...values } = parsed.data;
  const origin: PolicyOrigin = { kind: source.kind, location: source.location };
  const origins = Object.fromEntries(
    POLICY_KEYS.map((k) => [k, Object.hasOwn(reading.values, k) ? origin : { kind: 'default' }]),
  ) as Record<PolicyKey, PolicyOrigin>;
  const notices = reading.ignored.length ? [`ignored ${reading.ignored.length} value(s) in ${source.location} that are not Cubby policies`] : [];
  for (const n of notices) log.error(`machine policy ${n}`);
  return { values, origins, source: { kind: source.kind, location: source.location }, notices };
}

export interface PlatformSourceOptions {
  platform?: NodeJS.Platform;
  /** A JSON file to read instead (CUBBY_POLICY_FILE); honoured only when `allowOverride`. */
  overrideFile?: string;
  /** False in a packaged build: the policy's place is then fixed. */
  allowOverride: boolean;
}

/** The one place this platform's policy lives. */
export function platformPolicySource(opts: PlatformSourceOptions): MachinePolicySource {
  if (opts.allowOverride && opts.overrideFile) return linuxPolicyFile(opts.overrideFile);
  switch (opts.platform ?? process.platform) {
    case 'win32':
      return windowsRegistryPolicy(nativeRegistryReader());
    case 'darwin':
      return macManagedPreferences();
    default:
      return linuxPolicyFile(LINUX_POLICY_FILE);
  }
}

/** Whether this process is a packaged Electron app (where development overrides are ignored). */
export function isPackagedElectron(): boolean {
  return Boolean(process.versions.electron) && !(process as { defaultApp?: boolean }).defaultApp;
}

/** The platform's source, with CUBBY_POLICY_FILE honoured only outside a packaged build. */
export function machinePolicySource(allowOverride = !isPackagedElectron()): MachinePolicySource {
  return platformPolicySource({ allowOverride, overrideFile: process.env[POLICY_FILE_ENV] });
}

// ---- what the policy means for the existing knobs ---------------------------------------------

/** The account policy with the machine's floors applied: a stricter base value is kept. */
export function accountPolicyUnder(policy: MachinePolicy, base: Partial<AccountPolicy> = {}): Partial<AccountPolicy> {
  return {
    ...base,
    minPasswordLength: Math.max(base.minPasswordLength ?? 0, policy.minPasswordLength),
    kdfFloor: raisedTo(base.kdfFloor ?? KDF_FLOOR, kdfFloorOf(policy)),
  };
}

/** The Argon2id floor for every new password wrap on this machine. */
export function kdfFloorOf(policy: MachinePolicy): KdfParams {
  return { alg: 'argon2id', m: policy.argon2idMemoryMiB * 1024, t: policy.argon2idIterations, p: policy.argon2idParallelism };
}

export function setByOrganization(policy: EffectivePolicy, key: PolicyKey): boolean {
  return policy.origins[key].kind !== 'default';
}
