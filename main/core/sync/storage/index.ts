/**
 * Sync storage: check a target a person typed, open it, and name it without its secrets.
 * The rest of sync only sees the SyncStorage interface (types.ts).
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { CubbyError } from '../../errors';
import type { SyncTargetInput } from '../api';
import { FolderStorage } from './folder';
import { S3Storage } from './s3';
import type { SyncStorage, SyncStorageOptions } from './types';
import { WebdavStorage } from './webdav';

export type { SyncStorage, SyncStorageOptions } from './types';
export { requireSyncTargetAllowed } from '../../policy/enforce';

/** An http(s) address without credentials, query or fragment (a password in a URL would end up in labels and logs). */
const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((u) => {
    if (!URL.canParse(u)) return false; // refinements run even after the URL check failed
    const url = new URL(u);
    return !url.username && !url.password && !url.search && !url.hash;
  }, 'The address must be an http or https URL without a user name, password, query or fragment.');

/** Text a person types: non-empty, bounded, no control characters. */
const Field = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'No control characters.');

const S3Target = z.strictObject({
  kind: z.literal('s3'),
  endpoint: HttpUrl.optional(),
  region: z.string().regex(/^[a-z0-9-]{1,64}$/, 'A region looks like us-east-1 (R2: auto).'),
  // AWS's rules plus the looser legacy ones (capitals, underscores) some providers still allow.
  bucket: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/, 'Not a valid bucket name.'),
  prefix: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9._\-/]*$/, 'A prefix may hold letters, digits, . _ - and /.')
    .refine((p) => !p.split('/').some((seg) => seg === '.' || seg === '..'), 'A prefix may not contain . or .. segments.'),
  forcePathStyle: z.boolean(),
  accessKeyId: Field(256),
  secretAccessKey: Field(1024),
});

/** Plain http only to this computer: Basic authentication sends the password with every request. */
const loopbackOrHttps = (u: string) => {
  if (!URL.canParse(u)) return false;
  const url = new URL(u);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
};

const WebdavTarget = z.strictObject({
  kind: z.literal('webdav'),
  url: HttpUrl.refine(loopbackOrHttps, 'A WebDAV server must use https (plain http only on this computer): the password goes with every request.'),
  username: Field(256),
  password: Field(1024),
});

const FolderTarget = z.strictObject({
  kind: z.literal('folder'),
  path: z
    .string()
    .max(4096)
    .refine((p) => isAbsolute(p), 'The folder must be a full path.')
    .refine((p) => !p.includes('\0'), 'Not a valid path.'),
});

/** What the bridge accepts as a sync target. Strict: an unknown field is refused, not ignored. */
export const SyncTargetSchema = z.discriminatedUnion('kind', [S3Target, WebdavTarget, FolderTarget]) satisfies z.ZodType<SyncTargetInput>;

/** Opens a target (checked against SyncTargetSchema again: it may come from storage). No request is made until the first call. */
export function openStorage(input: SyncTargetInput, opts: SyncStorageOptions = {}): SyncStorage {
  const parsed = SyncTargetSchema.safeParse(input);
  if (!parsed.success) throw new CubbyError('VALIDATION', 'The sync target is not valid.');
  const target = parsed.data;
  switch (target.kind) {
    case 'folder':
      return new FolderStorage(target.path);
    case 's3':
      return new S3Storage(target, opts);
    case 'webdav':
      return new WebdavStorage(target, opts);
  }
}

/** "S3 bucket notes/cubby at minio.local:9000", "WebDAV https://cloud.example/dav", "Folder /media/usb/cubby": never a secret. */
export function targetLabel(target: SyncTargetInput): string {
  switch (target.kind) {
    case 's3': {
      const where = target.endpoint ? new URL(target.endpoint).host : `AWS ${target.region}`;
      const prefix = target.prefix.replace(/^\/+|\/+$/g, '');
      return `S3 bucket ${target.bucket}${prefix ? `/${prefix}` : ''} at ${where}`;
    }
    case 'webdav': {
      const url = new URL(target.url);
      return `WebDAV ${url.origin}${url.pathname}`;
    }
    case 'folder':
      return `Folder ${target.path}`;
  }
}
