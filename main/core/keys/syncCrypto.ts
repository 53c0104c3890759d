/**
 * Key material of sync (issue 12), owned here like every other key: the per-vault sync keys (one
 * per epoch), their HKDF sub-keys, each device's signing (Ed25519) and sealing (X25519) keys,
 * and what the recovery key derives. Everything uses Node's crypto; nothing here touches storage.
 *
 * Sub-keys, all HKDF-SHA256 from a 32-byte random key, never from the DEK:
 * - content: one per epoch, then one per object (info binds vault, kind and position);
 * - names: from the epoch-0 key only, so object names stay stable across epochs;
 * - auth: HMAC over registry statements, per epoch.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

const IV = 12;
const TAG = 16;

export function hkdf(key: Buffer, info: string, salt = ''): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.from(salt), Buffer.from(info), 32));
}

export function sha256(...parts: (Buffer | Uint8Array | string)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacHex(key: Buffer, text: string, chars = 32): string {
  return createHmac('sha256', key).update(text).digest('hex').slice(0, chars);
}

/** AES-256-GCM with a random nonce: iv | ciphertext | tag. Null when it does not open (wrong key, changed bytes, other AAD). */
export function aeadSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function aeadOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer | null {
  if (sealed.length < IV + TAG) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    return Buffer.concat([decipher.update(sealed.subarray(IV, sealed.length - TAG)), decipher.final()]);
  } catch {
    return null;
  }
}

export function newSyncKey(): Buffer {
  return randomBytes(32);
}

/** The sync key at rest: wrapped by a key derived from the DEK (the DEK never derives the sync key itself). */
export function wrapWithDek(dek: Buffer, key: Buffer, label: string): Buffer {
  const kek = hkdf(dek, 'cubby:sync:wrap:v1');
  try {
    return aeadSeal(kek, key, Buffer.from(label));
  } finally {
    kek.fill(0);
  }
}

export function unwrapWithDek(dek: Buffer, wrapped: Buffer, label: string): Buffer {
  const kek = hkdf(dek, 'cubby:sync:wrap:v1');
  try {
    const key = aeadOpen(kek, wrapped, Buffer.from(label));
    if (!key) throw new Error('sync key wrap does not open');
    return key;
  } finally {
    kek.fill(0);
  }
}

/** One device's key pairs. Private halves travel only as DER inside the vault (wrapped by the DEK). */
export interface DeviceKeys {
  signPrivate: KeyObject;
  signPublic: Buffer; // raw 32 bytes
  boxPrivate: KeyObject;
  boxPublic: Buffer; // raw 32 bytes
}

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' }) as { x: string };
  return Buffer.from(jwk.x, 'base64url');
}

export function newDeviceKeys(): DeviceKeys {
  const s = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('x25519');
  return { signPrivate: s.privateKey, signPublic: rawPublic(s.publicKey), boxPrivate: b.privateKey, boxPublic: rawPublic(b.publicKey) };
}

export function exportDeviceKeys(k: DeviceKeys): Buffer {
  const der = (key: KeyObject) => key.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(JSON.stringify({ s: der(k.signPrivate).toString('base64'), b: der(k.boxPrivate).toString('base64') }));
}

export function importDeviceKeys(bytes: Buffer): DeviceKeys {
  const { s, b } = JSON.parse(bytes.toString()) as { s: string; b: string };
  const signPrivate = createPrivateKey({ key: Buffer.from(s, 'base64'), format: 'der', type: 'pkcs8' });
  const boxPrivate = createPrivateKey({ key: Buffer.from(b, 'base64'), format: 'der', type: 'pkcs8' });
  return { signPrivate, signPublic: rawPublic(createPublicKey(signPrivate)), boxPrivate, boxPublic: rawPublic(createPublicKey(boxPrivate)) };
}

function publicKeyOf(kind: 'ed25519' | 'x25519', raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: kind === 'ed25519' ? 'Ed25519' : 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function signBytes(key: KeyObject, data: Buffer): Buffer {
  return sign(null, data, key);
}

export function verifyBytes(publicRaw: Buffer, data: Buffer, signature: Buffer): boolean {
  if (publicRaw.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, data, publicKeyOf('ed25519', publicRaw), signature);
  } catch {
    return false;
  }
}

export function newBoxKeys(): { privateKey: KeyObject; publicRaw: Buffer } {
  const b = generateKeyPairSync('x25519');
  return { privateKey: b.privateKey, publicRaw: rawPublic(b.publicKey) };
}

export function boxPublicOf(privateKey: KeyObject): Buffer {
  return rawPublic(createPublicKey(privateKey));
}

/** X25519 shared secret, run through HKDF with both public keys and a purpose. */
export function sharedKey(privateKey: KeyObject, theirPublic: Buffer, purpose: string): Buffer {
  if (theirPublic.length !== 32) throw new Error('bad public key');
  const secret = diffieHellman({ privateKey, publicKey: publicKeyOf('x25519', theirPublic) });
  const mine = boxPublicOf(privateKey);
  const [a, b] = Buffer.compare(mine, theirPublic) < 0 ? [mine, theirPublic] : [theirPublic, mine];
  try {
    return hkdf(secret, `cubby:sync:box:${purpose}`, Buffer.concat([a, b]).toString('hex'));
  } finally {
    secret.fill(0);
  }
}

/** Seal to a public key (ephemeral X25519 + AES-GCM): ephemeral public | sealed. */
export function sealTo(recipientPublic: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const eph = newBoxKeys();
  const key = sharedKey(eph.privateKey, recipientPublic, 'seal');
  try {
    return Buffer.concat([eph.publicRaw, aeadSeal(key, plaintext, aad)]);
  } finally {
    key.fill(0);
  }
}

export function openSealed(privateKey: KeyObject, sealed: Buffer, aad: Buffer): Buffer | null {
  if (sealed.length < 32) return null;
  let key: Buffer;
  try {
    key = sharedKey(privateKey, sealed.subarray(0, 32), 'seal');
  } catch {
    return null;
  }
  try {
    return aeadOpen(key, sealed.subarray(32), aad);
  } finally {
    key.fill(0);
  }
}

/**
 * What the recovery key derives for sync: where its object lives, the key that opens it, and a
 * signing key (so a device restored from the recovery key is believed by devices that remain).
 */
export function recoveryKeys(recoverySecret: Buffer): { objectName: string; wrapKey: Buffer; signPrivate: KeyObject; signPublic: Buffer } {
  const seed = hkdf(recoverySecret, 'cubby:sync:recovery:sign');
  // PKCS#8 prefix of an Ed25519 private key, then the 32-byte seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const signPrivate = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  seed.fill(0);
  der.fill(0);
  const nameKey = hkdf(recoverySecret, 'cubby:sync:recovery:name');
  const objectName = `r/${hmacHex(nameKey, 'recovery')}`;
  nameKey.fill(0);
  return { objectName, wrapKey: hkdf(recoverySecret, 'cubby:sync:recovery:wrap'), signPrivate, signPublic: rawPublic(createPublicKey(signPrivate)) };
}

/** What a removal statement commits to for its new epoch's key. */
export function keyHashOf(key: Buffer): string {
  return sha256('cubby-sync-epoch-key|', key).toString('hex');
}

/** A six-digit code from a transcript, for people to compare on two screens. */
export function shortCode(transcript: Buffer): string {
  const n = sha256('cubby:sync:pair-code', transcript).readUInt32BE(0) % 1_000_000;
  return n.toString().padStart(6, '0');
}
