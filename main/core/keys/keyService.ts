import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CubbyError, wrongCredentials } from '../errors';
import { argon2id, KDF_FLOOR, raisedTo, type KdfParams } from './kdf';
import type { Keychain } from './keychain';
import { invalidRecoveryKey, newRecoveryKey, parseRecoveryKey } from './recoveryKey';

/**
 * The one owner of key material (design brief, "Data and keys").
 *
 *   unlock key   = HKDF-SHA256(Argon2id(password, salt) || device secret)
 *   recovery key = HKDF-SHA256(160-bit recovery secret)
 *   DEK          = random 256 bits, wrapped by each of the two with AES-256-GCM,
 *                  the user id and purpose bound in as associated data.
 *
 * Buffers holding derived keys are zeroed as soon as they have been used. The DEK it hands
 * out belongs to the caller (the session), which zeroes it on lock.
 */

/** What the catalog stores for one user; none of it is secret on its own. */
export interface WrappedKeys {
  kdf: KdfParams;
  salt: Buffer;
  dekByPassword: Buffer;
  dekByRecovery: Buffer;
}

type WrapPurpose = 'password' | 'recovery';
const WRAP_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const sharedCredentialAccount = (installId: string) => `shared-credentials:${installId}`;
/** The agent and where its key may be sent: a sealed key does not open for another agent or address. */
const sharedCredentialAad = (agentId: string, destination: string) => Buffer.from(`cubby:shared-credential:v${WRAP_VERSION}:${agentId}\0${destination}`);

function deviceAccount(userId: string): string {
  return userId;
}

function aad(userId: string, purpose: WrapPurpose): Buffer {
  return Buffer.from(`cubby:dek:v${WRAP_VERSION}:${purpose}:${userId}`);
}

function hkdf(ikm: Buffer, salt: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.from(salt), Buffer.from(info), 32));
}

export function wrapKey(kek: Buffer, dek: Buffer, ad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(ad);
  const body = Buffer.concat([cipher.update(dek), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, body, cipher.getAuthTag()]);
}

/** Returns null when the tag does not verify: wrong key, wrong user, or tampered data. */
export function unwrapKey(kek: Buffer, wrapped: Buffer, ad: Buffer): Buffer | null {
  if (wrapped.length !== 1 + IV_BYTES + 32 + TAG_BYTES || wrapped[0] !== WRAP_VERSION) return null;
  const iv = wrapped.subarray(1, 1 + IV_BYTES);
  const body = wrapped.subarray(1 + IV_BYTES, wrapped.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv);
  decipher.setAAD(ad);
  decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
  const parts: Buffer[] = [];
  try {
    parts.push(decipher.update(body), decipher.final());
    return Buffer.concat(parts);
  } catch {
    return null;
  } finally {
    for (const part of parts) part.fill(0);
  }
}

export function keychainEntryMissing(): CubbyError {
  return new CubbyError(
    'KEYCHAIN_ENTRY_MISSING',
    "This computer's keychain no longer holds your device key (for example after reinstalling the system). Sign in with your recovery key to restore access.",
  );
}

export interface UnlockTimings {
  kdfMs: number;
  keychainMs: number;
}

export class KeyService {
  /**
   * newWrapFloor: the Argon2id floor for every password wrap made from now on (the machine
   * policy may raise it). Unlocking keeps each user's stored parameters, so raising it locks
   * nobody out; a password set or changed afterwards gets the new cost.
   */
  constructor(
    private readonly keychain: Keychain,
    private readonly newWrapFloor: KdfParams = KDF_FLOOR,
  ) {}

  /** Password + device secret -> unlock key. Both inputs are zeroed here. */
  private async unlockKey(userId: string, password: string, salt: Buffer, kdf: KdfParams, timings?: UnlockTimings) {
    const t0 = performance.now();
    const device = await this.keychain.get(deviceAccount(userId));
    const t1 = performance.now();
    if (!device) throw keychainEntryMissing();
    const stretched = await argon2id(password, salt, kdf);
    if (timings) {
      timings.keychainMs = t1 - t0;
      timings.kdfMs = performance.now() - t1;
    }
    const ikm = Buffer.concat([stretched, device]);
    stretched.fill(0);
    device.fill(0);
    try {
      return hkdf(ikm, `cubby:unlock:${userId}`, 'cubby unlock key v1');
    } finally {
      ikm.fill(0);
    }
  }

  private static recoveryKek(userId: string, secret: Buffer): Buffer {
    return hkdf(secret, `cubby:recovery:${userId}`, 'cubby recovery key v1');
  }

  private async wrapForPassword(userId: string, dek: Buffer, password: string, requested: KdfParams) {
    // Every new wrap meets the machine policy's floor, whatever default the catalog stored earlier.
    const kdf = raisedTo(requested, this.newWrapFloor);
    const salt = randomBytes(16);
    const kek = await this.unlockKey(userId, password, salt, kdf);
    try {
      return { kdf, salt, dekByPassword: wrapKey(kek, dek, aad(userId, 'password')) };
    } finally {
      kek.fill(0);
    }
  }

  private static wrapForRecovery(userId: string, dek: Buffer) {
    const recovery = newRecoveryKey();
    const kek = KeyService.recoveryKek(userId, recovery.bytes);
    recovery.bytes.fill(0);
    try {
      return { recoveryKey: recovery.text, dekByRecovery: wrapKey(kek, dek, aad(userId, 'recovery')) };
    } finally {
      kek.fill(0);
    }
  }

  private async enrollDevice(userId: string): Promise<void> {
    const secret = randomBytes(32);
    try {
      await this.keychain.set(deviceAccount(userId), secret);
    } finally {
      secret.fill(0);
    }
  }

  /**
   * A new vault: fresh DEK, fresh device secret in the keychain, both wraps, a recovery key to
   * show once. The account has no wraps in the catalog yet, so replacing its secret loses nothing.
   */
  async createUserKeys(userId: string, password: string, kdf: KdfParams) {
    const dek = randomBytes(32);
    try {
      await this.enrollDevice(userId);
      return { dek, ...(await this.wrapBoth(userId, dek, password, kdf)) };
    } catch (e) {
      dek.fill(0);
      throw e;
    }
  }

  async unlockWithPassword(userId: string, password: string, keys: WrappedKeys, timings?: UnlockTimings): Promise<Buffer> {
    const kek = await this.unlockKey(userId, password, keys.salt, keys.kdf, timings);
    try {
      const dek = unwrapKey(kek, keys.dekByPassword, aad(userId, 'password'));
      if (!dek) throw wrongCredentials();
      return dek;
    } finally {
      kek.fill(0);
    }
  }

  /** Spend the same work as a real unlock, so an unknown username takes as long as a wrong password. */
  async burnUnlockTime(password: string, kdf: KdfParams): Promise<void> {
    (await argon2id(password, randomBytes(16), raisedTo(kdf, this.newWrapFloor))).fill(0);
  }

  /** Password change: same DEK, same device secret, new salt and wrap. The caller stores it atomically. */
  async rewrapForPassword(userId: string, dek: Buffer, newPassword: string, kdf: KdfParams) {
    return this.wrapForPassword(userId, dek, newPassword, kdf);
  }

  /** A new recovery key for an unlocked vault; the old one stops working once the result is stored. */
  newRecoveryWrap(userId: string, dek: Buffer) {
    return KeyService.wrapForRecovery(userId, dek);
  }

  /** Recovery, step 1: the recovery key opens the DEK (the caller owns and zeroes it). */
  openWithRecoveryKey(userId: string, recoveryKeyText: string, keys: WrappedKeys): Buffer {
    const secret = parseRecoveryKey(recoveryKeyText);
    const kek = KeyService.recoveryKek(userId, secret);
    secret.fill(0);
    const dek = unwrapKey(kek, keys.dekByRecovery, aad(userId, 'recovery'));
    kek.fill(0);
    if (!dek) throw invalidRecoveryKey();
    return dek;
  }

  /**
   * Recovery, step 2: wrap the DEK for the new password and a new recovery key, enrolling a new
   * device secret only if the keychain lost the old one. Keeping a secret that is still there
   * makes recovery atomic: until the caller commits the wraps, the old password still opens the
   * vault; where the secret was gone, the old password was useless already.
   */
  async reenroll(userId: string, dek: Buffer, newPassword: string, kdf: KdfParams) {
    const device = await this.keychain.get(deviceAccount(userId));
    if (device) device.fill(0);
    else await this.enrollDevice(userId);
    return this.wrapBoth(userId, dek, newPassword, kdf);
  }

  private async wrapBoth(userId: string, dek: Buffer, newPassword: string, kdf: KdfParams) {
    const byPassword = await this.wrapForPassword(userId, dek, newPassword, kdf);
    const byRecovery = KeyService.wrapForRecovery(userId, dek);
    const keys: WrappedKeys = { ...byPassword, dekByRecovery: byRecovery.dekByRecovery };
    return { keys, recoveryKey: byRecovery.recoveryKey };
  }

  /** Crypto-shred, keychain half: without the device secret the password wrap is useless. */
  async forgetDevice(userId: string): Promise<void> {
    await this.keychain.delete(deviceAccount(userId));
  }

  /** The catalog's own random key, created on first run. */
  async catalogKey(account: string, create: boolean): Promise<Buffer> {
    const existing = await this.keychain.get(account);
    if (existing) return existing;
    if (!create) {
      throw new CubbyError(
        'CATALOG_KEY_MISSING',
        "This computer's keychain no longer holds the key to Cubby's account list. Restore the keychain, or ask IT to restore Cubby from a backup.",
      );
    }
    const key = randomBytes(32);
    await this.keychain.set(account, key);
    return key;
  }

  /**
   * Shared-agent credentials are sealed under a key of their own (keychain entry
   * `shared-credentials:<install>`), so a copy of the catalog and its key alone does not reveal
   * them. The agent id and `destination` (its provider kind and address) are bound in: a sealed
   * value moved to another agent, or an agent pointed elsewhere, does not open.
   * The key is read from the keychain on each call and zeroed after.
   */
  async sealSharedCredential(installId: string, agentId: string, destination: string, value: string): Promise<Buffer> {
    const key = await this.catalogKey(sharedCredentialAccount(installId), true);
    const plain = Buffer.from(value, 'utf8');
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(sharedCredentialAad(agentId, destination));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, body, cipher.getAuthTag()]);
    } finally {
      plain.fill(0);
      key.fill(0);
    }
  }

  /** The credential as a string for the provider SDK (which takes one); SECRET_MISSING if it does not open. */
  async openSharedCredential(installId: string, agentId: string, destination: string, sealed: Buffer): Promise<string> {
    const unreadable = () =>
      new CubbyError('SECRET_MISSING', "This shared agent's key cannot be read on this computer. Ask whoever manages the agent to enter it again.");
    const key = await this.keychain.get(sharedCredentialAccount(installId));
    if (!key) throw unreadable();
    let plain: Buffer | undefined;
    try {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== WRAP_VERSION) throw unreadable();
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(sharedCredentialAad(agentId, destination));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw unreadable();
      }
      return plain.toString('utf8');
    } finally {
      plain?.fill(0);
      key.fill(0);
    }
  }
}
