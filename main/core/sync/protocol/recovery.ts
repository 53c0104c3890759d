/**
 * Sync access from the recovery key alone, for when every device is lost. At setup the person's
 * recovery key (checked against their vault) derives a name, a wrapping key and a signing key.
 * The recovery object holds the vault id, the epoch-0 key and a recovery X25519 key whose
 * public half every device keeps: each later epoch's key is sealed to it, so the object never
 * needs rewriting and the recovery key itself is never stored.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { aeadOpen, aeadSeal, boxPublicOf, newBoxKeys, openSealed, recoveryKeys } from '../../keys/syncCrypto';
import type { SyncStorage } from '../storage/types';
import type { ObjectNames } from './names';
import { recoveryEpochAad, RECOVERY_SIGNER } from './registry';
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
  epochKeys: { epoch: number; key: Buffer }[];
}

/** A new device with only the recovery key: every epoch key there is, or null when no sync was set up with this key here. */
export async function readRecovery(storage: SyncStorage, recoverySecret: Buffer, namesFor: (vaultId: string, epoch0: Buffer) => ObjectNames): Promise<Recovered | null> {
  const r = recoveryKeys(recoverySecret);
  const bytes = await storage.get(r.objectName, 16 * 1024);
  if (!bytes) {
    r.wrapKey.fill(0);
    return null;
  }
  const plain = aeadOpen(r.wrapKey, Buffer.from(bytes), AAD);
  r.wrapKey.fill(0);
  if (!plain) return null;
  const body = Body.parse(JSON.parse(plain.toString()));
  plain.fill(0);
  const boxPrivate = createPrivateKey({ key: Buffer.from(body.boxPrivate, 'base64'), format: 'der', type: 'pkcs8' });
  const epoch0 = Buffer.from(body.epoch0, 'base64');
  const names = namesFor(body.vaultId, epoch0);
  const epochKeys: { epoch: number; key: Buffer }[] = [{ epoch: 0, key: epoch0 }];
  for (let epoch = 1; ; epoch++) {
    const sealed = await storage.get(names.epochKey(epoch, RECOVERY_SIGNER), 4096);
    if (!sealed) break;
    const b = Buffer.from(sealed);
    const key = openSealed(boxPrivate, b.subarray(0, b.length - 64), recoveryEpochAad(body.vaultId, epoch));
    if (!key) break;
    epochKeys.push({ epoch, key });
  }
  return { vaultId: body.vaultId, epochKeys, signPrivate: r.signPrivate, signPublic: r.signPublic, boxPublic: boxPublicOf(boxPrivate) };
}
