/**
 * How one sync object is framed: MAGIC | kind | epoch | AES-GCM(iv | body | tag) | Ed25519 signature.
 *
 * The associated data binds the vault, the object's kind and its position (device, sequence
 * number, previous object's hash, ...): a reader supplies what it expects there, so an object
 * moved to another name, replayed at another position, cut, bit-flipped or taken from another
 * vault does not open. The signature (over header, ciphertext and the same context) says which
 * device wrote it; a device holding the sync key still cannot write as another device.
 * Bodies are compressed, then padded to size buckets so the storage learns little from sizes.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { aeadOpen, aeadSeal, signBytes, verifyBytes } from '../../keys/syncCrypto';
import type { KeyObject } from 'node:crypto';

const MAGIC = Buffer.from('CBS1');
const HEADER = MAGIC.length + 1 + 4;
const SIGNATURE = 64;

export const OBJECT_KINDS = { segment: 1, head: 2, snapshot: 3, statement: 4, epochKey: 5 } as const;
export type ObjectKind = keyof typeof OBJECT_KINDS;

/** Largest object a reader fetches, per kind: anything bigger is rejected without being read whole. */
export const MAX_OBJECT_BYTES: Record<ObjectKind, number> = {
  segment: 8 * 1024 * 1024,
  head: 256 * 1024,
  snapshot: 8 * 1024 * 1024,
  statement: 64 * 1024,
  epochKey: 4 * 1024,
};

/** Bodies are cut to fit under MAX_OBJECT_BYTES after compression and padding. */
export const MAX_PLAIN_BODY = 4 * 1024 * 1024;

/** Size buckets: powers of two from 1 KiB to 1 MiB, then whole MiB. */
export function paddedSize(n: number): number {
  if (n <= 1024) return 1024;
  if (n <= 1024 * 1024) return 2 ** Math.ceil(Math.log2(n));
  return Math.ceil(n / (1024 * 1024)) * 1024 * 1024;
}

function pad(body: Buffer): Buffer {
  const out = Buffer.alloc(paddedSize(body.length + 4));
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function unpad(padded: Buffer): Buffer | null {
  if (padded.length < 4) return null;
  const n = padded.readUInt32BE(0);
  return n + 4 <= padded.length ? padded.subarray(4, 4 + n) : null;
}

export interface ObjectContext {
  vaultId: string;
  kind: ObjectKind;
  /** Position fields, in a fixed order per kind (device, seq, previous hash, ...). */
  position: string;
}

function header(kind: ObjectKind, epoch: number): Buffer {
  const h = Buffer.alloc(HEADER);
  MAGIC.copy(h, 0);
  h.writeUInt8(OBJECT_KINDS[kind], MAGIC.length);
  h.writeUInt32BE(epoch, MAGIC.length + 1);
  return h;
}

function contextBytes(ctx: ObjectContext): Buffer {
  return Buffer.from(`cubby-sync|${ctx.vaultId}|${ctx.kind}|${ctx.position}`);
}

export function sealObject(opts: { ctx: ObjectContext; epoch: number; contentKey: Buffer; signer: KeyObject; body: unknown }): Buffer {
  const h = header(opts.ctx.kind, opts.epoch);
  const aad = Buffer.concat([h, contextBytes(opts.ctx)]);
  const plain = pad(deflateRawSync(Buffer.from(JSON.stringify(opts.body))));
  const sealed = aeadSeal(opts.contentKey, plain, aad);
  const signature = signBytes(opts.signer, Buffer.concat([h, sealed, contextBytes(opts.ctx)]));
  return Buffer.concat([h, sealed, signature]);
}

/** The epoch an object says it was written in (authenticated only once it opens). */
export function epochOf(bytes: Uint8Array, kind: ObjectKind): number | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER + SIGNATURE || !b.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  if (b.readUInt8(MAGIC.length) !== OBJECT_KINDS[kind]) return null;
  return b.readUInt32BE(MAGIC.length + 1);
}

export type OpenResult<T> = { ok: true; body: T; epoch: number } | { ok: false; reason: 'format' | 'signature' | 'decrypt' | 'epoch' };

/**
 * Open an object written by a known device at an expected position. `keyFor` gives the content
 * key of an epoch (null: this device has no such key: wrong or future epoch).
 * With `signerPublic` null the caller checks the signer itself (see openUnsigned / verifySigner).
 */
export function openObject<T>(
  bytes: Uint8Array,
  opts: { ctx: ObjectContext; keyFor: (epoch: number) => Buffer | null; signerPublic: Buffer | null; maxBytes?: number },
): OpenResult<T> & { verify?: (publicRaw: Buffer) => boolean } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length > (opts.maxBytes ?? MAX_OBJECT_BYTES[opts.ctx.kind])) return { ok: false, reason: 'format' };
  const epoch = epochOf(b, opts.ctx.kind);
  if (epoch === null) return { ok: false, reason: 'format' };
  const h = b.subarray(0, HEADER);
  const sealed = b.subarray(HEADER, b.length - SIGNATURE);
  const signature = b.subarray(b.length - SIGNATURE);
  const ctx = contextBytes(opts.ctx);
  const signed = Buffer.concat([h, sealed, ctx]);
  if (opts.signerPublic && !verifyBytes(opts.signerPublic, signed, signature)) return { ok: false, reason: 'signature' };
  const key = opts.keyFor(epoch);
  if (!key) return { ok: false, reason: 'epoch' };
  const plain = aeadOpen(key, sealed, Buffer.concat([h, ctx]));
  if (!plain) return { ok: false, reason: 'decrypt' };
  const body = unpad(plain);
  if (!body) return { ok: false, reason: 'format' };
  let parsed: T;
  try {
    parsed = JSON.parse(inflateRawSync(body, { maxOutputLength: 64 * 1024 * 1024 }).toString()) as T;
  } catch {
    return { ok: false, reason: 'format' };
  }
  return { ok: true, body: parsed, epoch, verify: (publicRaw) => verifyBytes(publicRaw, signed, signature) };
}
