/**
 * One interface for every place a person's encrypted sync objects can live (issue 12). The
 * storage only ever sees opaque names and ciphertext; the protocol above it does the rest.
 */
/**
 * Names are relative to the target's root or prefix: [a-z0-9] segments joined by '/'. A name is
 * never also the folder of another name ('a' and 'a/b'): S3 could hold both, a folder or WebDAV
 * cannot. Anything else found in the storage is left alone and not listed.
 */
export interface SyncStorage {
  readonly kind: 'folder' | 's3' | 'webdav';
  /** Whether putIfAbsent is atomic on this backend (S3 If-None-Match, WebDAV If-None-Match/Overwrite:F, O_EXCL). */
  readonly atomicPutIfAbsent: boolean;
  put(name: string, body: Uint8Array): Promise<void>; // overwrite
  putIfAbsent(name: string, body: Uint8Array): Promise<boolean>; // false: it existed, nothing written
  /** null when absent; throws SYNC_OBJECT_REJECTED (message "too large") if bigger than maxBytes, without reading it all. */
  get(name: string, maxBytes: number): Promise<Uint8Array | null>;
  /** Every object whose name starts with prefix (all pages), with its size. */
  list(prefix: string): Promise<{ name: string; size: number }[]>;
  delete(name: string): Promise<void>; // absent is fine
  /** Reachable and the credentials work (a real request, e.g. list + put/delete of a probe object). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface SyncStorageOptions {
  /**
   * How long one request may stay silent before the storage counts as unreachable (ms). S3: the
   * connection and socket-idle timeouts; WebDAV: the whole request. Default 20 000.
   */
  timeoutMs?: number;
  /** S3 only: keys per ListObjectsV2 page (1 to 1000; default 1000). Tests lower it to exercise paging. */
  listPageSize?: number;
}
