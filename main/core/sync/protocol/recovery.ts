/**
 * Sync access from the recovery key alone, for when every device is lost. At setup the person's
 * recovery key (checked against their vault) derives a name, a wrapping key and a signing key.
 * The recovery object holds the vault id, the epoch-0 key and a recovery X25519 key whose
 * public half every device keeps: each later epoch's key is sealed to it (and checked against the
 * signed removal that made it), so the object never needs rewriting and the recovery key itself
 * is never stored.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { aeadOpen, aeadSeal, boxPublicOf, newBoxKeys, recoveryKeys } from '../../keys/syncCrypto';
import type { SyncStorage } from '../storage/types';
import type { KeyObject } from 'node:crypto';

const AAD = Buffer.from('cubby-sync|recovery|v1');
const Body = z.strictObject({ v: z.literal(1), vaultId: z.string(), epoch0: z.string(), boxPrivate: z.string() });

export interface RecoveryMaterial {
  signPrivate: KeyObject;
  signPublic: Buffer;
  boxPublic: Buffer;
}

/** Setup: write the recovery object. Returns what the first device keeps (public halves, and the signer for its own statement). */
export async function writeRecovery(storage: SyncStorage, recoverySecret: Buffer, vaultId: string, epoch0: Buffer): Promise<RecoveryMaterial> {
  const r = recoveryKeys(recoverySecret);
  const box = newBoxKeys();
  const plain = Buffer.from(
    JSON.stringify({ v: 1, vaultId, epoch0: epoch0.toString('base64'), boxPrivate: box.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') }),
  );
  try {
    await storage.put(r.objectName, aeadSeal(r.wrapKey, plain, AAD));
  } finally {
    plain.fill(0);
    r.wrapKey.fill(0);
  }
  return { signPrivate: r.signPrivate, signPublic: r.signPublic, boxPublic: box.publicRaw };
}

export interface Recovered extends RecoveryMaterial {
  vaultId: string;
  epoch0: Buffer;
  /** Opens each later epoch's key sealed to the recovery key (checked against the removal that made it). */
  boxPrivate: KeyObject;
}

/** A new device with only the recovery key: the vault's first key and the recovery keys, or null when no sync was set up with this key here. */
export async function readRecovery(storage: SyncStorage, recoverySecret: Buffer): Promise<Recovered | null> {
  const r = recoveryKeys(recoverySecret);
  const bytes = await storage.get(r.objectName, 16 * 1024);
  const plain = bytes ? aeadOpen(r.wrapKey, Buffer.from(bytes), AAD) : null;
  r.wrapKey.fill(0);
  if (!plain) return null;
  const parsed = Body.safeParse((() => {
    try {
      return JSON.parse(plain.toString());
    } catch {
      return null;
    }
  })());
  plain.fill(0);
  if (!parsed.success) return null;
  const boxPrivate = createPrivateKey({ key: Buffer.from(parsed.data.boxPrivate, 'base64'), format: 'der', type: 'pkcs8' });
  return {
    vaultId: parsed.data.vaultId,
    epoch0: Buffer.from(parsed.data.epoch0, 'base64'),
    boxPrivate,
    signPrivate: r.signPrivate,
    signPublic: r.signPublic,
    boxPublic: boxPublicOf(boxPrivate),
  };
}
