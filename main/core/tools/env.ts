import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../paths';
import { RESERVED_ENV, secretForServer, type EnvEntry } from '../vault/toolServers';

/**
 * The private directories and the environment of one person's stdio tool server.
 *
 * The environment is built from nothing: the variables the person set (their literal values and
 * their secrets), a HOME, XDG directories and TMPDIR of their own, and PATH. PATH is the
 * person's own when they set one, else a minimal system PATH (never main's, which could name
 * another person's directories or a developer's tools). The MCP SDK adds HOME, LOGNAME, PATH,
 * SHELL, TERM and USER from main's environment to whatever it is given; every one of those the
 * person did not set is passed as undefined, which Node leaves out of the child's environment.
 */
export const MINIMAL_PATH = '/usr/local/bin:/usr/bin:/bin';
/** What the SDK's StdioClientTransport copies from the parent (getDefaultEnvironment, POSIX and Windows). */
const SDK_INHERITED = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'APPDATA', 'HOMEDRIVE', 'HOMEPATH', 'LOCALAPPDATA', 'PROCESSOR_ARCHITECTURE', 'SYSTEMDRIVE', 'SYSTEMROOT', 'TEMP', 'USERNAME', 'USERPROFILE', 'PROGRAMFILES'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ToolHome {
  /** <dataDir>/tool-homes/<userId>/<serverId>: the server's working directory. */
  root: string;
  home: string;
  config: string;
  data: string;
  cache: string;
  state: string;
  tmp: string;
}

/** Remove one server's home (the server was deleted; what it wrote there goes with it). */
export function removeToolHome(dataRoot: string, userId: string, serverId: string): void {
  if (!UUID.test(userId) || !UUID.test(serverId)) throw new Error('invalid id');
  rmSync(join(dataRoot, 'tool-homes', userId, serverId), { recursive: true, force: true });
}

/** Create (or narrow to 0700) the directories of one person's server under the data directory. */
export function ensureToolHome(dataRoot: string, userId: string, serverId: string): ToolHome {
  if (!UUID.test(userId) || !UUID.test(serverId)) throw new Error('invalid id');
  const homes = join(dataRoot, 'tool-homes');
  const root = join(homes, userId, serverId);
  const dirs = { root, home: join(root, 'home'), config: join(root, 'config'), data: join(root, 'data'), cache: join(root, 'cache'), state: join(root, 'state'), tmp: join(root, 'tmp') };
  for (const dir of [homes, join(homes, userId), ...Object.values(dirs)]) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE);
  }
  return dirs;
}

export function serverEnvironment(entries: EnvEntry[], home: ToolHome, readSecret: (id: string) => string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.fromEntries(SDK_INHERITED.map((k) => [k, undefined]));
  env.PATH = MINIMAL_PATH;
  for (const e of entries) {
    if (RESERVED_ENV.includes(e.name.toUpperCase())) continue; // refused on save; never trusted here either
    env[e.name] = 'secretId' in e ? secretForServer(readSecret, e.secretId, e.name) : e.value;
  }
  Object.assign(env, {
    HOME: home.home,
    XDG_CONFIG_HOME: home.config,
    XDG_DATA_HOME: home.data,
    XDG_CACHE_HOME: home.cache,
    XDG_STATE_HOME: home.state,
    TMPDIR: home.tmp,
  });
  return env;
}
