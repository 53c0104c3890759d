import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserHost } from '../../main/browserHost/server';
import { dataPaths } from '../../main/core/paths';
import { ADMIN, BOB, removeDir, tempDataDir, testKeychain, twoUsers } from '../helpers/env';
import { settle, WsClient } from '../helpers/wsClient';
import { reply, startFakeProvider } from '../helpers/fakeProvider';
import { ok } from '../agents-bridge/world';
import { finished } from '../sharing/world';
import { buildBundle, line, removeBundle, REPO, runCli, testEnv } from './run';

/**
 * disable and delete while the app has Bob's vault open. "The app" is the browser host in a
 * child process (the same router and core as the Electron shell, control channel on), Bob
 * signed in over its WebSocket as his window would be; the command line is the bundled main
 * with --cli. The app must close Bob's session before the change is committed.
 */
const dir = tempDataDir('cubby-cli-app-');
const data = join(dir, 'data');
let app: ChildProcess;
let host: Pick<BrowserHost, 'origin' | 'token'>;
let bobWs: WsClient;
let bobId = '';
const keychainAccounts: string[] = [];

const asAda = (args: string[]) => runCli([...args, '--admin', ADMIN.username], { dataDir: data, stdin: line(ADMIN.password) });

/** Links of the app process's open files that name Bob's vault (Linux /proc). */
function appFilesOfBob(): string[] {
  const fdDir = `/proc/${app.pid}/fd`;
  return readdirSync(fdDir)
    .map((fd) => {
      try {
        return readlinkSync(join(fdDir, fd));
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes(bobId));
}

async function bobSignsIn(): Promise<void> {
  bobWs = await WsClient.connect(host as BrowserHost);
  const r = await bobWs.call('auth.login', { username: BOB.username, password: BOB.password });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

type AuditEntry = { id: number; action: string; actor: { id: string } | null; target: { id: string } | null };

beforeAll(async () => {
  buildBundle();
  mkdirSync(data);
  const world = await twoUsers(data);
  bobId = world.bobId;
  keychainAccounts.push(world.admin.user.id, bobId);
  world.accounts.close();

  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cubby</title>');
  app = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'main/browserHost/cli.ts')], {
    cwd: REPO,
    env: testEnv(data, { CUBBY_RENDERER_DIR: rendererDir }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    app.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    app.once('exit', (code) => reject(new Error(`the app exited (${code})`)));
  });
  host = { origin: url.origin, token: new URLSearchParams(url.hash.slice(1)).get('token')! };
  await bobSignsIn();
}, 60_000);

afterAll(async () => {
  app?.kill('SIGTERM');
  removeBundle();
  for (const a of keychainAccounts) await testKeychain().delete(a).catch(() => false);
  removeDir(dir);
});

describe.skipIf(process.platform !== 'linux')('with the app running and Bob signed in', () => {
  test('a removal the last-admin rule refuses never asks the app: the admin’s own window stays open', async () => {
    const adaWs = await WsClient.connect(host as BrowserHost);
    expect((await adaWs.call('auth.login', { username: ADMIN.username, password: ADMIN.password })).ok).toBe(true);
    for (const args of [['disable', '--username', ADMIN.username], ['delete', '--username', ADMIN.username, '--yes']]) {
      const r = await asAda(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error LAST_ADMIN: /);
      expect(r.stderr).not.toMatch(/closed/);
    }
    await settle();
    expect(adaWs.events.filter((e) => e.event === 'session.locked')).toEqual([]);
    expect((await adaWs.call('admin.users.list', {})).ok).toBe(true);
    await adaWs.close();
  });

  test('disable: the app closes Bob first (his window locks, his vault is closed), then the change is committed', async () => {
    expect(appFilesOfBob().length).toBeGreaterThan(0); // the check below can see an open vault
    const r = await asAda(['disable', '--username', BOB.username]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Cubby is running: it closed the open session of bob first\./);
    expect(r.stdout).toBe('Disabled bob.\n');

    await settle();
    expect(bobWs.events).toContainEqual({ event: 'session.locked', payload: { reason: 'account-changed' } });
    expect(await bobWs.call('settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(appFilesOfBob()).toEqual([]);

    // The app's lock of Bob's session is in the audit log before the command line's change.
    const events = JSON.parse((await asAda(['audit', '--json', '--user', bobId])).stdout) as AuditEntry[];
    const closedAt = events.find((e) => e.action === 'logout' && e.target?.id === bobId)!.id;
    const disabledAt = events.find((e) => e.action === 'user_disabled')!.id;
    expect(closedAt).toBeLessThan(disabledAt);

    expect((await asAda(['enable', '--username', BOB.username])).code).toBe(0);
    await bobWs.close();
    await bobSignsIn();
    expect(appFilesOfBob().length).toBeGreaterThan(0);
  });

  test('groups remove: an answer Bob is getting through the group\'s grant on a shared agent stops in the app at once', async () => {
    const fake = await startFakeProvider();
    const adaWs = await WsClient.connect(host as BrowserHost);
    try {
      await ok(adaWs, 'auth.login', { username: ADMIN.username, password: ADMIN.password });
      const group = await ok(adaWs, 'admin.groups.create', { name: 'Ward 3' });
      await ok(adaWs, 'admin.groups.addMember', { id: group.id, userId: bobId });
      const agent = await ok(adaWs, 'shared.create', { name: 'Ward helper', providerKind: 'openai', baseUrl: fake.baseUrl, model: 'fake-small', credential: 'sk-shared-ward-00000' });
      await ok(adaWs, 'shared.grant', { id: agent.id, subject: { type: 'group', id: group.id }, level: 'use' });
      fake.enqueue(reply('word '.repeat(3000), { chunkSize: 5, delayMs: 10 })); // about 30 s if nothing stops it
      const from = bobWs.events.length;
      const ids = await ok(bobWs, 'chat.send', { sharedAgentId: agent.id, text: 'A long answer, please' });
      for (let i = 0; i < 500 && !bobWs.events.slice(from).some((e) => e.event === 'chat.delta'); i++) await settle(10);

      const r = await asAda(['groups', 'remove', '--group', 'Ward 3', '--username', BOB.username]);
      expect(r.code, r.stderr).toBe(0);
      expect(await finished(bobWs, ids.assistantMessageId, from, 3_000)).toMatchObject({ status: 'error', error: { code: 'ACCESS_REVOKED' } });
      expect((await bobWs.call('chat.send', { conversationId: ids.conversationId, text: 'More?' })).error?.code).toBe('NOT_FOUND');
    } finally {
      await adaWs.close();
      await fake.close();
    }
  });

  test('delete: the app closes Bob first, the vault files are gone, and the app keeps running', async () => {
    const vaultFiles = () => readdirSync(dataPaths(data).vaultsDir).filter((f) => f.startsWith(bobId));
    expect(vaultFiles().length).toBeGreaterThan(0);
    const r = await asAda(['delete', '--username', BOB.username, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/closed the open session of bob first/);

    await settle();
    expect(bobWs.events).toContainEqual({ event: 'session.locked', payload: { reason: 'account-changed' } });
    expect(vaultFiles()).toEqual([]);
    expect(appFilesOfBob()).toEqual([]); // not even a deleted file still held open
    expect(await bobWs.call('settings.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });

    expect(app.exitCode).toBeNull();
    const someone = await WsClient.connect(host as BrowserHost);
    const status = await someone.call('app.status', {});
    expect(status.ok).toBe(true);
    expect(status.value.users.map((u: { username: string }) => u.username)).toEqual([ADMIN.username]);
    await someone.close();
  });
});
