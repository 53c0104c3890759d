/**
 * The machine policy on provider connections, checked in main on every call that adds, changes
 * or uses one: a connection made before the policy changed is refused as a new one would be.
 */
import type { Session } from '../../core/accounts/session';
import { baseUrlOf } from '../../core/agents/providers';
import { requirePolicy, requireProviderAllowed } from '../../core/policy/enforce';
import { getConnection, type ProviderConnection, type ProviderKind } from '../../core/vault/providerConnections';
import type { HandlerContext } from './context';

/** POLICY_FORBIDS unless this machine lets people use their own provider of this kind at this address. */
export function requireOwnProviderAllowed(ctx: Pick<HandlerContext, 'policy'>, kind: ProviderKind, baseUrl: string | null | undefined): void {
  requirePolicy(ctx.policy.values, 'allowOwnProviders');
  const trimmed = baseUrl?.trim() || null;
  // Without an address, OpenAI and Anthropic mean their public endpoint: that is what the allowlist must hold.
  const address = trimmed ?? (kind === 'openai-compatible' ? '' : baseUrlOf({ kind }));
  // The policy knows two protocols: OpenAI's own service speaks the OpenAI-compatible one.
  requireProviderAllowed(ctx.policy.values, kind === 'anthropic' ? 'anthropic' : 'openai-compatible', address);
}

/** One of the caller's connections (NOT_FOUND when not theirs), if the policy still allows it. */
export function usableConnection(ctx: Pick<HandlerContext, 'policy'>, session: Session, connectionId: string): ProviderConnection {
  const connection = getConnection(session, connectionId);
  requireOwnProviderAllowed(ctx, connection.kind, connection.baseUrl);
  return connection;
}
