import { createHash, hash } from 'node:crypto';
import type { SyncValue } from './types';

/** What better-sqlite3 hands back for a column. */
export type SqlValue = null | number | bigint | string | Buffer;

/** Characters of one stored field hash (66 bits of SHA-256 in base64url). */
export const HASH_LEN = 11;
/** Stands for "no hash stored" in a row's hash string. */
export const NO_HASH = '-'.repeat(HASH_LEN);

const NULL_HASH = hash('sha256', 'z', 'base64url').slice(0, HASH_LEN);

/**
 * A short hash of a value as sync sees it: the same for a BLOB and its base64 form, and for an
 * integer stored in a REAL column and in an INTEGER one (both travel as the same JSON number).
 */
export function hashValue(v: SqlValue | SyncValue): string {
  if (v === null || v === undefined) return NULL_HASH;
  if (typeof v === 'string') return hash('sha256', `s${v}`, 'base64url').slice(0, HASH_LEN);
  if (typeof v === 'number' || typeof v === 'bigint') return hash('sha256', `n${String(v)}`, 'base64url').slice(0, HASH_LEN);
  const bytes = Buffer.isBuffer(v) ? v : Buffer.from(v.b64, 'base64');
  return createHash('sha256').update('b').update(bytes).digest('base64url').slice(0, HASH_LEN);
}

export function toSyncValue(v: SqlValue): SyncValue {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return { b64: v.toString('base64') };
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export function toSqlValue(v: SyncValue): null | number | string | Buffer {
  if (v === null || typeof v === 'number' || typeof v === 'string') return v;
  return Buffer.from(v.b64, 'base64');
}

export function sameValue(a: SqlValue | SyncValue, b: SqlValue | SyncValue): boolean {
  if (a === b) return true;
  return hashValue(a) === hashValue(b);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isSyncValue(v: unknown): v is SyncValue {
  if (v === null || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'b64' && typeof (v as { b64: unknown }).b64 === 'string' && BASE64.test((v as { b64: string }).b64);
}

/** A column's declared affinity, as far as checking an incoming value goes. */
export type ColumnKind = 'text' | 'integer' | 'real' | 'blob';

export function columnKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t === '') return 'blob';
  return 'real';
}

/** Whether a value from another device fits a column (nulls are checked by the caller). */
export function fitsColumn(v: SyncValue, kind: ColumnKind): boolean {
  if (v === null) return true;
  switch (kind) {
    case 'text':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'real':
      return typeof v === 'number';
    case 'blob':
      return typeof v === 'object';
  }
}
