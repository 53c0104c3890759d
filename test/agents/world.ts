/** Shared setup for the agent tests: two people with real vaults, each with a connection to the fake provider. */
import type { Session } from '../../main/core/accounts/session';
import { definitionOf, type AgentDefinition } from '../../main/core/agents/definition';
import { createAgent } from '../../main/core/vault/agents';
import { createConnection, type ProviderKind } from '../../main/core/vault/providerConnections';
import { createSecret } from '../../main/core/vault/secrets';
import { afterAll, beforeAll } from 'vitest';
import { removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';

export const keyOf = (who: string) => `sk-${who}-${Math.random().toString(36).slice(2, 12)}-key`;

/** A secret, a connection of `kind` to the fake server, and an agent on it. */
export function connectAgent(
  session: Session,
  fake: FakeProvider,
  opts: { kind?: ProviderKind; key?: string; memoryAccess?: 'off' | 'read' | 'readwrite'; name?: string } = {},
): { key: string; connectionId: string; agentId: string; def: () => AgentDefinition } {
  const key = opts.key ?? keyOf(session.user.username);
  const secret = createSecret(session, { name: 'Fake key', value: key });
  const conn = createConnection(session, { kind: opts.kind ?? 'openai', name: 'Fake', baseUrl: fake.baseUrl, secretId: secret.id });
  const agent = createAgent(session, {
    name: opts.name ?? 'Tester',
    instructions: 'Be brief.',
    connectionId: conn.id,
    model: 'fake-small',
    memoryAccess: opts.memoryAccess ?? 'off',
  });
  return { key, connectionId: conn.id, agentId: agent.id, def: () => definitionOf(session, agent.id) };
}

export const NO_RETRY = { maxRetries: 0 } as const;

export type TwoUsers = Awaited<ReturnType<typeof twoUsers>>;

/**
 * A test file's world: the fake provider and two people with real vaults, made before its tests
 * and removed after. `use` receives them once they exist.
 */
export function withFakeProviderWorld(prefix: string, use: (fake: FakeProvider, world: TwoUsers) => void): void {
  const dir = tempDataDir(prefix);
  let fake: FakeProvider | undefined;
  let world: TwoUsers | undefined;
  beforeAll(async () => {
    fake = await startFakeProvider();
    world = await twoUsers(dir);
    use(fake, world);
  });
  afterAll(async () => {
    world?.accounts.close();
    await fake?.close();
    removeDir(dir);
  });
}
