/**
 * Main-side checks for what a machine policy forbids. The router calls requirePolicy for every
 * channel that declares `requires` in the contract; handlers call the finer ones (allowlisted
 * addresses). The renderer hiding a control is a courtesy, not the enforcement.
 */
import type { PolicySwitch } from '../../../preload/contract/shared';
import { CubbyError } from '../errors';
import { POLICY_DEFS, type MachinePolicy, type ProviderKind, type SyncTargetKindName } from './schema';

export type { PolicySwitch };

const FORBIDDEN: Record<PolicySwitch, string> = {
  allowOwnProviders: 'Your organization does not allow adding your own model providers on this computer.',
  allowOwnToolServers: 'Your organization does not allow adding your own tool servers on this computer.',
  allowWorkflowsWhileLocked: 'Your organization does not allow workflows to keep running while Cubby is locked.',
  allowSync: 'Your organization does not allow sync on this computer.',
};

export function policyForbids(message: string): CubbyError {
  return new CubbyError('POLICY_FORBIDS', message);
}

/** Throws POLICY_FORBIDS unless the policy switch is on. */
export function requirePolicy(policy: MachinePolicy, which: PolicySwitch): void {
  if (POLICY_DEFS[which].type !== 'boolean' || policy[which] !== true) throw policyForbids(FORBIDDEN[which]);
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * Whether `candidate` falls under an allowlist entry: same scheme, host and port, and the
 * entry's path a prefix of the candidate's at a "/" boundary. No wildcards: an entry names
 * exactly the server it allows. Hosts compare after URL parsing (case, IDNA, trailing dots
 * and default ports normalised), so spelling cannot slip past.
 */
export function baseUrlAllowed(allowlist: readonly string[] | null, candidate: string): boolean {
  if (allowlist === null) return true;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  const host = url.hostname.replace(/\.$/, '');
  const port = url.port || defaultPort(url.protocol);
  return allowlist.some((entry) => {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      return false;
    }
    if (allowed.protocol !== url.protocol || allowed.hostname.replace(/\.$/, '') !== host) return false;
    if ((allowed.port || defaultPort(allowed.protocol)) !== port) return false;
    const prefix = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    return path.startsWith(prefix);
  });
}

/** Throws POLICY_FORBIDS unless both the provider's kind and its base URL are allowed. */
export function requireProviderAllowed(policy: MachinePolicy, kind: ProviderKind, baseUrl: string): void {
  if (!policy.allowedProviderKinds.includes(kind)) {
    throw policyForbids('Your organization does not allow this kind of model provider on this computer.');
  }
  if (!baseUrlAllowed(policy.allowedProviderBaseUrls, baseUrl)) {
    throw policyForbids('Your organization does not allow connecting to this provider address on this computer.');
  }
}

/** Throws POLICY_FORBIDS unless sync is allowed at all and the target's kind is on the allowlist. */
export function requireSyncTargetAllowed(policy: MachinePolicy, target: { kind: SyncTargetKindName }): void {
  requirePolicy(policy, 'allowSync');
  if (!policy.allowedSyncTargets.includes(target.kind)) {
    throw policyForbids('Your organization does not allow syncing to this kind of storage on this computer.');
  }
}
