/**
 * One contract for every sync storage backend, run against a folder, a real S3 server (Ceph
 * RGW) and a real WebDAV server (Apache mod_dav), both started here on 127.0.0.1. Each test gets
 * a fresh, empty root (a new folder, a new key prefix, a new collection).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isCubbyError } from '../../main/core/errors';
import type { SyncTargetInput } from '../../main/core/sync/api';
import { openStorage, type SyncStorage, type SyncStorageOptions } from '../../main/core/sync/storage';
import { S3_SERVER_PAGE, startS3Server, type S3Server } from './servers/radosgw';
import { startWebdavServer, type WebdavServer } from './servers/webdav';

let s3: S3Server;
let dav: WebdavServer;
const folders: string[] = [];

beforeAll(async () => {
  [s3, dav] = await Promise.all([startS3Server(), startWebdavServer()]);
  // For the record (not a timed assertion): how long the real servers took to start here.
  console.log(`test servers started: Ceph RGW in ${s3.startMs} ms, Apache mod_dav in ${dav.startMs} ms`);
}, 240_000);

afterAll(async () => {
  await Promise.all([s3?.stop(), dav?.stop()]);
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

const davAuth = () => `Basic ${Buffer.from(`${dav.username}:${dav.password}`).toString('base64')}`;

interface Backend {
  kind: 'folder' | 's3' | 'webdav';
  /** A target with a fresh, empty root. */
  freshTarget(): Promise<SyncTargetInput>;
}

const FOLDER: Backend = {
  kind: 'folder',
  freshTarget: async () => {
    const path = mkdtempSync(join(tmpdir(), 'cubby-syncfolder-'));
    folders.push(path);
    return { kind: 'folder', path };
  },
};
const S3: Backend = {
  kind: 's3',
  freshTarget: async () => ({
    kind: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    prefix: `run${randomBytes(6).toString('hex')}/`,
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  }),
};
const WEBDAV: Backend = {
  kind: 'webdav',
  freshTarget: async () => {
    const url = `${dav.url}run${randomBytes(6).toString('hex')}/`;
    const res = await fetch(url, { method: 'MKCOL', headers: { Authorization: davAuth() } });
    expect(res.status).toBe(201);
    return { kind: 'webdav', url, username: dav.username, password: dav.password };
  },
};
const BACKENDS = [FOLDER, S3, WEBDAV];

async function fresh(backend: Backend, opts?: SyncStorageOptions): Promise<SyncStorage> {
  return openStorage(await backend.freshTarget(), opts);
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; error: Error }> {
  try {
    await p;
  } catch (e) {
    if (!isCubbyError(e)) throw e;
    return { code: e.code, message: e.message, error: e };
  }
  throw new Error('expected a failure, got none');
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe.each(BACKENDS)('$kind storage contract', (backend) => {
  test('put/get round trip: every byte value, empty, 1 MiB', async () => {
    const st = await fresh(backend);
    const allBytes = new Uint8Array(256).map((_, i) => i);
    const big = new Uint8Array(randomBytes(1024 * 1024));
    await st.put('bin', allBytes);
    await st.put('empty', new Uint8Array(0));
    await st.put('big', big);
    expect(await st.get('bin', 256)).toEqual(allBytes);
    expect(await st.get('empty', 0)).toEqual(new Uint8Array(0));
    const back = await st.get('big', big.length);
    expect(back && Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
    await st.close();
  });

  test('put overwrites; nested names work', async () => {
    const st = await fresh(backend);
    await st.put('v/3f9a/s/0c1d', bytes(1, 2, 3));
    await st.put('v/3f9a/s/0c1d', bytes(9));
    expect(await st.get('v/3f9a/s/0c1d', 100)).toEqual(bytes(9));
    await st.put('a/b/c/d/e/f', bytes(7));
    expect(await st.get('a/b/c/d/e/f', 100)).toEqual(bytes(7));
  });

  test('putIfAbsent: true the first time, false after, and the content stays the first', async () => {
    const st = await fresh(backend);
    expect(await st.putIfAbsent('p/one', bytes(1))).toBe(true);
    expect(await st.putIfAbsent('p/one', bytes(2))).toBe(false);
    expect(await st.get('p/one', 10)).toEqual(bytes(1));
    await st.put('p/two', bytes(3));
    expect(await st.putIfAbsent('p/two', bytes(4))).toBe(false);
    expect(await st.get('p/two', 10)).toEqual(bytes(3));
  });

  test('putIfAbsent racing itself: on an atomic backend exactly one writer wins', async () => {
    const st = await fresh(backend);
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => st.putIfAbsent('race/x', bytes(i))));
    const winners = wins.filter(Boolean).length;
    expect(winners).toBeGreaterThanOrEqual(1);
    if (st.atomicPutIfAbsent) {
      expect(winners).toBe(1);
      expect(await st.get('race/x', 10)).toEqual(bytes(wins.indexOf(true)));
    }
  });

  test('get: null when absent (also under a missing parent); over maxBytes is refused as too large', async () => {
    const st = await fresh(backend);
    expect(await st.get('nothing', 10)).toBeNull();
    expect(await st.get('no/such/parent', 10)).toBeNull();
    await st.put('ten', new Uint8Array(10));
    expect(await st.get('ten', 10)).toHaveLength(10);
    const err = await failure(st.get('ten', 9));
    expect(err.code).toBe('SYNC_OBJECT_REJECTED');
    expect(err.message).toMatch(/too large/);
  });

  test('list by prefix, with sizes; an empty or unknown prefix', async () => {
    const st = await fresh(backend);
    expect(await st.list('')).toEqual([]);
    expect(await st.list('a/')).toEqual([]);
    await Promise.all([st.put('a/1', bytes(1)), st.put('a/2', bytes(1, 2)), st.put('a/sub/3', bytes(1, 2, 3)), st.put('ab/4', bytes()), st.put('b/5', bytes(5))]);
    const names = async (prefix: string) => (await st.list(prefix)).map((o) => o.name).sort();
    expect((await st.list('a/')).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'a/1', size: 1 },
      { name: 'a/2', size: 2 },
      { name: 'a/sub/3', size: 3 },
    ]);
    expect(await names('a')).toEqual(['a/1', 'a/2', 'a/sub/3', 'ab/4']);
    expect(await names('a/s')).toEqual(['a/sub/3']);
    expect(await names('')).toEqual(['a/1', 'a/2', 'a/sub/3', 'ab/4', 'b/5']);
    expect(await st.list('zz/')).toEqual([]);
    expect(await st.list('a/sub/3/')).toEqual([]);
  });

  test('delete: gone afterwards, and deleting what is absent is fine', async () => {
    const st = await fresh(backend);
    await st.put('d/x', bytes(1));
    await st.put('d/y', bytes(2));
    await st.delete('d/x');
    expect(await st.get('d/x', 10)).toBeNull();
    expect((await st.list('d/')).map((o) => o.name)).toEqual(['d/y']);
    await st.delete('d/x');
    await st.delete('never/there');
  });

  test('check() passes against a working target and leaves nothing behind', async () => {
    const st = await fresh(backend);
    await st.check();
    expect(await st.list('')).toEqual([]);
  });

  test('names that could leave the root or are not ours are refused before any request', async () => {
    const st = await fresh(backend);
    for (const bad of ['', '../x', 'a/../../x', '/abs', 'a//b', 'a/', 'A', 'a.b', 'a\\b', 'a/%2e%2e', 'é', 'a\0b']) {
      expect((await failure(st.put(bad, bytes(1)))).code).toBe('VALIDATION');
      expect((await failure(st.get(bad, 10))).code).toBe('VALIDATION');
      expect((await failure(st.putIfAbsent(bad, bytes(1)))).code).toBe('VALIDATION');
      expect((await failure(st.delete(bad))).code).toBe('VALIDATION');
    }
    for (const bad of ['/', '../', 'a//', 'A']) expect((await failure(st.list(bad))).code).toBe('VALIDATION');
    expect(await st.list('')).toEqual([]);
  });
});

describe('backend specifics', () => {
  test('S3: list follows every page the server cuts (350 objects, pages of at most 100), also with a small page size', async () => {
    const target = await S3.freshTarget();
    const st = openStorage(target);
    const names = Array.from({ length: 3 * S3_SERVER_PAGE + 50 }, (_, i) => `many/${i.toString(36).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => st.put(n, bytes(1, 2))));
    await st.put('other/x', bytes(1));
    const listed = await st.list('many/');
    expect(listed).toHaveLength(names.length);
    expect(new Set(listed.map((o) => o.name))).toEqual(new Set(names));
    expect(listed.every((o) => o.size === 2)).toBe(true);
    const paged = await openStorage(target, { listPageSize: 7 }).list('many/0');
    expect(paged.map((o) => o.name).sort()).toEqual(names.filter((n) => n.startsWith('many/0')).sort());
    expect(paged.length).toBeGreaterThan(7);
  });

  test('S3: objects outside the target prefix are neither listed nor reachable', async () => {
    const a = openStorage(await S3.freshTarget());
    const b = openStorage(await S3.freshTarget());
    await a.put('mine', bytes(1));
    expect(await b.list('')).toEqual([]);
    expect(await b.get('mine', 10)).toBeNull();
  });

  test('folder: files 0600, directories 0700, no temp file left, even after a refused putIfAbsent', async () => {
    const target = (await FOLDER.freshTarget()) as Extract<SyncTargetInput, { kind: 'folder' }>;
    const st = openStorage(target);
    await st.put('v/abc/s/1', bytes(1));
    await st.put('v/abc/s/1', bytes(2));
    expect(await st.putIfAbsent('v/abc/s/2', bytes(3))).toBe(true);
    expect(await st.putIfAbsent('v/abc/s/2', bytes(4))).toBe(false);
    const all = readdirSync(target.path, { recursive: true, withFileTypes: true });
    expect(all.map((d) => join(d.parentPath, d.name).slice(target.path.length)).sort()).toEqual(['/v', '/v/abc', '/v/abc/s', '/v/abc/s/1', '/v/abc/s/2']);
    for (const d of all) {
      const mode = statSync(join(d.parentPath, d.name)).mode & 0o777;
      expect(mode).toBe(d.isDirectory() ? 0o700 : 0o600);
    }
  });

  test('folder: a missing folder (an unplugged disk) is an error, and is not created', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cubby-syncfolder-')), 'gone');
    folders.push(dirname(path));
    const st = openStorage({ kind: 'folder', path });
    expect((await failure(st.put('a', bytes(1)))).code).toBe('SYNC_STORAGE_ERROR');
    expect((await failure(st.list(''))).code).toBe('SYNC_STORAGE_ERROR');
    expect((await failure(st.check())).code).toBe('SYNC_STORAGE_ERROR');
    expect((await failure(st.get('a', 10))).code).toBe('SYNC_STORAGE_ERROR');
    expect(existsSync(path)).toBe(false);
  });

  test('folder: a symlink planted in the folder is neither read through nor listed', async () => {
    const target = (await FOLDER.freshTarget()) as Extract<SyncTargetInput, { kind: 'folder' }>;
    const outside = join(mkdtempSync(join(tmpdir(), 'cubby-outside-')), 'secret');
    folders.push(dirname(outside));
    writeFileSync(outside, 'outside-marker');
    symlinkSync(outside, join(target.path, 'link'));
    symlinkSync(dirname(outside), join(target.path, 'dirlink'));
    const st = openStorage(target);
    expect((await failure(st.get('link', 100))).code).toBe('SYNC_STORAGE_ERROR');
    expect(await st.list('')).toEqual([]);
    await st.put('link', bytes(5)); // replaces the link itself, never writes through it
    expect(readFileSync(outside, 'utf8')).toBe('outside-marker');
    expect(await st.get('link', 10)).toEqual(bytes(5));
  });

  test('an object announced as huge is refused from its headers, without waiting for the body', async () => {
    const { createServer } = await import('node:http');
    // Answers every GET with headers for 1 GiB, then sends nothing more.
    const server = createServer((req, res) => {
      if (req.method !== 'GET') return void res.writeHead(201).end();
      res.writeHead(200, { 'Content-Length': String(1024 ** 3), 'Content-Type': 'application/octet-stream' });
      res.flushHeaders();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      for (const st of [
        openStorage({ kind: 's3', endpoint: url, region: 'us-east-1', bucket: 'bkt', prefix: '', forcePathStyle: true, accessKeyId: 'k', secretAccessKey: 's' }, { timeoutMs: 30_000 }),
        openStorage({ kind: 'webdav', url: `${url}/`, username: 'u', password: 'p' }, { timeoutMs: 30_000 }),
      ]) {
        const started = Date.now();
        const f = await failure(st.get('big', 1024 * 1024));
        expect(f.code).toBe('SYNC_OBJECT_REJECTED');
        expect(Date.now() - started).toBeLessThan(5000);
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('failures: wrong credentials, no server, no secret in any message', () => {
  const SECRET_MARKERS = () => [s3.secretAccessKey, dav.password, 'wrong-secret-Zq9', 'wrong-password-Zq9'];
  /** Words from servers' own error bodies and headers: none may reach a message. */
  const SERVER_WORDS = /SignatureDoesNotMatch|InvalidAccessKeyId|<\?xml|<Error>|RequestId|Unauthorized|Apache|ceph|radosgw|www-authenticate/i;
  const seen: { code: string; message: string; error: Error }[] = [];
  const record = async (p: Promise<unknown>) => {
    const f = await failure(p);
    seen.push(f);
    return f;
  };

  const s3Target = (over: Partial<Extract<SyncTargetInput, { kind: 's3' }>> = {}): SyncTargetInput => ({
    kind: 's3',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    prefix: `bad${randomBytes(4).toString('hex')}`,
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    ...over,
  });

  test('S3: a wrong secret or an unknown key is SYNC_AUTH_FAILED, and nothing is written', async () => {
    const target = s3Target({ secretAccessKey: 'wrong-secret-Zq9' }) as Extract<SyncTargetInput, { kind: 's3' }>;
    const wrong = openStorage(target);
    for (const op of [() => wrong.put('x/y', bytes(1)), () => wrong.putIfAbsent('x/z', bytes(1)), () => wrong.get('x/y', 10), () => wrong.list(''), () => wrong.delete('x/y'), () => wrong.check()]) {
      expect((await record(op())).code).toBe('SYNC_AUTH_FAILED');
    }
    expect((await record(openStorage(s3Target({ prefix: target.prefix, accessKeyId: 'NOSUCHKEY000' })).put('x/w', bytes(1)))).code).toBe('SYNC_AUTH_FAILED');
    expect(await openStorage({ ...target, secretAccessKey: s3.secretAccessKey }).list('')).toEqual([]);
  });

  test('S3: a bucket that does not exist is SYNC_STORAGE_ERROR', async () => {
    const f = await record(openStorage(s3Target({ bucket: 'cubby-no-such-bucket' })).put('x', bytes(1)));
    expect(f).toMatchObject({ code: 'SYNC_STORAGE_ERROR', message: expect.stringMatching(/bucket does not exist/) });
  });

  test('WebDAV: a wrong password is SYNC_AUTH_FAILED, and nothing is written', async () => {
    const good = openStorage({ kind: 'webdav', url: dav.url, username: dav.username, password: dav.password });
    const before = await good.list('');
    const wrong = openStorage({ kind: 'webdav', url: dav.url, username: dav.username, password: 'wrong-password-Zq9' });
    for (const op of [() => wrong.put('w/y', bytes(1)), () => wrong.putIfAbsent('wz', bytes(1)), () => wrong.get('w/y', 10), () => wrong.list(''), () => wrong.delete('w/y'), () => wrong.check()]) {
      expect((await record(op())).code).toBe('SYNC_AUTH_FAILED');
    }
    expect((await record(openStorage({ kind: 'webdav', url: dav.url, username: 'nobody', password: dav.password }).put('wq', bytes(1)))).code).toBe('SYNC_AUTH_FAILED');
    expect(await good.list('')).toEqual(before);
  });

  test('no server on the port: SYNC_UNREACHABLE within a few seconds', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    for (const st of [
      openStorage(s3Target({ endpoint: closed })),
      openStorage({ kind: 'webdav', url: `${closed}/dav/`, username: 'u', password: 'wrong-password-Zq9' }),
    ]) {
      const started = Date.now();
      expect((await record(st.list(''))).code).toBe('SYNC_UNREACHABLE');
      expect((await record(st.put('x', bytes(1)))).code).toBe('SYNC_UNREACHABLE');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  test('a server that accepts the connection and never answers: SYNC_UNREACHABLE after the timeout', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      for (const st of [
        openStorage(s3Target({ endpoint: `http://127.0.0.1:${port}` }), { timeoutMs: 800 }),
        openStorage({ kind: 'webdav', url: `http://127.0.0.1:${port}/`, username: 'u', password: 'p' }, { timeoutMs: 800 }),
      ]) {
        const started = Date.now();
        expect((await record(st.get('x', 10))).code).toBe('SYNC_UNREACHABLE');
        expect(Date.now() - started).toBeLessThan(6000);
      }
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('every message above is plain: no credential, no server wording, no stack, no cause carried', () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const f of seen) {
      for (const secret of SECRET_MARKERS()) expect(f.message).not.toContain(secret);
      expect(f.message).not.toContain(s3.accessKeyId);
      expect(f.message).not.toMatch(SERVER_WORDS);
      expect(f.message).not.toMatch(/\n\s+at |127\.0\.0\.1|\/tmp\//);
      // Nothing hangs off the error for a logger to print: no cause, no extra fields.
      expect(f.error.cause).toBeUndefined();
      expect(JSON.parse(JSON.stringify(f.error))).toEqual({ name: 'CubbyError', code: f.code });
    }
  });
});

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}
