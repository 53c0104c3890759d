/** The sync target a person types: what the schema accepts and refuses, and its public label. */
import { describe, expect, test } from 'vitest';
import type { SyncTargetInput } from '../../main/core/sync/api';
import { isCubbyError } from '../../main/core/errors';
import { openStorage, SyncTargetSchema, targetLabel } from '../../main/core/sync/storage';

const S3: SyncTargetInput = {
  kind: 's3',
  endpoint: 'https://minio.local:9000',
  region: 'us-east-1',
  bucket: 'notes',
  prefix: 'cubby/',
  forcePathStyle: true,
  accessKeyId: 'AKIAEXAMPLEKEY',
  secretAccessKey: 'secret-Marker-123',
};
const DAV: SyncTargetInput = { kind: 'webdav', url: 'https://cloud.example/remote.php/dav/files/ada/', username: 'ada', password: 'pw-Marker-456' };
const FOLDER: SyncTargetInput = { kind: 'folder', path: '/media/usb/cubby' };

const ok = (t: unknown) => SyncTargetSchema.safeParse(t).success;

describe('SyncTargetSchema', () => {
  test('accepts each kind as the UI sends it (AWS without an endpoint, R2 region auto, bucket root)', () => {
    expect(ok(S3)).toBe(true);
    expect(ok(DAV)).toBe(true);
    expect(ok(FOLDER)).toBe(true);
    const { endpoint: _e, ...aws } = S3;
    expect(ok({ ...aws, forcePathStyle: false, prefix: '' })).toBe(true);
    expect(ok({ ...S3, region: 'auto', endpoint: 'http://127.0.0.1:9000' })).toBe(true);
  });

  test('refuses unknown fields, other URL schemes, credentials in a URL, relative folders', () => {
    expect(ok({ ...S3, extra: 1 })).toBe(false);
    expect(ok({ ...FOLDER, extra: 1 })).toBe(false);
    expect(ok({ kind: 'ftp', path: '/x' })).toBe(false);
    for (const url of ['ftp://host/x', 'file:///etc/passwd', 'javascript:alert(1)', 'https://ada:pw@cloud.example/dav', 'https://cloud.example/dav?x=1', 'not a url']) {
      expect(ok({ ...DAV, url })).toBe(false);
      expect(ok({ ...S3, endpoint: url })).toBe(false);
    }
    for (const path of ['relative/dir', '', './x', '/tmp/a\0b']) expect(ok({ kind: 'folder', path })).toBe(false);
  });

  test('refuses bad S3 fields: bucket, region, a prefix that climbs, empty or control-character secrets', () => {
    for (const bucket of ['', 'ab', '-abc', 'a/b', 'a b']) expect(ok({ ...S3, bucket })).toBe(false);
    for (const region of ['', 'US EAST', 'us_east']) expect(ok({ ...S3, region })).toBe(false);
    for (const prefix of ['../x', 'a/../b', 'a b', 'a\\b']) expect(ok({ ...S3, prefix })).toBe(false);
    expect(ok({ ...S3, secretAccessKey: '' })).toBe(false);
    expect(ok({ ...S3, accessKeyId: 'a\nb' })).toBe(false);
    expect(ok({ ...DAV, password: '' })).toBe(false);
    expect(ok({ ...S3, forcePathStyle: 'yes' })).toBe(false);
  });
});

test('openStorage checks the target again and refuses one the schema refuses', () => {
  for (const bad of [{ ...FOLDER, path: 'relative' }, { ...DAV, url: 'https://u:p@host/' }, { ...S3, prefix: '../up' }]) {
    let code: string | null = null;
    try {
      openStorage(bad as SyncTargetInput);
    } catch (e) {
      code = isCubbyError(e) ? e.code : 'other';
    }
    expect(code).toBe('VALIDATION');
  }
  expect(openStorage(FOLDER).kind).toBe('folder');
});

describe('targetLabel', () => {
  test('says what and where, never a secret or an access key', () => {
    expect(targetLabel(S3)).toBe('S3 bucket notes/cubby at minio.local:9000');
    expect(targetLabel({ ...S3, endpoint: undefined, prefix: '' })).toBe('S3 bucket notes at AWS us-east-1');
    expect(targetLabel(DAV)).toBe('WebDAV https://cloud.example/remote.php/dav/files/ada/');
    expect(targetLabel(FOLDER)).toBe('Folder /media/usb/cubby');
    for (const t of [S3, DAV]) {
      const label = targetLabel(t);
      expect(label).not.toMatch(/Marker|AKIAEXAMPLEKEY/);
    }
  });
});
