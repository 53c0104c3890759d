/**
 * Adding a device through the storage, with a six-digit code the person compares on both
 * screens. Four objects under p/<id>/:
 *   a  new device: a commitment to what it will reveal (its keys, name, a nonce);
 *   b  an unlocked existing device: its ephemeral X25519 public key;
 *   c  new device: the reveal (it must hash to a's commitment);
 *   d  existing device, once the person approved: the sync keys sealed with X25519(b, c).
 * Both show shortCode(sha256(a | b | c)). Because the new device committed before it saw b,
 * someone in the storage who swaps c cannot aim at a matching code: one try in a million.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { aeadOpen, aeadSeal, hkdf, newBoxKeys, sha256, sharedKey, shortCode } from '../../keys/syncCrypto';
import { pairingObject, PAIRING_PREFIX } from './names';
import type { SyncStorage } from '../storage/types';
import { DeviceInfoSchema, type DeviceInfo } from './registry';
import { Count, Hash, Key32 } from './schemas';
import { isCubbyError } from '../../errors';

const MAX = 16 * 1024;
const b64 = z.string().max(4096);

const Reveal = z.strictObject({
  v: z.literal(1),
  ephemeral: Key32,
  nonce: b64,
  device: DeviceInfoSchema,
});
export type Reveal = z.infer<typeof Reveal>;
const Commit = z.strictObject({ v: z.literal(1), commit: z.string().regex(/^[0-9a-f]{64}$/) });
const Answer = z.strictObject({ v: z.literal(1), ephemeral: Key32 });
const Final = z.union([z.strictObject({ v: z.literal(1), rejected: z.literal(true) }), z.strictObject({ v: z.literal(1), sealed: z.string().max(MAX) })]);


/**
 * What an approved device receives: the keys, and the device set as its approver knows it (each
 * device's statement chain so far, and what counts of a removed one). The new device starts from
 * that, so nothing a removed device rewrote or wrote since can pass as history.
 */
export const PairingGrant = z.strictObject({
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  epochKeys: z.array(z.strictObject({ epoch: Count, key: Key32 })).min(1).max(10_000),
  recoverySignPublic: Key32,
  recoveryBoxPublic: Key32,
  approver: z.string(),
  devices: z
    .array(
      z.strictObject({
        info: DeviceInfoSchema,
        addedAt: z.number(),
        statements: z.tuple([Count, Hash]),
        removed: z.tuple([Count, Count, Hash, Count]).nullable(),
      }),
    )
    .max(1000),
});
export type PairingGrant = z.infer<typeof PairingGrant>;

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** A pairing object, or null when absent, too large or malformed (anyone can write under p/). */
async function read<T>(storage: SyncStorage, name: string, schema: z.ZodType<T>): Promise<T | null> {
  const bytes = await storage.get(name, MAX).catch((e: unknown) => {
    if (isCubbyError(e) && e.code === 'SYNC_OBJECT_REJECTED') return null;
    throw e;
  });
  if (!bytes) return null;
  try {
    return schema.parse(JSON.parse(Buffer.from(bytes).toString()));
  } catch {
    return null;
  }
}

function transcriptOf(requestId: string, commit: string, answer: string, reveal: Reveal): Buffer {
  return sha256('cubby-sync-pairing|', requestId, '|', commit, '|', answer, '|', JSON.stringify(reveal));
}

function pairingKey(privateDer: string, theirPublic: string, transcript: Buffer): Buffer {
  const priv = createPrivateKey({ key: Buffer.from(privateDer, 'base64'), format: 'der', type: 'pkcs8' });
  const shared = sharedKey(priv, Buffer.from(theirPublic, 'base64'), 'pair');
  try {
    return hkdf(shared, 'cubby:sync:pair-grant', transcript.toString('hex'));
  } finally {
    shared.fill(0);
  }
}

const der = (k: ReturnType<typeof newBoxKeys>['privateKey']) => k.export({ format: 'der', type: 'pkcs8' }).toString('base64');

// ---- the new device ----

export interface JoinRequest {
  requestId: string;
  ephemeral: string;
  nonce: string;
  reveal: Reveal;
}

export async function postJoinRequest(storage: SyncStorage, device: DeviceInfo): Promise<JoinRequest> {
  const eph = newBoxKeys();
  const reveal: Reveal = { v: 1, ephemeral: eph.publicRaw.toString('base64'), nonce: randomBytes(16).toString('base64'), device };
  const requestId = randomBytes(12).toString('hex');
  await storage.put(pairingObject(requestId, 'a'), json({ v: 1, commit: sha256(JSON.stringify(reveal)).toString('hex') }));
  return { requestId, ephemeral: der(eph.privateKey), nonce: reveal.nonce, reveal };
}

/** Step c once b is there: the code to show. Null while nobody has answered. */
export async function revealWhenAnswered(storage: SyncStorage, req: JoinRequest): Promise<{ code: string; transcript: string; answer: string } | null> {
  const answer = await read(storage, pairingObject(req.requestId, 'b'), Answer);
  if (!answer) return null;
  const commit = sha256(JSON.stringify(req.reveal)).toString('hex');
  await storage.put(pairingObject(req.requestId, 'c'), json(req.reveal));
  const transcript = transcriptOf(req.requestId, commit, answer.ephemeral, req.reveal);
  return { code: shortCode(transcript), transcript: transcript.toString('hex'), answer: answer.ephemeral };
}

/** Step d: the grant, 'rejected', or null while the person has not decided. */
export async function receiveGrant(
  storage: SyncStorage,
  req: JoinRequest,
  answered: { transcript: string; answer: string },
): Promise<PairingGrant | 'rejected' | 'invalid' | null> {
  const final = await read(storage, pairingObject(req.requestId, 'd'), Final);
  if (!final) return null;
  if ('rejected' in final) return 'rejected';
  const transcript = Buffer.from(answered.transcript, 'hex');
  const key = pairingKey(req.ephemeral, answered.answer, transcript);
  const plain = aeadOpen(key, Buffer.from(final.sealed, 'base64'), transcript);
  key.fill(0);
  if (!plain) return 'invalid';
  try {
    return PairingGrant.parse(JSON.parse(plain.toString()));
  } catch {
    return 'invalid';
  } finally {
    plain.fill(0);
  }
}

export async function cleanUpRequest(storage: SyncStorage, requestId: string): Promise<void> {
  for (const step of ['a', 'b', 'c', 'd'] as const) await storage.delete(pairingObject(requestId, step)).catch(() => undefined);
}

// ---- an existing, unlocked device ----

export interface ApproverState {
  ephemeral: string;
  answer: string;
  /** The new device's commitment as it was before this device answered: the reveal must match it. */
  commit: string;
  reveal?: Reveal;
  transcript?: string;
}

/** Requests waiting for an answer (a without b). */
export async function openRequests(storage: SyncStorage): Promise<{ id: string; steps: Set<string> }[]> {
  const byId = new Map<string, Set<string>>();
  for (const o of await storage.list(PAIRING_PREFIX)) {
    const [, id, step] = /^p\/([0-9a-f]{24})\/([a-d])$/.exec(o.name) ?? [];
    if (!id || !step) continue;
    if (!byId.has(id)) byId.set(id, new Set());
    byId.get(id)!.add(step);
  }
  return [...byId].map(([id, steps]) => ({ id, steps }));
}

/**
 * Answer a new request (b): null if it has no valid commitment yet or another device answered
 * first. The commitment is read and kept now: one swapped in after this answer (when the
 * storage could aim at a code) does not count.
 */
export async function answerRequest(storage: SyncStorage, id: string): Promise<ApproverState | null> {
  const commit = await read(storage, pairingObject(id, 'a'), Commit);
  if (!commit) return null;
  const eph = newBoxKeys();
  const answer = eph.publicRaw.toString('base64');
  const body = json({ v: 1, ephemeral: answer });
  const wrote = storage.atomicPutIfAbsent ? await storage.putIfAbsent(pairingObject(id, 'b'), body) : (await storage.put(pairingObject(id, 'b'), body), true);
  return wrote ? { ephemeral: der(eph.privateKey), answer, commit: commit.commit } : null;
}

/** Once c is there and matches the commitment: the code to show and the device to add. */
export async function checkReveal(storage: SyncStorage, id: string, st: ApproverState): Promise<{ code: string; reveal: Reveal; transcript: string } | 'invalid' | null> {
  const reveal = await read(storage, pairingObject(id, 'c'), Reveal);
  if (!reveal) return null;
  if (sha256(JSON.stringify(reveal)).toString('hex') !== st.commit) return 'invalid';
  const transcript = transcriptOf(id, st.commit, st.answer, reveal);
  return { code: shortCode(transcript), reveal, transcript: transcript.toString('hex') };
}

export async function grant(storage: SyncStorage, id: string, st: Required<ApproverState>, payload: PairingGrant): Promise<void> {
  const transcript = Buffer.from(st.transcript, 'hex');
  const key = pairingKey(st.ephemeral, st.reveal.ephemeral, transcript);
  const plain = json(payload);
  const sealed = aeadSeal(key, plain, transcript);
  key.fill(0);
  plain.fill(0);
  await storage.put(pairingObject(id, 'd'), json({ v: 1, sealed: sealed.toString('base64') }));
}

export async function refuse(storage: SyncStorage, id: string): Promise<void> {
  await storage.put(pairingObject(id, 'd'), json({ v: 1, rejected: true }));
}
