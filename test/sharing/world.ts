/**
 * Shared setup for the shared-agent tests over the real WebSocket bridge: an administrator (Ada),
 * an owner (Olga), a grantee (Gus), a bystander (Tess) and a group Gus belongs to; the fake
 * provider; helpers that create shared agents and grants the way windows would.
 */
import { expect } from 'vitest';
import { ADMIN } from '../helpers/env';
import { startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { WsClient } from '../helpers/wsClient';
import { keyOf, ok } from '../agents-bridge/world';

export { keyOf, ok };

export interface Person {
  ws: WsClient;
  id: string;
  username: string;
  password: string;
}

export interface SharingWorld {
  t: TestHost;
  fake: FakeProvider;
  admin: Person;
  olga: Person;
  gus: Person;
  tess: Person;
  /** Gus is its only member. */
  groupId: string;
  /** A person signed in over the bridge (a fresh account). */
  invitePerson(username: string, role?: 'admin' | 'user'): Promise<Person>;
  close(): Promise<void>;
}

export async function startSharingWorld(): Promise<SharingWorld> {
  const fake = await startFakeProvider();
  const t = await startTestHost({ policy: { kdfTargetMs: 0, freeFailures: 1000 }, providerRuntime: { maxRetries: 0 } });
  const adminWs = await WsClient.connect(t.host);
  expect((await adminWs.call('auth.setup', ADMIN)).ok).toBe(true);
  const adminId = ((await ok(adminWs, 'admin.users.list', {})) as { id: string; username: string }[]).find((u) => u.username === ADMIN.username)!.id;
  const people: WsClient[] = [adminWs];

  async function invitePerson(username: string, role: 'admin' | 'user' = 'user'): Promise<Person> {
    const invite = await ok(adminWs, 'admin.invites.create', { username, displayName: `${username[0]!.toUpperCase()}${username.slice(1)} Person`, role });
    const ws = await WsClient.connect(t.host);
    people.push(ws);
    const password = `Quiet lanterns drift over ${username.length * 7} hills`;
    await ok(ws, 'auth.redeemInvite', { username, code: invite.code, password });
    return { ws, id: invite.userId, username, password };
  }

  const olga = await invitePerson('olga');
  const gus = await invitePerson('gus');
  const tess = await invitePerson('tess');
  const group = await ok(adminWs, 'admin.groups.create', { name: 'Nurses' });
  await ok(adminWs, 'admin.groups.addMember', { id: group.id, userId: gus.id });
  return {
    t,
    fake,
    admin: { ws: adminWs, id: adminId, username: ADMIN.username, password: ADMIN.password },
    olga,
    gus,
    tess,
    groupId: group.id,
    invitePerson,
    async close() {
      for (const ws of people) await ws.close();
      await t.close();
      await fake.close();
    },
  };
}

export const INSTRUCTIONS_MARKER = 'Instructions-marker-7f3a: answer like a pirate';

/** The administrator creates a shared agent on the fake provider, with a shared credential. */
export async function createSharedAgent(
  w: SharingWorld,
  opts: { credential?: string | null; name?: string; instructions?: string; kind?: 'openai' | 'anthropic' } = {},
): Promise<{ id: string; credential: string | null }> {
  const credential = opts.credential === undefined ? keyOf('shared') : opts.credential;
  const agent = await ok(w.admin.ws, 'shared.create', {
    name: opts.name ?? 'Ward helper',
    description: 'Answers questions about the ward.',
    instructions: opts.instructions ?? INSTRUCTIONS_MARKER,
    providerKind: opts.kind ?? 'openai',
    baseUrl: w.fake.baseUrl,
    model: 'fake-small',
    temperature: 0.3,
    credential,
  });
  return { id: agent.id as string, credential };
}

/** Wait for the chat.finished of one answer on `ws`. */
export async function finished(ws: WsClient, messageId: number, from = 0, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const e = ws.events.slice(from).find((x) => x.event === 'chat.finished' && (x.payload as { messageId: number }).messageId === messageId);
    if (e) return e.payload;
    if (Date.now() > until) throw new Error(`no chat.finished for ${messageId}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
