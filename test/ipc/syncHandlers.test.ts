import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../preload/contract';
import type { MachinePolicySource } from '../../main/core/policy/source';
import { ADMIN, BOB } from '../helpers/env';
import { FakeSyncRuntime } from '../helpers/fakeSync';
import { startTestHost, type TestHost } from '../helpers/testHost';
import { settle, WsClient } from '../helpers/wsClient';

/**
 * The sync bridge (main/ipc/handlers/sync.ts) over the real transport, with a recording fake
 * SyncRuntime: which session reaches the service, the policy switch, a host without sync, and
 * that storage credentials sent in never come back out in an answer or an event.
 */
const S3_SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const S3_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const DAV_PASSWORD = 'dav-password-never-echoed-42';
const RECOVERY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ01-2345-6789';

const s3 = { kind: 's3', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'notes', prefix: 'cubby', forcePathStyle: true, accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET };
const dav = { kind: 'webdav', url: 'https://dav.example/remote.php/dav/files/bob', username: 'bob', password: DAV_PASSWORD };

/** A valid input for every sync channel; ids are filled in from the caller's own fake service. */
function inputs(ids: { device: string; conflict: string; pair: string; otherPair?: string }): Record<string, unknown> {
  return {
    'sync.status': {},
    'sync.setUp': { target: s3, deviceName: 'Desk', recoveryKey: RECOVERY },
    'sync.join': { target: dav, deviceName: 'Laptop' },
    'sync.joinWithRecoveryKey': { target: s3, deviceName: 'Laptop', recoveryKey: RECOVERY },
    'sync.approvePairing': { requestId: ids.pair },
    'sync.rejectPairing': { requestId: ids.otherPair ?? ids.pair },
    'sync.syncNow': {},
    'sync.pause': {},
    'sync.resume': {},
    'sync.devices': {},
    'sync.removeDevice': { deviceId: ids.device },
    'sync.conflicts': {},
    'sync.resolveConflict': { id: ids.conflict, keep: 'lost' },
    'sync.decideMassDeletion': { apply: false },
    'sync.dismissWarnings': {},
    'sync.turnOff': {},
  };
}
const SYNC_CHANNELS = CHANNEL_NAMES.filter((c) => c.startsWith('sync.')) as ChannelName[];
const NO_IDS = { device: 'a1b2c3d4e5f60718', conflict: 'a1b2c3d4e5f60718', pair: 'a1b2c3d4e5f60718' };

async function signUpBob(app: TestHost): Promise<{ admin: WsClient; bob: WsClient }> {
  const admin = await WsClient.connect(app.host);
  expect((await admin.call('auth.setup', ADMIN)).ok).toBe(true);
  const invite = (await admin.call('admin.invites.create', { username: BOB.username, displayName: BOB.displayName, role: 'user' })).value;
  const bob = await WsClient.connect(app.host);
  expect((await bob.call('auth.redeemInvite', { username: BOB.username, code: invite.code, password: BOB.password })).ok).toBe(true);
  return { admin, bob };
}

test('the contract has the sixteen sync channels this suite covers', () => {
  expect(SYNC_CHANNELS.sort()).toEqual(Object.keys(inputs(NO_IDS)).sort());
});

describe('with a sync runtime', () => {
  let app: TestHost;
  let admin: WsClient;
  let bob: WsClient;
  const sync = new FakeSyncRuntime();

  beforeAll(async () => {
    app = await startTestHost({ sync });
    ({ admin, bob } = await signUpBob(app));
  });
  afterAll(async () => {
    await admin?.close();
    await bob?.close();
    await app?.close();
  });

  test("every channel reaches the caller's own service with the caller's own session", async () => {
    const bobSession = app.cubby.accounts.openSessions().find((s) => s.user.username === BOB.username)!;
    const mine = sync.of(bobSession.user.id);
    const ids = { device: mine.devicesList[1]!.id, conflict: mine.conflictList[0]!.id, pair: mine.status().pairRequests[0]!.id, otherPair: mine.status().pairRequests[1]!.id };
    for (const channel of SYNC_CHANNELS) {
      const before = sync.sessions.length;
      const answer = await bob.call(channel, inputs(ids)[channel]);
      expect(answer.ok, `${channel} ${JSON.stringify(answer)}`).toBe(true);
      expect(sync.sessions.length, channel).toBeGreaterThan(before);
      for (const s of sync.sessions.slice(before)) expect(s, channel).toBe(bobSession);
    }
    // What he typed reached his service as he typed it (the secrets go in; they just never come out).
    expect(sync.calls.find((c) => c.method === 'setUp')).toEqual({ userId: bobSession.user.id, method: 'setUp', args: [{ target: s3, deviceName: 'Desk', recoveryKey: RECOVERY }] });
    expect(sync.calls.filter((c) => c.userId !== bobSession.user.id)).toEqual([]);
  });

  test("an id that is not the caller's is NOT_FOUND, from his service", async () => {
    for (const channel of ['sync.approvePairing', 'sync.rejectPairing', 'sync.removeDevice', 'sync.resolveConflict'] as const) {
      expect((await bob.call(channel, inputs(NO_IDS)[channel])).error?.code, channel).toBe('NOT_FOUND');
    }
  });

  test('secrets sent in appear in no answer and no event, even from a service that leaks them', async () => {
    const bobSession = app.cubby.accounts.openSessions().find((s) => s.user.username === BOB.username)!;
    const service = sync.of(bobSession.user.id);
    service.leak = { secretAccessKey: S3_SECRET, accessKeyId: S3_KEY_ID, password: DAV_PASSWORD, target: { kind: 's3', label: 'S3', secretAccessKey: S3_SECRET } };
    const from = bob.frames.length; // (his sign-up answered his vault's own recovery key)
    for (const channel of SYNC_CHANNELS) await bob.call(channel, inputs(NO_IDS)[channel]);
    service.update({ state: 'syncing', progress: { phase: 'upload', done: 1, total: 3 } });
    await settle();
    const changed = bob.events.filter((e) => e.event === 'sync.changed');
    expect(changed.at(-1)?.payload).toMatchObject({ state: 'syncing', progress: { phase: 'upload', done: 1, total: 3 }, target: { kind: 's3', label: 'S3' } });
    expect(bob.frames.slice(from).filter((f) => f.direction === 'sent').map((f) => f.text).join('\n')).toContain(S3_SECRET); // they did go in
    const received = bob.frames.slice(from).filter((f) => f.direction === 'received').map((f) => f.text).join('\n');
    for (const secret of [S3_SECRET, S3_KEY_ID, DAV_PASSWORD, RECOVERY]) expect(received.includes(secret), secret).toBe(false);
    for (const field of ['secretAccessKey', 'accessKeyId', 'password', 'recoveryKey']) expect(received.includes(field), field).toBe(false);
    service.leak = {};
  });

  test("status events reach the person's own windows only, and stop when the session ends", async () => {
    const bobSession = app.cubby.accounts.openSessions().find((s) => s.user.username === BOB.username)!;
    const service = sync.of(bobSession.user.id);
    expect((await admin.call('sync.status', {})).ok).toBe(true);
    const adminEvents = admin.events.length;
    const bobEvents = bob.events.length;
    service.update({ state: 'paused', progress: null });
    await settle();
    expect(bob.events.length).toBe(bobEvents + 1);
    expect(admin.events.length).toBe(adminEvents);
    expect(service.listenerCount()).toBe(1);
    expect((await bob.call('auth.lock', {})).ok).toBe(true);
    expect(service.listenerCount()).toBe(0);
  });

  test('an error that is not a CubbyError crosses as INTERNAL, without its message', async () => {
    expect((await bob.call('auth.login', { username: BOB.username, password: BOB.password })).ok).toBe(true);
    const bobSession = app.cubby.accounts.openSessions().find((s) => s.user.username === BOB.username)!;
    const service = sync.of(bobSession.user.id);
    const original = service.setUp.bind(service);
    service.setUp = async () => {
      throw new Error(`S3 said no to ${S3_KEY_ID}:${S3_SECRET}`);
    };
    const answer = await bob.call('sync.setUp', inputs(NO_IDS)['sync.setUp']);
    service.setUp = original;
    expect(answer).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
    expect(JSON.stringify(answer)).not.toContain(S3_SECRET);
    expect(JSON.stringify(answer)).not.toContain(S3_KEY_ID);
  });
});

describe('refused before the service', () => {
  const policyOff: MachinePolicySource = {
    kind: 'file',
    location: '/etc/cubby/policy.json',
    read: () => ({ status: 'found', values: { allowSync: false }, ignored: [] }),
  };

  test('with allowSync off every channel answers POLICY_FORBIDS and the runtime is never asked', async () => {
    const sync = new FakeSyncRuntime();
    const app = await startTestHost({ sync, machinePolicy: policyOff });
    try {
      const { admin, bob } = await signUpBob(app);
      for (const channel of SYNC_CHANNELS) {
        const answer = await bob.call(channel, inputs(NO_IDS)[channel]);
        expect(answer, channel).toEqual({ ok: false, error: { code: 'POLICY_FORBIDS', message: 'Your organization does not allow sync on this computer.' } });
      }
      expect(sync.sessions).toEqual([]);
      expect(sync.calls).toEqual([]);
      await admin.close();
      await bob.close();
    } finally {
      await app.close();
    }
  });

  test('without a runtime of its own the app runs the real one: sync is off, and needs setting up', async () => {
    const app = await startTestHost();
    try {
      const { admin, bob } = await signUpBob(app);
      expect(await bob.call('sync.status', {})).toMatchObject({ ok: true, value: { state: 'off', target: null, thisDevice: null } });
      expect(await bob.call('sync.syncNow', {})).toEqual({ ok: false, error: { code: 'SYNC_NOT_SET_UP', message: 'Sync is not on for this vault.' } });
      expect(await bob.call('sync.devices', {})).toEqual({ ok: true, value: [] });
      await admin.close();
      await bob.close();
    } finally {
      await app.close();
    }
  });

  test('a locked window reaches no sync at all', async () => {
    const sync = new FakeSyncRuntime();
    const app = await startTestHost({ sync });
    try {
      const fresh = await WsClient.connect(app.host);
      for (const channel of SYNC_CHANNELS) expect((await fresh.call(channel, inputs(NO_IDS)[channel])).error?.code, channel).toBe('LOCKED');
      expect(sync.sessions).toEqual([]);
      await fresh.close();
    } finally {
      await app.close();
    }
  });
});

test('no sync output or event schema has a field that could carry a credential', async () => {
  const { z } = await import('zod');
  const { channels, events } = await import('../../preload/contract');
  const schemas = [...SYNC_CHANNELS.map((c) => channels[c].output), events['sync.changed']];
  for (const schema of schemas) {
    const text = JSON.stringify(z.toJSONSchema(schema));
    expect(text).toContain('"properties"');
    for (const field of ['accessKeyId', 'secretAccessKey', 'password', 'recoveryKey', 'username', 'endpoint', 'url']) expect(text).not.toContain(`"${field}"`);
  }
});

test('inputs are strict: an extra field, an overlong secret or a bad target kind is refused', async () => {
  const { channels } = await import('../../preload/contract');
  const setUp = channels['sync.setUp'].input;
  expect(setUp.safeParse({ target: s3, deviceName: 'Desk', recoveryKey: RECOVERY }).success).toBe(true);
  expect(setUp.safeParse({ target: s3, deviceName: 'Desk', recoveryKey: RECOVERY, userId: 'x' }).success).toBe(false);
  expect(setUp.safeParse({ target: { ...s3, secretAccessKey: 'x'.repeat(5000) }, deviceName: 'Desk', recoveryKey: RECOVERY }).success).toBe(false);
  expect(setUp.safeParse({ target: { ...s3, kind: 'ftp' }, deviceName: 'Desk', recoveryKey: RECOVERY }).success).toBe(false);
  expect(setUp.safeParse({ target: { ...dav, extra: 1 }, deviceName: 'Desk', recoveryKey: RECOVERY }).success).toBe(false);
  expect(setUp.safeParse({ target: s3, deviceName: '   ', recoveryKey: RECOVERY }).success).toBe(false);
  expect(channels['sync.removeDevice'].input.safeParse({ deviceId: '../../etc' }).success).toBe(false);
});
