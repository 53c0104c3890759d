import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { MachinePolicySource, PolicyReading } from './source';

export const LINUX_POLICY_FILE = '/etc/cubby/policy.json';
const MAX_BYTES = 1024 * 1024;

export interface OwnerCheckOptions {
  /** The administrator's uid; 0 (root) everywhere but in tests of the check itself. */
  adminUid?: number;
}

/**
 * Why `path` could have been written by someone other than the administrator, or null when it
 * could not: a regular file (not a symbolic link), owned by the administrator, not writable by
 * group or others, in directories that are the administrator's and that nobody else can change
 * (a sticky directory such as /tmp qualifies: others cannot rename or replace root's entries).
 */
export function untrustedReason(path: string, st: Stats, opts: OwnerCheckOptions = {}): string | null {
  const admin = opts.adminUid ?? 0;
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isFile()) return 'it is not a regular file';
  if (st.uid !== admin) return 'it is not owned by root';
  if ((st.mode & 0o022) !== 0) return 'it is writable by group or others';
  let dir: string;
  try {
    dir = realpathSync(dirname(path));
  } catch {
    return 'its directory cannot be resolved';
  }
  for (;;) {
    let d: Stats;
    try {
      d = statSync(dir);
    } catch {
      return `a parent directory (${dir}) cannot be examined`;
    }
    if (d.uid !== admin) return `a parent directory (${dir}) is not owned by root`;
    if ((d.mode & 0o022) !== 0 && (d.mode & 0o1000) === 0) return `a parent directory (${dir}) is writable by group or others`;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Read a policy file only if the administrator alone could have written it. The file is opened
 * without following links and checked again through its descriptor, so it cannot be swapped
 * between the check and the read. A file only the administrator could have written but that
 * cannot be read here (mode 0600, too large) is the administrator's policy all the same:
 * 'invalid', so Cubby stops rather than run looser than meant.
 */
export function readAdminOnlyFile(
  path: string,
  opts: OwnerCheckOptions = {},
): { status: 'absent' } | { status: 'refused' | 'invalid'; reason: string } | { status: 'read'; text: string } {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return { status: 'absent' };
    return { status: 'refused', reason: 'it cannot be examined' };
  }
  const reason = untrustedReason(path, st, opts);
  if (reason) return { status: 'refused', reason };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return { status: 'invalid', reason: 'it cannot be read by this account (make it readable by everyone: mode 0644)' };
  }
  try {
    const now = fstatSync(fd);
    if (now.ino !== st.ino || now.dev !== st.dev) return { status: 'refused', reason: 'it changed while being read' };
    const again = untrustedReason(path, now, opts);
    if (again) return { status: 'refused', reason: again };
    if (now.size > MAX_BYTES) return { status: 'invalid', reason: 'it is larger than 1 MiB' };
    const buf = Buffer.alloc(now.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { status: 'read', text: buf.subarray(0, off).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * An administrator-only file read as one JSON object: `toJson` turns the file into JSON text
 * (the Linux file is JSON already; macOS converts a property list). Each failure names what
 * was wrong, never the content.
 */
export function readAdminOnlyObject(
  path: string,
  opts: OwnerCheckOptions,
  toJson: (text: string) => string,
  what: { notParsed: string; notObject: string },
): PolicyReading | { status: 'object'; value: Record<string, unknown> } {
  const file = readAdminOnlyFile(path, opts);
  if (file.status !== 'read') return file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(toJson(file.text));
  } catch {
    return { status: 'invalid', reason: what.notParsed };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { status: 'invalid', reason: what.notObject };
  return { status: 'object', value: parsed as Record<string, unknown> };
}

/** The Linux source: /etc/cubby/policy.json (or another path, for tests and development). */
export function linuxPolicyFile(path = LINUX_POLICY_FILE, opts: OwnerCheckOptions = {}): MachinePolicySource {
  return {
    kind: 'file',
    location: path,
    read(): PolicyReading {
      const read = readAdminOnlyObject(path, opts, (text) => text, { notParsed: 'it is not valid JSON', notObject: 'it is not a JSON object' });
      return read.status === 'object' ? { status: 'found', values: read.value, ignored: [] } : read;
    },
  };
}
