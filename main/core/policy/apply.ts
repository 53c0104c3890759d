import type { AccountPolicy } from '../accounts/policy';
import { accountPolicyUnder, resolvePolicy, type EffectivePolicy, type PolicyLog } from './effective';
import type { MachinePolicySource } from './source';

/**
 * Read the machine policy before any account is opened, and derive from it the account policy
 * to pass to Accounts.open (password length, the Argon2id floor for every new password wrap).
 * The app (startCubby) and the command line both start here.
 */
export function applyMachinePolicy(
  source: MachinePolicySource,
  log: PolicyLog,
  base?: Partial<AccountPolicy>,
): { policy: EffectivePolicy; accountPolicy: Partial<AccountPolicy> } {
  const policy = resolvePolicy(source, log);
  return { policy, accountPolicy: accountPolicyUnder(policy.values, base) };
}
