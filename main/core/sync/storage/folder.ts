/**
 * A folder target (a USB disk, or a folder Syncthing or Dropbox carries to the other computers).
 * Writes go to a temp file in the same directory and are renamed into place, so a reader (or a
 * sync tool) never sees half an object; putIfAbsent links the finished temp file to its name,
 * which fails atomically if the name exists. Files are 0600 and directories 0700.
 */
import { constants, type Dirent } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { assertListPrefix, assertMaxBytes, assertObjectName, isOurName, roundTripProbe, storageError, tooLarge } from './common';
import type { SyncStorage } from './types';
import { isCubbyError, type CubbyError } from '../../errors';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** A file system failure in words, without the path (the folder may sit under someone's home). */
function folderFailure(e: unknown): CubbyError {
  switch (errno(e)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return storageError('Cubby may not write to the sync folder (permissions, or a read-only disk).');
    case 'ENOSPC':
    case 'EDQUOT':
      return storageError('The sync folder’s disk is full.');
    case 'ENOENT':
    case 'ENOTDIR':
      return storageError('The sync folder does not exist (is the disk connected?).');
    default:
      return storageError('The sync folder could not be read or written.');
  }
}

export class FolderStorage implements SyncStorage {
  readonly kind = 'folder' as const;
  readonly atomicPutIfAbsent = true;

  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(name: string): string {
    assertObjectName(name);
    return join(this.root, ...name.split('/'));
  }

  /** The root must exist already: an unplugged disk must not turn into a new empty folder. */
  private async requireRoot(): Promise<void> {
    let info;
    try {
      info = await stat(this.root);
    } catch (e) {
      throw folderFailure(e);
    }
    if (!info.isDirectory()) throw storageError('The sync folder is not a folder.');
  }

  /** Writes body to a new temp file next to path (0600, flushed) and returns the temp file's path. */
  private async writeTemp(path: string, body: Uint8Array): Promise<string> {
    await this.requireRoot();
    await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
    // A dot in the name: never a valid object name, so list() skips leftovers of a crash.
    const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
    const file = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
    try {
      await file.writeFile(body);
      await file.sync();
    } catch (e) {
      await file.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await file.close();
    return temp;
  }

  async put(name: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(name);
    try {
      const temp = await this.writeTemp(path, body);
      try {
        await rename(temp, path);
      } catch (e) {
        await unlink(temp).catch(() => undefined);
        throw e;
      }
    } catch (e) {
      throw folderFailure(e);
    }
  }

  async putIfAbsent(name: string, body: Uint8Array): Promise<boolean> {
    const path = this.pathOf(name);
    try {
      const temp = await this.writeTemp(path, body);
      try {
        await link(temp, path);
        return true;
      } catch (e) {
        if (errno(e) === 'EEXIST') return false;
        // File systems without hard links (FAT on a USB disk): an exclusive create is still
        // atomic about who wins, though a reader may briefly see a short file.
        if (errno(e) === 'EPERM' || errno(e) === 'ENOTSUP' || errno(e) === 'ENOSYS') return await this.createExclusive(path, body);
        throw e;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    } catch (e) {
      throw folderFailure(e);
    }
  }

  private async createExclusive(path: string, body: Uint8Array): Promise<boolean> {
    let file;
    try {
      file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
    } catch (e) {
      if (errno(e) === 'EEXIST') return false;
      throw e;
    }
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    return true;
  }

  async get(name: string, maxBytes: number): Promise<Uint8Array | null> {
    const path = this.pathOf(name);
    assertMaxBytes(maxBytes);
    let file;
    try {
      file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      if (errno(e) === 'ENOENT') {
        await this.requireRoot();
        return null;
      }
      throw folderFailure(e);
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) throw storageError('A sync object in the folder is not a file.');
      if (info.size > maxBytes) throw tooLarge();
      // Read at most one byte past the limit: a file that grew since the stat is refused too.
      const buf = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await file.read(buf, filled, buf.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled === buf.length) break;
      }
      if (filled > maxBytes) throw tooLarge();
      return new Uint8Array(buf.buffer, buf.byteOffset, filled);
    } catch (e) {
      if (isCubbyError(e)) throw e;
      throw folderFailure(e);
    } finally {
      await file.close();
    }
  }

  async list(prefix: string): Promise<{ name: string; size: number }[]> {
    assertListPrefix(prefix);
    await this.requireRoot();
    // Start at the deepest directory the prefix names in full; filter the rest by the string.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = base ? join(this.root, ...base.split('/')) : this.root;
    let entries: Dirent[];
    try {
      entries = await readdir(start, { recursive: true, withFileTypes: true });
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
      throw folderFailure(e);
    }
    const out: { name: string; size: number }[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue; // symlinks and directories are not objects
      const relDir = entry.parentPath.slice(this.root.length).split(/[\\/]/).filter(Boolean);
      const name = [...relDir, entry.name].join('/');
      if (!isOurName(name, prefix)) continue;
      try {
        const info = await lstat(join(entry.parentPath, entry.name));
        out.push({ name, size: info.size });
      } catch (e) {
        if (errno(e) !== 'ENOENT') throw folderFailure(e); // deleted meanwhile: not listed
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(name: string): Promise<void> {
    const path = this.pathOf(name);
    try {
      await unlink(path);
    } catch (e) {
      if (errno(e) === 'ENOENT') return;
      throw folderFailure(e);
    }
  }

  async check(): Promise<void> {
    await this.requireRoot();
    await roundTripProbe(this);
  }

  async close(): Promise<void> {}
}
