import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultOf } from '../../main/core/accounts/session';
import { defaultPolicy } from '../../main/core/policy/effective';
import type { SyncService, SyncTargetInput } from '../../main/core/sync/api';
import { createSyncRuntime } from '../../main/core/sync/runtime';
import { openStorage } from '../../main/core/sync/storage';
import { appendMessage } from '../../main/core/vault/messages';
import { createConversation } from '../../main/core/vault/conversations';
import { createMemory } from '../../main/core/vault/memory';
import { filesContaining, removeDir, tempDataDir, twoUsers } from '../helpers/env';
import { startS3Server, type S3Server } from './servers/radosgw';
import { startWebdavServer, type WebdavServer } from './servers/webdav';

/**
 * Issue 12: two people on one install sync to different targets (Ada to a real S3 server, Bob
 * to a real WebDAV server). Each one's sync is their own: its service, its credentials and its
 * pending objects live in their vault only; the other's status, devices and storage are out of
 * reach; no marker or credential is in plaintext in the data directory or in any stored object.
 */
const dir = tempDataDir('cubby-sync-two-');
const ADA_MARKER = `ada-private-${Date.now()}`;
const BOB_MARKER = `bob-private-${Date.now()}`;
let w: Awaited<ReturnType<typeof twoUsers>>;
let s3: S3Server;
let dav: WebdavServer;
let adaTarget: SyncTargetInput;
let bobTarget: SyncTargetInput;
let ada: SyncService;
let bob: SyncService;
let runtime: ReturnType<typeof createSyncRuntime>;

async function everyObject(target: SyncTargetInput): Promise<Buffer[]> {
  const storage = openStorage(target);
  try {
    const out: Buffer[] = [];
    for (const o of await storage.list('')) out.push(Buffer.from((await storage.get(o.name, 64 * 1024 * 1024))!));
    return out;
  } finally {
    await storage.close();
  }
}

beforeAll(async () => {
  [s3, dav] = await Promise.all([startS3Server(), startWebdavServer()]);
  w = await twoUsers(dir);
  runtime = createSyncRuntime(w.accounts, defaultPolicy(), { intervalMs: 3_600_000 });
  adaTarget = { kind: 's3', endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: 'ada', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  bobTarget = { kind: 'webdav', url: dav.url, username: dav.username, password: dav.password };
  for (const [session, marker] of [[w.admin, ADA_MARKER], [w.bob, BOB_MARKER]] as const) {
    const conv = createConversation(session, { agentId: null, agentName: 'x', title: `title ${marker}` });
    appendMessage(session, conv.id, { role: 'user', content: `message ${marker}`, status: 'complete' });
    createMemory(session, `fact ${marker}`);
  }
  ada = runtime.forSession(w.admin);
  bob = runtime.forSession(w.bob);
  await ada.setUp({ target: adaTarget, deviceName: 'Front desk (Ada)', recoveryKey: w.adminRecovery });
  await bob.setUp({ target: bobTarget, deviceName: 'Front desk (Bob)', recoveryKey: w.bobRecovery });
  // A second change each, so segments (not only the first snapshot) are in the storage too.
  for (const [session, marker] of [[w.admin, ADA_MARKER], [w.bob, BOB_MARKER]] as const) createMemory(session, `later ${marker}`);
  await ada.syncNow();
  await bob.syncNow();
}, 120_000);

afterAll(async () => {
  runtime?.stopAll();
  w?.admin.close();
  w?.bob.close();
  w?.accounts.close();
  await Promise.all([s3?.stop(), dav?.stop()]);
  removeDir(dir);
});

describe('two people on one install, two targets', () => {
  it('each has their own service, target and devices; neither sees the other’s', async () => {
    expect(ada).not.toBe(bob);
    const a = ada.status();
    const b = bob.status();
    expect(a).toMatchObject({ state: 'idle', error: null, target: { kind: 's3' } });
    expect(b).toMatchObject({ state: 'idle', error: null, target: { kind: 'webdav' } });
    expect(JSON.stringify(a)).not.toContain('Bob');
    expect(JSON.stringify(b)).not.toContain('Ada');
    expect((await ada.devices()).map((d) => d.name)).toEqual(['Front desk (Ada)']);
    expect((await bob.devices()).map((d) => d.name)).toEqual(['Front desk (Bob)']);
  });

  it('no status, answer or error carries a credential', async () => {
    const answers = JSON.stringify([ada.status(), bob.status(), await ada.devices(), await bob.devices(), ada.conflicts(), bob.conflicts()]);
    for (const secret of [s3.secretAccessKey, s3.accessKeyId, dav.password]) expect(answers).not.toContain(secret);
  });

  it('each one’s credentials and pending objects are only in their own vault, encrypted', () => {
    const adaVault = vaultOf(w.admin).prepare('SELECT target_json FROM sync_config').pluck().get() as string;
    const bobVault = vaultOf(w.bob).prepare('SELECT target_json FROM sync_config').pluck().get() as string;
    expect(adaVault).toContain(s3.secretAccessKey);
    expect(adaVault).not.toContain(dav.password);
    expect(bobVault).toContain(dav.password);
    expect(bobVault).not.toContain(s3.secretAccessKey);
    for (const needle of [ADA_MARKER, BOB_MARKER, s3.secretAccessKey, dav.password]) expect(filesContaining(dir, needle), needle).toEqual([]);
  });

  it('no object in the bucket or on the WebDAV server holds a marker, and each storage holds only its person’s objects', async () => {
    const inS3 = await everyObject(adaTarget);
    const inDav = await everyObject(bobTarget);
    expect(inS3.length).toBeGreaterThan(3);
    expect(inDav.length).toBeGreaterThan(3);
    for (const bytes of [...inS3, ...inDav]) {
      for (const marker of [ADA_MARKER, BOB_MARKER, 'title', 'message', 'fact']) expect(bytes.includes(marker)).toBe(false);
    }
    // Bob's storage never got an object of Ada's vault and the other way round: their names differ wholly.
    const names = async (t: SyncTargetInput) => {
      const s = openStorage(t);
      try {
        return new Set((await s.list('')).map((o) => o.name.split('/')[0]));
      } finally {
        await s.close();
      }
    };
    const adaTops = await names(adaTarget);
    const bobTops = await names(bobTarget);
    for (const top of adaTops) if (top !== 'r') expect(bobTops.has(top)).toBe(false);
  });

  it('machine policy can limit the kinds of target: WebDAV refused where only S3 is allowed', async () => {
    const base = defaultPolicy();
    const onlyS3 = { ...base, values: { ...base.values, allowedSyncTargets: ['s3' as const] } };
    const other = await twoUsers(tempDataDir('cubby-sync-policy-'));
    const limited = createSyncRuntime(other.accounts, onlyS3, { intervalMs: 3_600_000 });
    try {
      const svc = limited.forSession(other.bob);
      await expect(svc.setUp({ target: bobTarget, deviceName: 'X', recoveryKey: other.bobRecovery })).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
      expect(svc.status().state).toBe('off');
    } finally {
      limited.stopAll();
      other.admin.close();
      other.bob.close();
      other.accounts.close();
    }
  });
});
