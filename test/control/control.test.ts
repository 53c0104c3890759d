import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCubby, type Cubby } from '../../main/app';
import { withAccountClosedInApp } from '../../main/cli/appControl';
import { controlPaths, PROTOCOL_VERSION, proofOf } from '../../main/control/protocol';
import { startControlServer } from '../../main/control/server';
import type { Connection } from '../../main/ipc/router';
import { ADMIN, BOB, removeDir, TEST_POLICY, tempDataDir, testKeychain } from '../helpers/env';

/**
 * The control channel against hostile and broken clients, in-process: a real app core
 * (startCubby with control on) with Bob signed in through the router, as a window would be.
 */
const dir = tempDataDir('cubby-control-');
let cubby: Cubby;
let bobId = '';
let bobConn: Connection;
const bobEvents: { event: string; payload: unknown }[] = [];
const paths = controlPaths(dir);
const keychainAccounts: string[] = [];

async function signInBob(): Promise<void> {
  const r = await cubby.router.call(bobConn, 'auth.login', { username: BOB.username, password: BOB.password });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

const bobSignedIn = () => cubby.router.sessionOf(bobConn) !== null;

beforeAll(async () => {
  cubby = await startCubby({ dataDir: dir, keychain: testKeychain(), policy: { ...TEST_POLICY, freeFailures: 1000 }, control: true });
  expect(cubby.control).not.toBeNull();
  const { session: admin } = await cubby.accounts.setup(ADMIN);
  const invite = await cubby.accounts.createInvite(admin, { username: BOB.username, displayName: BOB.displayName, role: 'user' });
  bobId = invite.userId;
  const { session } = await cubby.accounts.redeemInvite({ username: BOB.username, code: invite.code, password: BOB.password });
  cubby.accounts.lock(session);
  cubby.accounts.lock(admin);
  keychainAccounts.push(admin.user.id, bobId);
  bobConn = cubby.router.connect((event, payload) => bobEvents.push({ event, payload }));
  await signInBob();
});

afterAll(async () => {
  cubby.close();
  for (const a of keychainAccounts) await testKeychain().delete(a).catch(() => false);
  removeDir(dir);
});

/** A raw client speaking lines; `answers` collects what the server says, `closed` resolves on close. */
function rawClient(): Promise<{ socket: Socket; answers: unknown[]; closed: Promise<void>; send(text: string | Buffer): void; next(): Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(paths.endpoint);
    const answers: unknown[] = [];
    const waiters: ((m: unknown) => void)[] = [];
    let buf = '';
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buf += d.toString();
      for (let at = buf.indexOf('\n'); at >= 0; at = buf.indexOf('\n')) {
        const m = JSON.parse(buf.slice(0, at));
        buf = buf.slice(at + 1);
        const w = waiters.shift();
        if (w) w(m);
        else answers.push(m);
      }
    });
    socket.once('connect', () =>
      resolve({
        socket,
        answers,
        closed,
        send: (text) => socket.write(text),
        next: () => (answers.length ? Promise.resolve(answers.shift()) : new Promise((r) => waiters.push(r))),
      }),
    );
    socket.once('error', reject);
  });
}

const nonce = () => randomBytes(32).toString('base64url');

describe('the channel on disk', () => {
  test('lives in a private folder: folder 0700, socket and token 0600, owned by this OS account', () => {
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.endpoint).mode & 0o777).toBe(0o600);
    expect(statSync(paths.endpoint).isSocket()).toBe(true);
    expect(statSync(paths.tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(paths.tokenFile).uid).toBe(process.getuid!());
  });

  test('a data directory too deep for a Unix socket: the app does not listen (the OS would cut the path short), the command line goes ahead', async () => {
    const deep = join(dir, 'd'.repeat(60), 'e'.repeat(60));
    const logged: string[] = [];
    expect(await startControlServer({ dataDir: deep, router: cubby.router, log: { error: (m) => logged.push(m) } })).toBeNull();
    expect(logged.join()).toMatch(/too long/);
    expect(existsSync(deep)).toBe(false);
    expect(await withAccountClosedInApp(deep, bobId, (c) => c)).toEqual({ appRunning: false, sessions: 0 });
  });

  test('a second app on the same data directory does not take the channel over', async () => {
    const logged: string[] = [];
    const second = await startControlServer({ dataDir: dir, router: cubby.router, log: { error: (m) => logged.push(m) } });
    expect(second).toBeNull();
    expect(logged.join()).toMatch(/another Cubby process/);
    expect(existsSync(paths.tokenFile)).toBe(true);
  });
});

describe('a caller that cannot prove it runs as this OS account', () => {
  test('a wrong token is refused, and nothing is closed', async () => {
    const c = await rawClient();
    const clientNonce = nonce();
    c.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', nonce: clientNonce }) + '\n');
    const challenge = (await c.next()) as { type: string; nonce: string; proof: string };
    expect(challenge.type).toBe('challenge');
    const wrong = randomBytes(32).toString('base64url');
    c.send(JSON.stringify({ type: 'auth', proof: proofOf(wrong, 'client', clientNonce, challenge.nonce) }) + '\n');
    expect(await c.next()).toEqual({ type: 'error', code: 'AUTH' });
    await c.closed;
    expect(bobSignedIn()).toBe(true);
  });

  test('asking before authenticating, or replaying the server’s own proof, is refused', async () => {
    const early = await rawClient();
    early.send(JSON.stringify({ type: 'closeUser', userId: bobId }) + '\n');
    expect(await early.next()).toEqual({ type: 'error', code: 'BAD_MESSAGE' });
    await early.closed;

    const replay = await rawClient();
    replay.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', nonce: nonce() }) + '\n');
    const challenge = (await replay.next()) as { proof: string };
    replay.send(JSON.stringify({ type: 'auth', proof: challenge.proof }) + '\n');
    expect(await replay.next()).toEqual({ type: 'error', code: 'AUTH' });
    await replay.closed;
    expect(bobSignedIn()).toBe(true);
  });

  test('garbage, unknown fields, oversized lines and silence each end only that connection', async () => {
    const junk: (string | Buffer)[] = [
      'not json\n',
      '{"v":1,"type":"hello","nonce":"short"}\n',
      `${JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', nonce: nonce(), extra: 1 })}\n`,
      `${JSON.stringify({ v: 2, type: 'hello', nonce: nonce() })}\n`,
      '{"type":"__proto__"}\n',
      Buffer.concat([randomBytes(512), Buffer.from('\n')]),
      'x'.repeat(64 * 1024), // no newline at all
    ];
    for (const text of junk) {
      const c = await rawClient();
      c.send(text);
      await c.closed;
      expect(c.answers.every((a) => (a as { type: string }).type === 'error')).toBe(true);
    }
    // Silence: a short-fused server of its own, so the test does not wait 5 s.
    const quietDir = tempDataDir('cubby-control-quiet-');
    const quiet = await startControlServer({ dataDir: quietDir, router: cubby.router, handshakeMs: 200 });
    const idle = connect(controlPaths(quietDir).endpoint);
    idle.on('error', () => undefined);
    let said = '';
    idle.on('data', (d) => (said += d.toString()));
    await new Promise<void>((r) => idle.once('close', () => r()));
    expect(JSON.parse(said)).toEqual({ type: 'error', code: 'TIMEOUT' });
    quiet!.close();
    removeDir(quietDir);
    expect(bobSignedIn()).toBe(true);
  });

  test.skipIf(process.platform === 'win32' || process.getuid?.() !== 0)(
    'another OS account can neither connect nor read the token (run as root: a child as nobody)',
    () => {
      const probe = `
        const net = require('node:net'), fs = require('node:fs');
        let token; try { fs.readFileSync(${JSON.stringify(paths.tokenFile)}); token = 'read'; } catch (e) { token = e.code; }
        const s = net.connect(${JSON.stringify(paths.endpoint)});
        s.on('connect', () => { console.log(JSON.stringify({ token, socket: 'connected' })); s.destroy(); });
        s.on('error', (e) => console.log(JSON.stringify({ token, socket: e.code })));`;
      const r = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ token: 'EACCES', socket: 'EACCES' });
    },
  );
});

describe('the command line’s client', () => {
  test('closes the account’s sessions (the window hears it locked) and holds sign-in until the change is done', async () => {
    bobEvents.length = 0;
    let during: { ok: boolean; error?: { code: string; message: string } } | undefined;
    const result = await withAccountClosedInApp(dir, bobId, async (closed) => {
      expect(closed).toEqual({ appRunning: true, sessions: 1 });
      expect(bobSignedIn()).toBe(false);
      during = (await cubby.router.call(bobConn, 'auth.login', { username: BOB.username, password: BOB.password })) as typeof during;
      return 'changed';
    });
    expect(result).toBe('changed');
    expect(bobEvents).toContainEqual({ event: 'session.locked', payload: { reason: 'account-changed' } });
    expect(during?.ok).toBe(false);
    expect(during?.error?.code).toBe('LOCKED');
    expect(during?.error?.message).toMatch(/administrator is changing this account/);
    expect(cubby.accounts.openSessions().filter((s) => s.user.id === bobId)).toEqual([]);
    // Once the command line hangs up, Bob may sign in again.
    await new Promise((r) => setTimeout(r, 50));
    await signInBob();
    expect(bobSignedIn()).toBe(true);
  });

  test('a stand-in answering on the endpoint is not trusted, and the change never runs', async () => {
    const fakeDir = tempDataDir('cubby-control-fake-');
    const fakePaths = controlPaths(fakeDir);
    // A real token file of ours, but the server does not know it.
    const real = await startControlServer({ dataDir: fakeDir, router: cubby.router });
    real!.close();
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(fakePaths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(fakePaths.tokenFile, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
    const { createServer } = await import('node:net');
    // It speaks the protocol perfectly, except that it cannot know the token.
    const impostor = createServer((s) => {
      s.on('error', () => undefined);
      s.on('data', (d) => {
        for (const line of d.toString().split('\n').filter(Boolean)) {
          const type = (JSON.parse(line) as { type: string }).type;
          const answer =
            type === 'hello' ? { v: 1, type: 'challenge', nonce: nonce(), proof: nonce() } : type === 'auth' ? { type: 'ready' } : { type: 'closed', sessions: 0 };
          s.write(JSON.stringify(answer) + '\n');
        }
      });
    });
    await new Promise<void>((r) => impostor.listen(fakePaths.endpoint, r));
    let ran = false;
    await expect(withAccountClosedInApp(fakeDir, bobId, () => (ran = true))).rejects.toMatchObject({ code: 'APP_NOT_RESPONDING' });
    expect(ran).toBe(false);
    await new Promise<void>((r) => impostor.close(() => r()));
    removeDir(fakeDir);
  });

  test('no app, or a socket file left by an app that crashed: the change just runs', async () => {
    const emptyDir = tempDataDir('cubby-control-none-');
    expect(await withAccountClosedInApp(emptyDir, bobId, (c) => c)).toEqual({ appRunning: false, sessions: 0 });
    // A listener killed with SIGKILL leaves its socket file behind.
    const stalePaths = controlPaths(emptyDir);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(stalePaths.dir, { recursive: true, mode: 0o700 });
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stalePaths.endpoint)}, () => console.log('up'))`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise<void>((r) => child.once('exit', () => r()));
    expect(existsSync(stalePaths.endpoint)).toBe(true);
    expect(await withAccountClosedInApp(emptyDir, bobId, (c) => c)).toEqual({ appRunning: false, sessions: 0 });
    // And an app starting there replaces the stale file.
    const fresh = await startControlServer({ dataDir: emptyDir, router: cubby.router });
    expect(fresh).not.toBeNull();
    expect(await withAccountClosedInApp(emptyDir, '00000000-0000-4000-8000-000000000000', (c) => c)).toEqual({ appRunning: true, sessions: 0 });
    fresh!.close();
    expect(existsSync(stalePaths.endpoint)).toBe(false);
    removeDir(emptyDir);
  });

  test('an app that closes after another took over the directory leaves the newer app’s token alone', async () => {
    // Two processes on one directory can only be a development browser host beside the app (the
    // shell holds a single-instance lock per data directory). libuv unlinks a listening socket's
    // path when it closes, so the socket file cannot be protected; the token can.
    const sharedDir = tempDataDir('cubby-control-two-');
    const sharedPaths = controlPaths(sharedDir);
    const older = await startControlServer({ dataDir: sharedDir, router: cubby.router });
    expect(older).not.toBeNull();
    rmSync(sharedPaths.endpoint);
    const newer = await startControlServer({ dataDir: sharedDir, router: cubby.router });
    expect(newer).not.toBeNull();
    const newerToken = readFileSync(sharedPaths.tokenFile, 'utf8');
    older!.close();
    expect(readFileSync(sharedPaths.tokenFile, 'utf8')).toBe(newerToken);
    newer!.close();
    expect(existsSync(sharedPaths.tokenFile)).toBe(false);
    removeDir(sharedDir);
  });
});
