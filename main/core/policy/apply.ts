import type { AccountPolicy } from '../accounts/policy';
import { setNewWrapFloor } from '../keys/kdf';
import { accountPolicyUnder, kdfFloorOf, resolvePolicy, type EffectivePolicy, type PolicyLog } from './effective';
import type { MachinePolicySource } from './source';

/**
 * Read the machine policy and put its floors in place before any account is opened: the
 * Argon2id floor for every new password wrap, and the account policy to pass to Accounts.open.
 * The app (startCubby) and the command line both start here.
 */
export function applyMachinePolicy(
  source: MachinePolicySource,
  log: PolicyLog,
  base?: Partial<AccountPolicy>,
): { policy: EffectivePolicy; accountPolicy: Partial<AccountPolicy> } {
  const policy = resolvePolicy(source, log);
  setNewWrapFloor(kdfFloorOf(policy.values));
  return { policy, accountPolicy: accountPolicyUnder(policy.values, base) };
}
