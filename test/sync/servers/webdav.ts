/**
 * A real WebDAV server for the tests: Apache httpd with mod_dav and mod_dav_fs (Debian's
 * apache2-bin and apache2-utils), in the foreground with its own config, basic auth from an
 * htpasswd file, on a random 127.0.0.1 port, all under one temp directory. Apache honours
 * If-None-Match: * on PUT (it checks, then writes: two racing writers can both succeed).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, logTail, spawnDaemon, stopDaemon, waitFor } from './processes';

const run = promisify(execFile);

export interface WebdavServer {
  url: string;
  username: string;
  password: string;
  startMs: number;
  stop(): Promise<void>;
}

const MODULES = ['mpm_event', 'authn_core', 'authz_core', 'authn_file', 'authz_user', 'auth_basic', 'dav', 'dav_fs'];

/** Started as root, Apache's workers drop to www-data: the files they write must be theirs. */
async function workerUser(): Promise<{ user: string; uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'www-data']), run('id', ['-g', 'www-data'])]);
  return { user: 'www-data', uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

export async function startWebdavServer(): Promise<WebdavServer> {
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cubby-dav-'));
  const files = join(dir, 'files');
  const lock = join(dir, 'lock');
  for (const d of [files, lock, join(dir, 'run')]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const worker = await workerUser();
  if (worker) {
    for (const d of [files, lock]) chownSync(d, worker.uid, worker.gid);
    chmodSync(dir, 0o711); // the workers may pass through, not list
  }

  const port = await freePort();
  const username = 'cubby';
  const password = randomBytes(18).toString('base64url');
  const htpasswd = join(dir, 'htpasswd');
  // The password on stdin (-i), not in argv.
  await new Promise<void>((resolve, reject) => {
    const child = execFile('htpasswd', ['-i', '-c', '-B', htpasswd, username], (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(password);
  });

  const conf = join(dir, 'httpd.conf');
  writeFileSync(
    conf,
    `ServerRoot /usr/lib/apache2
${MODULES.map((m) => `LoadModule ${m}_module modules/mod_${m}.so`).join('\n')}
${worker ? `User ${worker.user}\nGroup ${worker.user}` : ''}
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${dir}/run/httpd.pid
Mutex file:${dir}/run default
DefaultRuntimeDir ${dir}/run
ErrorLog ${dir}/error.log
LogLevel warn
DavLockDB ${lock}/davlock
DocumentRoot ${files}
StartServers 1
ThreadsPerChild 16
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory ${files}>
  AllowOverride None
  Dav On
  AuthType Basic
  AuthName "cubby test"
  AuthBasicProvider file
  AuthUserFile ${htpasswd}
  Require valid-user
</Directory>
`,
  );
  const out = join(dir, 'httpd.out');
  const logs = [out, join(dir, 'error.log')];
  const daemon = spawnDaemon('apache2', ['-f', conf, '-DFOREGROUND'], out, dir);
  const stop = async () => {
    await stopDaemon(daemon);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    // Ready when it answers; 401 without credentials also proves basic auth is on.
    await waitFor('apache2', async () => (await fetch(url, { method: 'PROPFIND', headers: { Depth: '0' }, signal: AbortSignal.timeout(2000) })).status === 401, 30_000, [daemon], logs);
    return { url, username, password, startMs: Date.now() - began, stop };
  } catch (e) {
    const tail = logTail(logs);
    await stop();
    throw new Error(`The test WebDAV server (Apache mod_dav) did not start: ${(e as Error).message}\n${tail}`);
  }
}
