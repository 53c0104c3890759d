/**
 * The sync keys of one open session, in memory: the key of each epoch, this device's key pairs
 * and the derived sub-keys. It is the only holder of them; the engine asks it to seal, open,
 * sign and name. At rest they sit in the vault wrapped by a DEK-derived key (wrapWithDek), and
 * close() zeroes every buffer when the session ends.
 */
import type { KeyObject } from 'node:crypto';
import {
  exportDeviceKeys,
  hkdf,
  hmacHex,
  importDeviceKeys,
  keyHashOf,
  newDeviceKeys,
  newSyncKey,
  openSealed,
  sealTo,
  signBytes,
  unwrapWithDek,
  verifyBytes,
  wrapWithDek,
  type DeviceKeys,
} from './syncCrypto';

const epochLabel = (vaultId: string, epoch: number) => `cubby:sync:epoch:${vaultId}:${epoch}`;
const deviceLabel = 'cubby:sync:device-keys';

export class SyncKeyring {
  private readonly epochKeys = new Map<number, Buffer>();
  private readonly contentKeys = new Map<number, Buffer>();
  private namesKey: Buffer | null = null;
  private closed = false;

  private constructor(
    readonly vaultId: string,
    private device: DeviceKeys,
  ) {}

  /** A fresh device identity (setup or join): its wrapped form goes into the vault. */
  static newDevice(dek: Buffer): { keys: DeviceKeys; wrapped: Buffer } {
    const keys = newDeviceKeys();
    const plain = exportDeviceKeys(keys);
    try {
      return { keys, wrapped: wrapWithDek(dek, plain, deviceLabel) };
    } finally {
      plain.fill(0);
    }
  }

  /** A keyring for a device identity just made (setup, join, recovery); epoch keys are added next. */
  static create(vaultId: string, device: DeviceKeys): SyncKeyring {
    return new SyncKeyring(vaultId, device);
  }

  static load(dek: Buffer, vaultId: string, wrappedDevice: Buffer, wrappedEpochs: { epoch: number; wrapped: Buffer }[]): SyncKeyring {
    const plain = unwrapWithDek(dek, wrappedDevice, deviceLabel);
    const ring = new SyncKeyring(vaultId, importDeviceKeys(plain));
    plain.fill(0);
    for (const e of wrappedEpochs) ring.addEpochKey(e.epoch, unwrapWithDek(dek, e.wrapped, epochLabel(vaultId, e.epoch)));
    return ring;
  }

  /** Epoch keys another session of the same person stored meanwhile (wrapped in the vault). */
  refresh(dek: Buffer, wrappedEpochs: { epoch: number; wrapped: Buffer }[]): void {
    for (const e of wrappedEpochs) if (!this.epochKeys.has(e.epoch)) this.addEpochKey(e.epoch, unwrapWithDek(dek, e.wrapped, epochLabel(this.vaultId, e.epoch)));
  }

  static wrapEpochKey(dek: Buffer, vaultId: string, epoch: number, key: Buffer): Buffer {
    return wrapWithDek(dek, key, epochLabel(vaultId, epoch));
  }

  static newEpochKey(): Buffer {
    return newSyncKey();
  }

  private live(): void {
    if (this.closed) throw new Error('sync keyring closed');
  }

  /** Takes ownership of `key` (zeroed on close). */
  addEpochKey(epoch: number, key: Buffer): void {
    this.live();
    if (this.epochKeys.has(epoch)) {
      key.fill(0);
      return;
    }
    this.epochKeys.set(epoch, key);
    this.contentKeys.set(epoch, hkdf(key, `cubby:sync:content:${this.vaultId}`));
    if (epoch === 0) this.namesKey = hkdf(key, `cubby:sync:names:${this.vaultId}`);
  }

  epochKeyHash(epoch: number): string | null {
    const key = this.epochKeys.get(epoch);
    return key ? keyHashOf(key) : null;
  }

  hasEpoch(epoch: number): boolean {
    return this.epochKeys.has(epoch);
  }

  get latestEpoch(): number {
    return Math.max(...this.epochKeys.keys());
  }

  epochs(): number[] {
    return [...this.epochKeys.keys()].sort((a, b) => a - b);
  }

  contentKey = (epoch: number): Buffer | null => {
    this.live();
    return this.contentKeys.get(epoch) ?? null;
  };

  /** An opaque object name: HMAC of what it is under the names key. */
  name(what: string): string {
    this.live();
    if (!this.namesKey) throw new Error('sync names key missing');
    return hmacHex(this.namesKey, what);
  }

  get vaultTag(): string {
    return `v${this.name('vault').slice(0, 24)}`;
  }

  get signer(): KeyObject {
    this.live();
    return this.device.signPrivate;
  }

  get signPublic(): Buffer {
    return this.device.signPublic;
  }

  get boxPublic(): Buffer {
    return this.device.boxPublic;
  }

  sign(data: Buffer): Buffer {
    this.live();
    return signBytes(this.device.signPrivate, data);
  }

  static verify(publicRaw: Buffer, data: Buffer, signature: Buffer): boolean {
    return verifyBytes(publicRaw, data, signature);
  }

  /** An epoch's key sealed to another device's (or the recovery) public key. */
  sealEpochKeyTo(epoch: number, recipientBoxPublic: Buffer, aad: Buffer): Buffer {
    this.live();
    const key = this.epochKeys.get(epoch);
    if (!key) throw new Error('no such epoch');
    return sealTo(recipientBoxPublic, key, aad);
  }

  /** Open an epoch key sealed to this device. The caller stores it wrapped, then adds it. */
  openSealedToMe(sealed: Buffer, aad: Buffer): Buffer | null {
    this.live();
    return openSealed(this.device.boxPrivate, sealed, aad);
  }

  /** Every epoch key, for a device being paired or the recovery object (sealed by the caller at once). */
  exportEpochKeys(): { epoch: number; key: string }[] {
    this.live();
    return this.epochs().map((epoch) => ({ epoch, key: this.epochKeys.get(epoch)!.toString('base64') }));
  }

  get boxPrivate(): KeyObject {
    this.live();
    return this.device.boxPrivate;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const k of this.epochKeys.values()) k.fill(0);
    for (const k of this.contentKeys.values()) k.fill(0);
    this.namesKey?.fill(0);
    this.epochKeys.clear();
    this.contentKeys.clear();
  }
}
