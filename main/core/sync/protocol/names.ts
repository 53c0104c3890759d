/**
 * Object names in the storage: opaque HMACs under the vault's names key, grouped by a one-letter
 * folder so a device lists only what it needs. The storage learns how many objects of each
 * group there are and their padded sizes, not whose or which they are.
 *
 *   <tag>/s/<h>   segments (one per device and sequence number)
 *   <tag>/h/<h>   heads (one per device, overwritten by it)
 *   <tag>/n/<h>   snapshot chunks
 *   <tag>/d/<h>   device statements (added, removed)
 *   <tag>/e/<h>   epoch keys sealed to one device (or to the recovery key)
 *   p/<id>/<a-d>  pairing requests (before the new device has any key)
 *   r/<h>         the recovery object (named from the recovery key)
 */
import type { SyncKeyring } from '../../keys/syncKeyring';

export class ObjectNames {
  constructor(private readonly keys: SyncKeyring) {}

  private get tag(): string {
    return this.keys.vaultTag;
  }

  get segments(): string {
    return `${this.tag}/s/`;
  }
  get heads(): string {
    return `${this.tag}/h/`;
  }
  get statements(): string {
    return `${this.tag}/d/`;
  }
  get snapshots(): string {
    return `${this.tag}/n/`;
  }
  get vaultPrefix(): string {
    return `${this.tag}/`;
  }

  segment(device: string, seq: number): string {
    return `${this.segments}${this.keys.name(`seg:${device}:${seq}`)}`;
  }
  head(device: string): string {
    return `${this.heads}${this.keys.name(`head:${device}`)}`;
  }
  snapshotChunk(device: string, id: number, index: number): string {
    return `${this.snapshots}${this.keys.name(`snap:${device}:${id}:${index}`)}`;
  }
  statement(signer: string, n: number): string {
    return `${this.statements}${this.keys.name(`stmt:${signer}:${n}`)}`;
  }
  /** Named by the key's hash too: a removal tried again (a new key) never meets a copy left by the failed try. */
  epochKey(epoch: number, recipient: string, keyHash: string): string {
    return `${this.tag}/e/${this.keys.name(`epoch:${epoch}:${recipient}:${keyHash}`)}`;
  }
  get epochKeys(): string {
    return `${this.tag}/e/`;
  }
}

export const PAIRING_PREFIX = 'p/';
export const pairingObject = (id: string, step: 'a' | 'b' | 'c' | 'd') => `${PAIRING_PREFIX}${id}/${step}`;
