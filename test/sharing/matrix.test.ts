import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCESS_LEVELS, type AccessLevel } from '../../main/core/sharing/levels';
import type { WsClient } from '../helpers/wsClient';
import { createSharedAgent, finished, ok, startSharingWorld, type Person, type SharingWorld } from './world';

/**
 * Every level (none, view … manage, plus the owner and an administrator) against every action on
 * a shared agent, over the real bridge, with the grant given directly and through a group. Each
 * cell runs on a fresh agent. Allowed cells must have their effect; refused ones must change
 * nothing; a caller without any grant must get exactly the answer for an agent that does not exist.
 */
type Row = AccessLevel | 'none' | 'owner' | 'admin';
const RANK: Record<Row, number> = { none: 0, view: 1, use: 2, edit: 3, share: 4, manage: 5, owner: 5, admin: 5 };

interface Cell {
  w: SharingWorld;
  caller: Person;
  agentId: string;
  credential: string;
}

interface Action {
  name: string;
  /** The lowest level allowed. */
  needs: AccessLevel;
  run(c: Cell): Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }>;
  /** When allowed: the effect happened (checked as the administrator). */
  check?(c: Cell, value: any): Promise<void>;
}

const call = (ws: WsClient, channel: string, input: unknown) => ws.call(channel, input);
const adminView = async (c: Cell) => {
  const r = await call(c.w.admin.ws, 'shared.definition', { id: c.agentId });
  return r.ok ? { def: r.value, grants: (await ok(c.w.admin.ws, 'shared.grants', { id: c.agentId })).map((g: any) => [g.subject.id, g.level]), quotas: await ok(c.w.admin.ws, 'shared.quotas', { id: c.agentId }) } : r;
};

const grantAction = (level: AccessLevel): Action => ({
  name: `grant ${level}`,
  needs: level === 'view' || level === 'use' ? 'share' : 'manage',
  run: (c) => call(c.caller.ws, 'shared.grant', { id: c.agentId, subject: { type: 'user', id: c.w.tess.id }, level }),
  check: async (c) => {
    const grants = await ok(c.w.admin.ws, 'shared.grants', { id: c.agentId });
    expect(grants.find((g: any) => g.subject.id === c.w.tess.id)?.level).toBe(level);
  },
});

const ACTIONS: Action[] = [
  {
    name: 'see',
    needs: 'view',
    run: (c) => call(c.caller.ws, 'shared.get', { id: c.agentId }),
    check: async (_c, v) => expect(v).toMatchObject({ name: 'Ward helper', description: 'Answers questions about the ward.' }),
  },
  {
    name: 'read instructions',
    needs: 'edit',
    run: (c) => call(c.caller.ws, 'shared.definition', { id: c.agentId }),
    check: async (c, v) => expect(v).toMatchObject({ instructions: expect.stringContaining('pirate'), credential: { set: true, last4: c.credential.slice(-4) } }),
  },
  {
    name: 'chat',
    needs: 'use',
    run: (c) => call(c.caller.ws, 'chat.send', { sharedAgentId: c.agentId, text: 'Where are the gloves?' }),
    check: async (c, ids) => {
      expect((await finished(c.caller.ws, ids.assistantMessageId)).status).toBe('complete');
      const req = c.w.fake.chatRequests().at(-1)!;
      expect(req.apiKey).toBe(c.credential);
      expect(JSON.stringify(req.body)).toContain('pirate');
      // The conversation is in the caller's vault, naming the shared agent.
      expect(await ok(c.caller.ws, 'conversations.get', { id: ids.conversationId })).toMatchObject({ sharedAgentId: c.agentId, agentId: null });
    },
  },
  {
    name: 'edit',
    needs: 'edit',
    run: (c) => call(c.caller.ws, 'shared.update', { id: c.agentId, name: 'Renamed helper', providerKind: 'openai', baseUrl: c.w.fake.baseUrl, model: 'fake-large' }),
    check: async (c) => expect((await adminView(c) as any).def).toMatchObject({ name: 'Renamed helper', model: 'fake-large' }),
  },
  {
    name: 'replace the credential',
    needs: 'edit',
    run: (c) => call(c.caller.ws, 'shared.setCredential', { id: c.agentId, value: 'sk-replaced-credential-9876' }),
    check: async (c) => expect((await adminView(c) as any).def.credential).toEqual({ set: true, last4: '9876' }),
  },
  {
    name: 'list grants',
    needs: 'share',
    run: (c) => call(c.caller.ws, 'shared.grants', { id: c.agentId }),
    check: async (c, v) => expect(v.map((g: any) => g.subject.id)).toContain(c.w.tess.id),
  },
  ...ACCESS_LEVELS.map(grantAction),
  {
    name: 'revoke',
    needs: 'share',
    run: (c) => call(c.caller.ws, 'shared.revoke', { id: c.agentId, subject: { type: 'user', id: c.w.tess.id } }),
    check: async (c, v) => {
      expect(v).toEqual({ revoked: true });
      expect((await ok(c.w.admin.ws, 'shared.grants', { id: c.agentId })).map((g: any) => g.subject.id)).not.toContain(c.w.tess.id);
    },
  },
  {
    name: 'delete',
    needs: 'manage',
    run: (c) => call(c.caller.ws, 'shared.delete', { id: c.agentId }),
    check: async (c) => expect((await call(c.w.admin.ws, 'shared.get', { id: c.agentId })).error?.code).toBe('NOT_FOUND'),
  },
  {
    name: 'transfer',
    needs: 'manage',
    run: (c) => call(c.caller.ws, 'shared.transfer', { id: c.agentId, newOwnerId: c.w.tess.id }),
    check: async (c) => expect(await ok(c.w.tess.ws, 'shared.get', { id: c.agentId })).toMatchObject({ isOwner: true, level: 'manage' }),
  },
  {
    name: 'set quota',
    needs: 'manage',
    run: (c) => call(c.caller.ws, 'shared.setQuota', { id: c.agentId, personId: c.w.tess.id, messagesPerDay: 10, tokensPerMonth: null }),
    check: async (c) => expect((await adminView(c) as any).quotas).toEqual([expect.objectContaining({ userId: c.w.tess.id, messagesPerDay: 10 })]),
  },
  {
    name: 'read the access log',
    needs: 'manage',
    run: (c) => call(c.caller.ws, 'shared.accessLog', { id: c.agentId }),
    check: async (_c, v) => expect(Array.isArray(v)).toBe(true),
  },
];

let w: SharingWorld;
beforeAll(async () => {
  w = await startSharingWorld();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** A fresh agent owned by Olga, Tess holding use (so there is a grant to revoke), and the row's grant for Gus. */
async function prepare(row: Row, via: 'user' | 'group'): Promise<Cell> {
  const { id, credential } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.transfer', { id, newOwnerId: w.olga.id });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'use' });
  if (row !== 'none' && row !== 'owner' && row !== 'admin') {
    await ok(w.admin.ws, 'shared.grant', { id, subject: via === 'user' ? { type: 'user', id: w.gus.id } : { type: 'group', id: w.groupId }, level: row });
  }
  const caller = row === 'owner' ? w.olga : row === 'admin' ? w.admin : w.gus;
  return { w, caller, agentId: id, credential: credential! };
}

const ROWS: [Row, 'user' | 'group'][] = [
  ...(['none', ...ACCESS_LEVELS] as Row[]).flatMap((r) => [[r, 'user'], [r, 'group']] as [Row, 'user' | 'group'][]),
  ['owner', 'user'],
  ['admin', 'user'],
];

describe.each(ROWS)('%s (grant to %s)', (row, via) => {
  test.each(ACTIONS.map((a) => [a.name, a] as const))('%s', async (_name, action) => {
    const cell = await prepare(row, via);
    const before = await adminView(cell);
    const requestsBefore = w.fake.chatRequests().length;
    const result = await action.run(cell);
    const allowed = RANK[row] >= RANK[action.needs];
    if (allowed) {
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      await action.check?.(cell, result.value);
      return;
    }
    if (row === 'none') {
      // Exactly the answer for an agent that does not exist.
      const ghost = await action.run({ ...cell, agentId: randomUUID() });
      expect(result).toEqual(ghost);
      expect(result.error?.code).toBe('NOT_FOUND');
    } else {
      expect(result.error?.code, JSON.stringify(result)).toBe('FORBIDDEN');
    }
    expect(await adminView(cell)).toEqual(before);
    expect(w.fake.chatRequests().length).toBe(requestsBefore);
  });
});

test('no answer to anyone, at any level, carries the shared credential', async () => {
  const { id, credential } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'manage' });
  for (const ws of [w.admin.ws, w.gus.ws]) {
    for (const channel of ['shared.list', 'shared.get', 'shared.definition', 'shared.grants', 'shared.quotas', 'shared.accessLog']) {
      await call(ws, channel, channel === 'shared.list' ? {} : { id });
    }
  }
  const received = [w.admin.ws, w.gus.ws].flatMap((ws) => ws.frames.filter((f) => f.direction === 'received').map((f) => f.text));
  expect(received.length).toBeGreaterThan(10);
  for (const text of received) expect(text).not.toContain(credential!);
  expect(received.join('\n')).toContain(credential!.slice(-4)); // the last 4, as for any secret, and only those
});

test("the effective level is the highest of a person's direct and group grants", async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'view' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'edit' });
  expect((await ok(w.gus.ws, 'shared.get', { id })).level).toBe('edit');
  await ok(w.admin.ws, 'shared.revoke', { id, subject: { type: 'group', id: w.groupId } });
  expect((await ok(w.gus.ws, 'shared.get', { id })).level).toBe('view');
  // A level that only a group gave goes when the membership does.
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'group', id: w.groupId }, level: 'use' });
  await ok(w.admin.ws, 'shared.revoke', { id, subject: { type: 'user', id: w.gus.id } });
  expect((await ok(w.gus.ws, 'shared.get', { id })).level).toBe('use');
  await ok(w.admin.ws, 'admin.groups.removeMember', { id: w.groupId, userId: w.gus.id });
  try {
    expect((await call(w.gus.ws, 'shared.get', { id })).error?.code).toBe('NOT_FOUND');
    expect((await ok(w.gus.ws, 'shared.list', {})).map((a: any) => a.id)).not.toContain(id);
  } finally {
    await ok(w.admin.ws, 'admin.groups.addMember', { id: w.groupId, userId: w.gus.id });
  }
});

test('share cannot change or take away a grant above use; manage can', async () => {
  const { id } = await createSharedAgent(w);
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'share' });
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'edit' });
  expect((await call(w.gus.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'view' })).error?.code).toBe('FORBIDDEN');
  expect((await call(w.gus.ws, 'shared.revoke', { id, subject: { type: 'user', id: w.tess.id } })).error?.code).toBe('FORBIDDEN');
  expect((await ok(w.admin.ws, 'shared.grants', { id })).find((g: any) => g.subject.id === w.tess.id).level).toBe('edit');
  // Delegation: an administrator gives Gus manage on this one agent; he is not an administrator.
  await ok(w.admin.ws, 'shared.grant', { id, subject: { type: 'user', id: w.gus.id }, level: 'manage' });
  await ok(w.gus.ws, 'shared.grant', { id, subject: { type: 'user', id: w.tess.id }, level: 'share' });
  expect(await ok(w.gus.ws, 'shared.revoke', { id, subject: { type: 'user', id: w.tess.id } })).toEqual({ revoked: true });
  expect((await call(w.gus.ws, 'admin.users.list', {})).error?.code).toBe('FORBIDDEN');
  expect((await call(w.gus.ws, 'admin.groups.list', {})).error?.code).toBe('FORBIDDEN');
});
