import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../preload/contract';
import { startCubby, type Cubby } from '../../main/app';
import { startBrowserHost, type BrowserHost } from '../../main/browserHost/server';
import { newRecoveryKey } from '../../main/core/keys/recoveryKey';
import { ADMIN, BOB, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';
import { reply, startFakeProvider, type FakeProvider } from '../helpers/fakeProvider';
import { settle, WsClient } from '../helpers/wsClient';
import { FakeSyncRuntime } from '../helpers/fakeSync';

/**
 * The hostile-client suite over the real transport: Bob (an ordinary user) calls every channel
 * with Carol's ids and with ids that do not exist, and must get the same answers; nothing of
 * Carol's session reaches Bob's connection.
 */
const CAROL = { username: 'carol', displayName: 'Carol Jones', password: 'violet skies over hills' };
const NOBODY_ID = '00000000-0000-4000-8000-000000000000';
const WELL_FORMED_RECOVERY_KEY = newRecoveryKey().text;

/** What a probe names: Carol's account and the objects in her vault, or things that do not exist. */
interface Target {
  userId: string;
  username: string;
  settingKey: string;
  agentId: string;
  connectionId: string;
  secretId: string;
  conversationId: string;
  messageId: number;
  attachmentId: string;
  imageAttachmentId: string;
  memoryId: string;
  /** The shared agent she published (nobody else was granted it). */
  sharedAgentId: string;
  toolServerId: string;
  /** A word only in her messages and memory. */
  word: string;
  /** Her workflow and one finished run of it. */
  workflowId: string;
  runId: string;
  /** Her sync's other device, open conflict and waiting pair request (a fake sync runtime's). */
  syncDeviceId: string;
  syncConflictId: string;
  syncPairRequestId: string;
}

/** Victim = Carol's ids; a nonexistent id otherwise. Every channel must appear here. */
function probe(channel: ChannelName, target: Target): unknown {
  const inputs: Record<ChannelName, unknown> = {
    'app.status': {},
    'policy.get': {},
    'auth.setup': { username: target.username, displayName: 'X', password: 'a long enough pw' },
    'auth.login': { username: target.username, password: 'not the password at all' },
    'auth.redeemInvite': { username: target.username, code: '1234-5678', password: 'a long enough pw' },
    // Well formed (its checksum holds), so the answer comes from the vault lookup, not the parser.
    'auth.recover': { username: target.username, recoveryKey: WELL_FORMED_RECOVERY_KEY, newPassword: 'a long enough pw' },
    'auth.lock': {},
    'session.activity': {},
    'clipboard.copySecret': { text: target.settingKey },
    'clipboard.copyText': { text: target.settingKey },
    'app.openLink': { url: `https://example.invalid/${target.username}` },
    'auth.signOut': {},
    'account.changePassword': { currentPassword: 'wrong current pw', newPassword: 'a long enough pw' },
    'account.renewRecoveryKey': { password: 'wrong current pw' },
    'settings.list': {},
    'settings.get': { key: target.settingKey },
    'settings.set': { key: `probe.${target.settingKey}`, value: 'x' },
    'settings.idleLock.get': {},
    'settings.idleLock.set': { minutes: 5 },
    'admin.users.list': {},
    'admin.invites.create': { username: `${target.username}2`, displayName: 'X', role: 'admin' },
    'admin.users.setDisabled': { userId: target.userId, disabled: true },
    'admin.users.setRole': { userId: target.userId, role: 'admin' },
    'admin.users.clearLockout': { userId: target.userId },
    'admin.users.delete': { userId: target.userId, confirmUsername: target.username },
    'admin.audit.list': { userId: target.userId },
    'agents.list': {},
    'agents.get': { id: target.agentId },
    // Pointing an agent of his at her connection must fail as for no connection (and create nothing).
    'agents.create': { name: 'Probe', connectionId: target.connectionId, model: 'm' },
    'agents.update': { id: target.agentId, name: 'Taken over' },
    'agents.duplicate': { id: target.agentId },
    'agents.delete': { id: target.agentId },
    'providers.list': {},
    'providers.create': { kind: 'openai', name: 'Probe', secretId: target.secretId },
    'providers.update': { id: target.connectionId, kind: 'openai', name: 'Taken over' },
    'providers.delete': { id: target.connectionId },
    'providers.models': { id: target.connectionId },
    'providers.test': { id: target.connectionId },
    'providers.probeLocal': {},
    'secrets.list': {},
    // Nothing names her here: an empty value fails the same way for both.
    'secrets.create': { name: target.word, value: '   ' },
    'secrets.replace': { id: target.secretId, value: 'sk-replaced-by-bob-0000' },
    'secrets.rename': { id: target.secretId, name: 'Taken over' },
    'secrets.delete': { id: target.secretId },
    'conversations.list': {},
    'conversations.get': { id: target.conversationId },
    'conversations.rename': { id: target.conversationId, title: 'Taken over' },
    'conversations.pin': { id: target.conversationId, pinned: true },
    'conversations.delete': { id: target.conversationId },
    'conversations.export': { id: target.conversationId },
    'messages.list': { conversationId: target.conversationId },
    'attachments.get': { id: target.attachmentId },
    'attachments.image': { id: target.imageAttachmentId },
    'search.conversations': { query: target.word },
    'chat.send': { agentId: target.agentId, text: 'hello' },
    'chat.retry': { conversationId: target.conversationId },
    'chat.editLast': { conversationId: target.conversationId, text: 'edited' },
    'chat.cancel': { messageId: target.messageId },
    'memory.list': {},
    'memory.create': { text: '  ' },
    'memory.update': { id: target.memoryId, text: 'Taken over' },
    'memory.delete': { id: target.memoryId },
    'memory.search': { query: target.word },
    'admin.groups.list': {},
    'admin.groups.create': { name: target.word },
    'admin.groups.delete': { id: target.sharedAgentId },
    'admin.groups.members': { id: target.sharedAgentId },
    'admin.groups.addMember': { id: target.sharedAgentId, userId: target.userId },
    'admin.groups.removeMember': { id: target.sharedAgentId, userId: target.userId },
    'shared.list': {},
    'shared.get': { id: target.sharedAgentId },
    'shared.definition': { id: target.sharedAgentId },
    'shared.setMyMemory': { id: target.sharedAgentId, access: 'read' },
    'shared.create': { name: 'Probe', providerKind: 'openai', model: 'm' },
    'shared.publish': { agentId: target.agentId, shareKey: true },
    'shared.updateFromMine': { agentId: target.agentId },
    'shared.update': { id: target.sharedAgentId, name: 'Taken over', providerKind: 'openai', model: 'm' },
    'shared.setCredential': { id: target.sharedAgentId, value: 'sk-taken-over-by-bob-000' },
    'shared.delete': { id: target.sharedAgentId },
    'shared.transfer': { id: target.sharedAgentId, newOwnerId: target.userId },
    'shared.grants': { id: target.sharedAgentId },
    'shared.grant': { id: target.sharedAgentId, subject: { type: 'user', id: target.userId }, level: 'use' },
    'shared.revoke': { id: target.sharedAgentId, subject: { type: 'user', id: target.userId } },
    'shared.directory': {},
    'shared.quotas': { id: target.sharedAgentId },
    'shared.setQuota': { id: target.sharedAgentId, personId: target.userId, messagesPerDay: 5, tokensPerMonth: null },
    'shared.accessLog': { id: target.sharedAgentId },
    'activity.mine': {},
    'memory.embeddingStatus': {},
    'memory.setEmbeddings': { connectionId: target.connectionId, model: 'fake-embed' },
    'memory.clearEmbeddings': {},
    'workflows.list': {},
    'workflows.get': { id: target.workflowId },
    // A workflow of his naming her agent must fail as for no agent (and create nothing).
    'workflows.create': { name: 'Probe', steps: [{ kind: 'agent', agent: { agentId: target.agentId }, prompt: 'hi' }] },
    'workflows.update': { id: target.workflowId, name: 'Taken over', steps: [{ kind: 'tool', serverId: 's', toolName: 't' }] },
    'workflows.delete': { id: target.workflowId },
    'workflows.runNow': { id: target.workflowId, inputs: {} },
    'runs.list': { workflowId: target.workflowId },
    'runs.get': { id: target.runId },
    'runs.cancel': { id: target.runId },
    'runs.delete': { id: target.runId },
    'tools.servers.list': {},
    // His server naming her secret must fail as for no secret (and create nothing).
    'tools.servers.create': { kind: 'http', name: 'Probe', url: 'http://127.0.0.1:9/mcp', headers: [{ name: 'Authorization', secretId: target.secretId }] },
    'tools.servers.update': { id: target.toolServerId, kind: 'stdio', name: 'Taken over', command: '/bin/true' },
    'tools.servers.delete': { id: target.toolServerId },
    'tools.list': { serverId: target.toolServerId },
    'tools.approvals.revoke': { serverId: target.toolServerId, toolName: 'echo' },
    'tools.approve': { requestId: target.toolServerId, decision: 'always' },
    'sync.status': {},
    'sync.setUp': { target: { kind: 'folder', path: `/tmp/${target.username}` }, deviceName: 'Probe', recoveryKey: WELL_FORMED_RECOVERY_KEY },
    'sync.join': { target: { kind: 'webdav', url: `https://dav.example/${target.username}`, username: target.username, password: 'pw' }, deviceName: 'Probe' },
    'sync.joinWithRecoveryKey': {
      target: { kind: 's3', region: 'us-east-1', bucket: target.username, prefix: '', forcePathStyle: true, accessKeyId: 'AKIA', secretAccessKey: 'x' },
      deviceName: 'Probe',
      recoveryKey: WELL_FORMED_RECOVERY_KEY,
    },
    'sync.approvePairing': { requestId: target.syncPairRequestId },
    'sync.rejectPairing': { requestId: target.syncPairRequestId },
    'sync.syncNow': {},
    'sync.pause': {},
    'sync.resume': {},
    'sync.devices': {},
    'sync.removeDevice': { deviceId: target.syncDeviceId },
    'sync.conflicts': {},
    'sync.resolveConflict': { id: target.syncConflictId, keep: 'lost' },
    'sync.decideMassDeletion': { apply: true },
    'sync.dismissWarnings': {},
    'sync.turnOff': {},
  };
  return inputs[channel];
}

/** Channels whose probe names one of her objects: the answer must come from the lookup (NOT_FOUND), not the parser. */
const LOOKUPS: ChannelName[] = [
  'agents.get', 'agents.create', 'agents.update', 'agents.duplicate', 'agents.delete',
  'providers.create', 'providers.update', 'providers.delete', 'providers.models', 'providers.test',
  'secrets.replace', 'secrets.rename', 'secrets.delete',
  'conversations.get', 'conversations.rename', 'conversations.pin', 'conversations.delete', 'conversations.export',
  'messages.list', 'attachments.get', 'attachments.image', 'chat.send', 'chat.retry', 'chat.editLast', 'memory.update', 'memory.delete',
  'shared.get', 'shared.definition', 'shared.setMyMemory', 'shared.publish', 'shared.updateFromMine', 'shared.update', 'shared.setCredential',
  'shared.delete', 'shared.transfer', 'shared.grants', 'shared.grant', 'shared.revoke', 'shared.quotas', 'shared.setQuota',
  'shared.accessLog',
  'memory.setEmbeddings',
  'workflows.get', 'workflows.create', 'workflows.update', 'workflows.delete', 'workflows.runNow', 'runs.get', 'runs.cancel', 'runs.delete',
  'tools.servers.create', 'tools.servers.update', 'tools.servers.delete', 'tools.list', 'tools.approvals.revoke',
  'sync.approvePairing', 'sync.rejectPairing', 'sync.removeDevice', 'sync.resolveConflict',
];

/** Channels whose probe would end Bob's own session; they run last. */
const ENDS_SESSION: ChannelName[] = ['auth.lock', 'auth.signOut'];

describe('hostile client over the browser host', () => {
  const dir = tempDataDir();
  let cubby: Cubby;
  let host: BrowserHost;
  let otherHost: BrowserHost;
  let adminWs: WsClient;
  let bobWs: WsClient;
  let carolWs: WsClient;
  let carolId: string;
  let fake: FakeProvider;
  let carolTarget: Target;
  const sync = new FakeSyncRuntime();
  const WORD = 'xylophonic';

  beforeAll(async () => {
    fake = await startFakeProvider();
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cubby</title>');
    cubby = await startCubby({
      dataDir: join(dir, 'data'),
      keychain: testKeychain(),
      policy: { ...TEST_POLICY, freeFailures: 1000 },
      // Local-server probing finds the fake provider, so that channel's answer has content to compare.
      providerRuntime: { maxRetries: 0, localServerPorts: { Ollama: fake.port, 'LM Studio': fake.port } },
      sync,
    });
    host = await startBrowserHost({ router: cubby.router, rendererDir });
    otherHost = await startBrowserHost({ router: cubby.router, rendererDir });

    adminWs = await WsClient.connect(host);
    expect((await adminWs.call('auth.setup', ADMIN)).ok).toBe(true);
    const invite = async (u: typeof BOB) =>
      (await adminWs.call('admin.invites.create', { username: u.username, displayName: u.displayName, role: 'user' })).value;
    const bobInvite = await invite(BOB);
    const carolInvite = await invite(CAROL);
    carolId = carolInvite.userId;

    bobWs = await WsClient.connect(host);
    carolWs = await WsClient.connect(host);
    expect((await bobWs.call('auth.redeemInvite', { username: BOB.username, code: bobInvite.code, password: BOB.password })).ok).toBe(true);
    expect((await carolWs.call('auth.redeemInvite', { username: CAROL.username, code: carolInvite.code, password: CAROL.password })).ok).toBe(
      true,
    );
    expect((await carolWs.call('settings.set', { key: 'carol.secret', value: 'only carol sees this' })).ok).toBe(true);

    // Carol's vault: a key, a connection, an agent, a conversation with an attachment, a memory.
    const value = async (channel: string, input: unknown) => {
      const r = await carolWs.call(channel, input);
      expect(r.ok, `${channel} ${JSON.stringify(r)}`).toBe(true);
      return r.value;
    };
    const secret = await value('secrets.create', { name: 'Carol key', value: 'sk-carol-only-0123456789' });
    const connection = await value('providers.create', { kind: 'openai', name: 'Carol AI', baseUrl: fake.baseUrl, secretId: secret.id });
    const agent = await value('agents.create', { name: 'Carol bot', connectionId: connection.id, model: 'fake-small' });
    fake.enqueue(reply(`A ${WORD} answer.`));
    const run = await value('chat.send', {
      agentId: agent.id,
      text: `Something ${WORD}`,
      attachments: [
        { name: 'c.txt', mime: 'text/plain', dataBase64: Buffer.from(`${WORD} notes`).toString('base64') },
        { name: 'c.png', mime: 'image/png', dataBase64: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64') },
      ],
    });
    for (let i = 0; i < 500 && !carolWs.events.some((e) => e.event === 'chat.finished'); i++) await settle(10);
    const messages = (await value('messages.list', { conversationId: run.conversationId })).messages;
    const memory = await value('memory.create', { text: `Carol likes ${WORD} music` });
    const shared = await value('shared.publish', { agentId: agent.id, shareKey: true });
    const workflow = await value('workflows.create', {
      name: 'Carol flow',
      inputs: [{ name: 'topic' }],
      steps: [{ kind: 'agent', agent: { agentId: agent.id }, prompt: `Tell me about {{inputs.topic}}` }],
    });
    fake.enqueue(reply(`A ${WORD} run answer.`));
    const { runId } = await value('workflows.runNow', { id: workflow.id, inputs: { topic: WORD } });
    for (let i = 0; i < 500 && (await value('runs.get', { id: runId })).status !== 'succeeded'; i++) await settle(10);
    const toolServer = await value('tools.servers.create', { kind: 'stdio', name: 'Carol tools', command: '/bin/true', env: [{ name: 'TOKEN', secretId: secret.id }] });
    const syncDevices = await value('sync.devices', {});
    const syncConflicts = await value('sync.conflicts', {});
    const syncStatus = await value('sync.status', {});
    carolTarget = {
      userId: carolId,
      username: CAROL.username,
      settingKey: 'carol.secret',
      agentId: agent.id,
      connectionId: connection.id,
      secretId: secret.id,
      conversationId: run.conversationId,
      messageId: run.assistantMessageId,
      attachmentId: messages[0].attachments[0].id,
      imageAttachmentId: messages[0].attachments[1].id,
      memoryId: memory.id,
      sharedAgentId: shared.id,
      toolServerId: toolServer.id,
      word: WORD,
      workflowId: workflow.id,
      runId,
      syncDeviceId: syncDevices.find((d: { thisDevice: boolean }) => !d.thisDevice).id,
      syncConflictId: syncConflicts[0].id,
      syncPairRequestId: syncStatus.pairRequests[0].id,
    };
  });

  afterAll(async () => {
    for (const c of [adminWs, bobWs, carolWs]) await c?.close();
    await host?.close();
    await otherHost?.close();
    cubby?.close();
    await fake?.close();
    removeDir(dir);
  });

  test("every channel answers Carol's ids exactly as ids that do not exist", async () => {
    const carol = carolTarget;
    const nobody: Target = {
      userId: NOBODY_ID,
      username: 'nobody-at-all',
      settingKey: 'no.such.key',
      agentId: NOBODY_ID,
      connectionId: NOBODY_ID,
      secretId: NOBODY_ID,
      conversationId: NOBODY_ID,
      messageId: 987_654_321,
      attachmentId: NOBODY_ID,
      imageAttachmentId: NOBODY_ID,
      memoryId: NOBODY_ID,
      sharedAgentId: NOBODY_ID,
      toolServerId: NOBODY_ID,
      word: 'quixotical',
      workflowId: NOBODY_ID,
      runId: NOBODY_ID,
      syncDeviceId: NOBODY_ID,
      syncConflictId: NOBODY_ID,
      syncPairRequestId: NOBODY_ID,
    };
    const carolSyncCalls = sync.calls.filter((c) => c.userId === carolId).length;
    const order = [...CHANNEL_NAMES.filter((c) => !ENDS_SESSION.includes(c)), ...ENDS_SESSION];
    expect(new Set(order)).toEqual(new Set(CHANNEL_NAMES));

    for (const channel of order) {
      if (ENDS_SESSION.includes(channel)) {
        // No ids in these; what matters is that they end only Bob's own session.
        expect(await bobWs.call(channel, probe(channel, carol))).toEqual({ ok: true, value: {} });
        expect((await carolWs.call('settings.get', { key: 'carol.secret' })).value).toEqual({ value: 'only carol sees this' });
        expect((await bobWs.call('auth.login', { username: BOB.username, password: BOB.password })).ok).toBe(true);
        continue;
      }
      const asVictim = await bobWs.call(channel, probe(channel, carol));
      const asNobody = await bobWs.call(channel, probe(channel, nobody));
      expect(asVictim, channel).toEqual(asNobody);
      if (LOOKUPS.includes(channel)) expect(asVictim.error?.code, channel).toBe('NOT_FOUND');
    }

    // Nothing of Carol's changed and nothing leaked into Bob's answers.
    expect((await carolWs.call('settings.get', { key: 'carol.secret' })).value).toEqual({ value: 'only carol sees this' });
    expect((await carolWs.call('app.status', {})).value.session.username).toBe('carol');
    const users = (await adminWs.call('admin.users.list', {})).value as { username: string; status: string; role: string }[];
    expect(users.find((u) => u.username === 'carol')).toMatchObject({ status: 'active', role: 'user' });
    expect(JSON.stringify(await bobWs.call('settings.list', {}))).not.toContain('only carol sees this');
    // Her vault is as she left it, and none of it showed up in Bob's lists.
    const carolSays = async (channel: string, input: unknown) => (await carolWs.call(channel, input)).value;
    expect(await carolSays('agents.get', { id: carol.agentId })).toMatchObject({ name: 'Carol bot', connectionId: carol.connectionId });
    expect(await carolSays('providers.list', {})).toEqual([expect.objectContaining({ id: carol.connectionId, name: 'Carol AI', secretId: carol.secretId })]);
    expect(await carolSays('secrets.list', {})).toEqual([expect.objectContaining({ id: carol.secretId, name: 'Carol key', last4: '6789' })]);
    expect(await carolSays('conversations.get', { id: carol.conversationId })).toMatchObject({ pinned: false, title: `Something ${WORD}` });
    // Her image is there for her (so its NOT_FOUND above came from the ownership check, not a broken channel).
    expect((await carolSays('attachments.image', { id: carol.imageAttachmentId })).dataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect((await carolSays('memory.list', {})).map((m: { text: string }) => m.text)).toEqual([`Carol likes ${WORD} music`]);
    expect(fake.chatRequests().every((r) => r.apiKey === 'sk-carol-only-0123456789')).toBe(true);
    expect(await carolSays('shared.definition', { id: carol.sharedAgentId })).toMatchObject({ name: 'Carol bot', isOwner: true, credential: { set: true, last4: '6789' } });
    expect(await carolSays('shared.grants', { id: carol.sharedAgentId })).toEqual([]);
    expect(await carolSays('workflows.get', { id: carol.workflowId })).toMatchObject({ name: 'Carol flow' });
    expect(await carolSays('runs.get', { id: carol.runId })).toMatchObject({ status: 'succeeded', inputs: { topic: WORD } });
    // Bob's sync calls all reached his own sync: none reached hers.
    expect(sync.calls.filter((c) => c.userId === carolId).length).toBe(carolSyncCalls);
    expect(sync.calls.some((c) => c.method === 'removeDevice' && c.args[0] === carol.syncDeviceId)).toBe(true);
    expect(await carolSays('sync.devices', {})).toEqual(expect.arrayContaining([expect.objectContaining({ id: carol.syncDeviceId })]));
    for (const list of ['agents.list', 'providers.list', 'secrets.list', 'conversations.list', 'memory.list', 'shared.list', 'workflows.list', 'runs.list']) {
      expect(JSON.stringify(await bobWs.call(list, {})), list).not.toMatch(/carol|xylophonic/i);
    }
  });

  test('no channel accepts a user id, session id or token for the caller', async () => {
    for (const field of ['userId', 'sessionId', 'token', 'asUser']) {
      const r = await bobWs.call('settings.get', { key: 'carol.secret', [field]: carolId });
      expect(r).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'The request was not valid.' } });
      const s = await bobWs.call('settings.list', { [field]: carolId });
      expect(s.ok).toBe(false);
    }
  });

  test('a forged token, another host\'s token, or a foreign origin cannot connect', async () => {
    await expect(WsClient.connect(host, { token: 'forged' })).rejects.toThrow('HTTP 403');
    await expect(WsClient.connect(host, { token: otherHost.token })).rejects.toThrow('HTTP 403');
    await expect(WsClient.connect(host, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(WsClient.connect(host, { origin: otherHost.origin })).rejects.toThrow('HTTP 403');
    // A connection with a valid token starts unbound: it cannot act as anyone.
    const fresh = await WsClient.connect(host);
    expect(await fresh.call('settings.get', { key: 'carol.secret' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect((await fresh.call('app.status', {})).value).toMatchObject({ session: null, lockedUser: null });
    await fresh.close();
  });

  test("while Carol works, no event of Carol's reaches Bob's connection", async () => {
    const before = bobWs.events.length;
    for (let i = 0; i < 3; i++) {
      expect((await carolWs.call('settings.set', { key: `k${i}`, value: 'v' })).ok).toBe(true);
      expect((await carolWs.call('auth.lock', {})).ok).toBe(true);
      expect((await carolWs.call('auth.login', { username: CAROL.username, password: CAROL.password })).ok).toBe(true);
    }
    // An admin disabling Carol locks her session: she hears it, Bob does not.
    expect((await adminWs.call('admin.users.setDisabled', { userId: carolId, disabled: true })).ok).toBe(true);
    await settle();
    expect(carolWs.events.map((e) => e.payload)).toContainEqual({ reason: 'account-changed' });
    expect(carolWs.events.filter((e) => e.event === 'session.locked').length).toBe(4);
    expect(bobWs.events.length).toBe(before);
    // After the lock Carol's connection answers LOCKED, and her lock screen names only her.
    expect(await carolWs.call('settings.get', { key: 'k0' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect((await carolWs.call('app.status', {})).value.lockedUser).toEqual({ username: 'carol', displayName: CAROL.displayName });
    expect((await bobWs.call('app.status', {})).value.lockedUser).toBeNull();
    expect((await adminWs.call('admin.users.setDisabled', { userId: carolId, disabled: false })).ok).toBe(true);
  });

  test('errors carry a code and a message, never a stack, a path or another user\'s name', async () => {
    const answers = [
      await bobWs.call('admin.users.delete', { userId: carolId, confirmUsername: 'carol' }),
      await bobWs.call('auth.login', { username: 'carol', password: 'wrong password here' }),
      await bobWs.call('no.such.channel', {}),
      await bobWs.call('settings.get', null),
    ];
    for (const a of answers) {
      expect(a.ok).toBe(false);
      expect(Object.keys(a.error).sort()).toEqual(expect.arrayContaining(['code', 'message']));
      const text = JSON.stringify(a);
      for (const leak of ['carol', 'Carol', dir, '/', '.ts', 'node:', '    at ', 'Error:']) expect(text.includes(leak), `${leak} in ${text}`).toBe(false);
    }
  });

  test('the host listens on 127.0.0.1 only and refuses to start inside Electron', async () => {
    expect(new URL(host.origin).hostname).toBe('127.0.0.1');
    // Another loopback address reaches the machine but not a socket bound to 127.0.0.1 alone.
    const port = new URL(host.origin).port;
    await expect(fetch(`http://127.0.0.2:${port}/`)).rejects.toThrow();
    expect((await fetch(`${host.origin}/`)).status).toBe(200);

    Object.defineProperty(process.versions, 'electron', { value: '45.0.0', configurable: true });
    try {
      await expect(startBrowserHost({ router: cubby.router, rendererDir: dir })).rejects.toThrow('development and tests only');
    } finally {
      delete (process.versions as Record<string, string>).electron;
    }
    expect(process.versions.electron).toBeUndefined();
  });

  test('a malformed path escape is a 404, and the host keeps serving', async () => {
    expect((await fetch(`${host.origin}/%E0%A4%A`)).status).toBe(404);
    // An encoded traversal stays inside the renderer directory (here: the index page).
    expect(await (await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd`)).text()).not.toContain('root:');
    expect((await fetch(`${host.origin}/`)).status).toBe(200);
  });

  test('a malformed frame closes only that connection', async () => {
    const c = await WsClient.connect(host);
    expect(await c.sendRaw('{"not json')).toBe(1008);
    expect((await bobWs.call('app.status', {})).ok).toBe(true);
  });

  test('closing a window locks its session', async () => {
    const c = await WsClient.connect(host);
    expect((await c.call('auth.login', { username: BOB.username, password: BOB.password })).ok).toBe(true);
    const before = cubby.accounts.openSessions().length;
    await c.close();
    await settle();
    expect(cubby.accounts.openSessions().length).toBe(before - 1);
  });
});
