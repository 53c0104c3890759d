/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2, Backblaze B2) through
 * @aws-sdk/client-s3. putIfAbsent is a PUT with `If-None-Match: *`, which the server answers
 * with 412 when the key exists (AWS since 2024, RGW, MinIO and R2 honour it).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
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

type S3Target = Extract<SyncTargetInput, { kind: 's3' }>;

const AUTH_CODES = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'InvalidSecurity']);

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function codeOf(e: unknown): string | undefined {
  if (e instanceof S3ServiceException) return e.name;
  const c = (e as { Code?: unknown; name?: unknown } | null) ?? {};
  return typeof c.Code === 'string' ? c.Code : typeof c.name === 'string' ? c.name : undefined;
}

/** An SDK failure as a CubbyError: the S3 error code decides, the server's message never travels. */
function s3Failure(e: unknown): CubbyError {
  if (isCubbyError(e)) return e;
  const status = statusOf(e);
  const code = codeOf(e);
  if ((code && AUTH_CODES.has(code)) || status === 401 || status === 403) return authFailed();
  if (code === 'NoSuchBucket') return storageError('The sync bucket does not exist.');
  // No HTTP status: the request never got an answer (refused, reset, DNS, TLS, timeout).
  if (status === undefined || isNetworkFailure(e)) return unreachable();
  if (status === 301 || status === 307 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
    // AWS names the right region in its answer; Cubby does not pass the answer on, only the hint.
    return storageError('The bucket is in another region or needs a different address style (path-style or virtual-hosted).');
  }
  return storageError(`The sync storage answered with an error (HTTP ${status}).`);
}

function isAbsent(e: unknown): boolean {
  const code = codeOf(e);
  return code === 'NoSuchKey' || code === 'NotFound' || (statusOf(e) === 404 && code !== 'NoSuchBucket');
}

async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

export class S3Storage implements SyncStorage {
  readonly kind = 's3' as const;
  readonly atomicPutIfAbsent = true;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** '' or 'some/folder/' : the target's prefix, always ending with '/'. */
  private readonly keyPrefix: string;
  private readonly pageSize: number;

  constructor(target: S3Target, opts: SyncStorageOptions = {}) {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    this.bucket = target.bucket;
    const prefix = target.prefix.replace(/^\/+|\/+$/g, '');
    this.keyPrefix = prefix ? `${prefix}/` : '';
    this.pageSize = opts.listPageSize ?? 1000;
    this.client = new S3Client({
      region: target.region,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      forcePathStyle: target.forcePathStyle,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      // One retry: a dead server must fail in seconds, not after the SDK's default backoff.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, socketTimeout: timeoutMs },
      // The newer default checksums (CRC32 trailers) are not understood by every S3-compatible
      // server (older Ceph, B2); send them only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private key(name: string): string {
    assertObjectName(name);
    return this.keyPrefix + name;
  }

  async put(name: string, body: Uint8Array): Promise<void> {
    const Key = this.key(name);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.byteLength }));
    } catch (e) {
      throw s3Failure(e);
    }
  }

  async putIfAbsent(name: string, body: Uint8Array): Promise<boolean> {
    const Key = this.key(name);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.byteLength, IfNoneMatch: '*' }));
      return true;
    } catch (e) {
      // 412: it exists. 409: another conditional write to the same key is in flight and wins.
      if (statusOf(e) === 412 || statusOf(e) === 409) return false;
      throw s3Failure(e);
    }
  }

  async get(name: string, maxBytes: number): Promise<Uint8Array | null> {
    const Key = this.key(name);
    assertMaxBytes(maxBytes);
    const abort = new AbortController();
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: abort.signal });
      // The headers arrive before the body: refuse on Content-Length without reading it.
      if ((res.ContentLength ?? 0) > maxBytes) {
        abort.abort();
        throw tooLarge();
      }
      if (!res.Body) return new Uint8Array(0);
      return await readCapped(res.Body as AsyncIterable<Uint8Array>, maxBytes);
    } catch (e) {
      if (isAbsent(e)) return null;
      throw s3Failure(e);
    } finally {
      abort.abort();
    }
  }

  async list(prefix: string): Promise<{ name: string; size: number }[]> {
    assertListPrefix(prefix);
    const out: { name: string; size: number }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keyPrefix + prefix, ContinuationToken: token, MaxKeys: this.pageSize }),
        );
        for (const obj of page.Contents ?? []) {
          const name = obj.Key?.slice(this.keyPrefix.length);
          if (name !== undefined && obj.Key?.startsWith(this.keyPrefix) && isOurName(name, prefix)) out.push({ name, size: obj.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw s3Failure(e);
    }
    return out;
  }

  async delete(name: string): Promise<void> {
    const Key = this.key(name);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      if (isAbsent(e)) return;
      throw s3Failure(e);
    }
  }

  async check(): Promise<void> {
    await roundTripProbe(this);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
