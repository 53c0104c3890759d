/**
 * A WebDAV target (Nextcloud, ownCloud, Apache mod_dav) through the `webdav` client. Parent
 * collections are made on demand (a PUT into a missing one answers 409). putIfAbsent sends
 * `If-None-Match: *`, so a server that honours it (Apache, Nextcloud) refuses to overwrite an
 * existing object; but servers check that header and then write, in two steps (Apache's
 * mod_dav_fs does), so two writers racing for one new name can both succeed. Hence
 * atomicPutIfAbsent is false: the sync protocol never needs compare-and-swap.
 */
import { createClient, type FileStat, type WebDAVClient } from 'webdav';
import { isCubbyError, type CubbyError } from '../../errors';
import type { SyncTargetInput } from '../api';
import {
  assertListPrefix,
  assertMaxBytes,
  assertObjectName,
  authFailed,
  isNetworkFailure,
  isOurName,
  roundTripProbe,
  storageError,
  tooLarge,
  unreachable,
} from './common';
import type { SyncStorage, SyncStorageOptions } from './types';

type WebdavTarget = Extract<SyncTargetInput, { kind: 'webdav' }>;

function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

/** A client failure as a CubbyError: only the HTTP status decides; the response body is never read. */
function davFailure(e: unknown): CubbyError {
  if (isCubbyError(e)) return e;
  const status = statusOf(e);
  if (status === 401 || status === 403) return authFailed();
  if (status === undefined) return isNetworkFailure(e) ? unreachable() : storageError('The WebDAV server gave an answer Cubby cannot use.');
  if (status === 507) return storageError('The WebDAV server is out of space.');
  return storageError(`The WebDAV server answered with an error (HTTP ${status}).`);
}

/** Parent collections of a name, shallowest first: 'a/b/c' -> ['/a', '/a/b']. */
function parentsOf(name: string): string[] {
  const parts = name.split('/').slice(0, -1);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

export class WebdavStorage implements SyncStorage {
  readonly kind = 'webdav' as const;
  readonly atomicPutIfAbsent = false;
  private readonly client: WebDAVClient;
  private readonly timeoutMs: number;

  constructor(target: WebdavTarget, opts: SyncStorageOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.client = createClient(target.url, { username: target.username, password: target.password });
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }

  private async makeParents(name: string): Promise<void> {
    for (const dir of parentsOf(name)) {
      try {
        await this.client.createDirectory(dir, { signal: this.signal() });
      } catch (e) {
        // 405: it exists already. Apache answers 403 when a parallel put made it a moment
        // earlier (EEXIST). Either way the retried PUT tells whether writing works.
        if (statusOf(e) !== 405 && statusOf(e) !== 403) throw e;
      }
    }
  }

  /** PUT, making the parent collections once if the server says they are missing (409). */
  private async write(name: string, body: Uint8Array, overwrite: boolean): Promise<boolean> {
    assertObjectName(name);
    const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const attempt = () => this.client.putFileContents(`/${name}`, data, { overwrite, contentLength: body.byteLength, signal: this.signal() });
    try {
      try {
        return await attempt();
      } catch (e) {
        if (statusOf(e) !== 409 || !name.includes('/')) throw e;
        await this.makeParents(name);
        return await attempt();
      }
    } catch (e) {
      throw davFailure(e);
    }
  }

  async put(name: string, body: Uint8Array): Promise<void> {
    await this.write(name, body, true);
  }

  async putIfAbsent(name: string, body: Uint8Array): Promise<boolean> {
    return await this.write(name, body, false);
  }

  async get(name: string, maxBytes: number): Promise<Uint8Array | null> {
    assertObjectName(name);
    assertMaxBytes(maxBytes);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const res = await this.client.customRequest(`/${name}`, { method: 'GET', signal: abort.signal });
      // Refuse on the announced length before reading any of the body.
      const announced = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(announced) && announced > maxBytes) throw tooLarge();
      const chunks: Uint8Array[] = [];
      let total = 0;
      // node-fetch underneath: the body is a Node stream (async-iterable).
      const body = (res as unknown as { body: AsyncIterable<Uint8Array> | null }).body ?? [];
      for await (const chunk of body) {
        total += chunk.byteLength;
        if (total > maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
      return new Uint8Array(Buffer.concat(chunks, total));
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw davFailure(e);
    } finally {
      clearTimeout(timer);
      abort.abort(); // drops the connection if the body was left unread
    }
  }

  /** PROPFIND Depth 1 per collection (servers often refuse Depth: infinity), a few at a time. */
  async list(prefix: string): Promise<{ name: string; size: number }[]> {
    assertListPrefix(prefix);
    const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const out: { name: string; size: number }[] = [];
    let pending = [start];
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, 4);
        const results = await Promise.all(batch.map((dir) => this.readCollection(dir)));
        for (const entries of results) {
          for (const entry of entries) {
            const name = entry.filename.replace(/^\/+/, '');
            if (entry.type === 'directory') {
              // Only walk into collections that can still hold a name with this prefix.
              if (prefix.startsWith(`${name}/`) || `${name}/`.startsWith(prefix)) pending.push(name);
            } else if (isOurName(name, prefix)) {
              out.push({ name, size: entry.size });
            }
          }
        }
      }
    } catch (e) {
      throw davFailure(e);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async readCollection(dir: string): Promise<FileStat[]> {
    try {
      return (await this.client.getDirectoryContents(`/${dir}`, { signal: this.signal() })) as FileStat[];
    } catch (e) {
      // A missing collection under the root holds nothing; a missing root is an error.
      if (statusOf(e) === 404 && dir !== '') return [];
      if (statusOf(e) === 404) throw storageError('The WebDAV folder does not exist.');
      throw e;
    }
  }

  async delete(name: string): Promise<void> {
    assertObjectName(name);
    try {
      await this.client.deleteFile(`/${name}`, { signal: this.signal() });
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw davFailure(e);
    }
  }

  async check(): Promise<void> {
    await roundTripProbe(this);
  }

  async close(): Promise<void> {}
}
