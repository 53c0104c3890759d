import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDeviceKeys } from '../../main/core/keys/syncCrypto';
import { pairingObject } from '../../main/core/sync/protocol/names';
import {
  answerRequest,
  checkReveal,
  grant,
  postJoinRequest,
  receiveGrant,
  revealWhenAnswered,
  type PairingGrant,
} from '../../main/core/sync/protocol/pairing';
import type { DeviceInfo } from '../../main/core/sync/protocol/registry';
import { MemoryStorage } from './memoryStorage';

function device(name: string): DeviceInfo {
  const k = newDeviceKeys();
  return { id: randomBytes(8).toString('hex'), name, signPublic: k.signPublic.toString('base64'), boxPublic: k.boxPublic.toString('base64') };
}

const SECRET_KEY = randomBytes(32).toString('base64');
const PUBLIC = randomBytes(32).toString('base64');
const payload: PairingGrant = {
  vaultId: 'a'.repeat(32),
  epochKeys: [{ epoch: 0, key: SECRET_KEY }],
  recoverySignPublic: PUBLIC,
  recoveryBoxPublic: PUBLIC,
  approver: 'a',
  devices: [],
};

describe('pairing through the storage', () => {
  it('both sides compute the same code, and only the new device opens the grant', async () => {
    const storage = new MemoryStorage();
    const req = await postJoinRequest(storage, device('Laptop'));
    expect(await revealWhenAnswered(storage, req)).toBeNull(); // nobody answered yet
    const answered = await answerRequest(storage, req.requestId);
    const joined = await revealWhenAnswered(storage, req);
    const checked = await checkReveal(storage, req.requestId, answered!);
    expect(checked).not.toBe('invalid');
    if (!checked || checked === 'invalid' || !joined) throw new Error('unreachable');
    expect(checked.code).toMatch(/^\d{6}$/);
    expect(checked.code).toBe(joined.code);
    expect(checked.reveal.device.name).toBe('Laptop');
    expect(await receiveGrant(storage, req, joined)).toBeNull(); // not decided yet
    await grant(storage, req.requestId, { ...answered!, reveal: checked.reveal, transcript: checked.transcript }, payload);
    const got = await receiveGrant(storage, req, joined);
    expect(got).toMatchObject({ vaultId: 'a'.repeat(32), epochKeys: [{ epoch: 0, key: SECRET_KEY }] });
    for (const b of storage.objects.values()) expect(b.toString('latin1').includes(SECRET_KEY)).toBe(false);
  });

  it('a reveal swapped in the storage fails the commitment', async () => {
    const storage = new MemoryStorage();
    const req = await postJoinRequest(storage, device('Laptop'));
    const answered = await answerRequest(storage, req.requestId);
    await revealWhenAnswered(storage, req);
    const evil = await postJoinRequest(new MemoryStorage(), device('Laptop'));
    await storage.put(pairingObject(req.requestId, 'c'), Buffer.from(JSON.stringify(evil.reveal)));
    expect(await checkReveal(storage, req.requestId, answered!)).toBe('invalid');
  });

  it('a whole request replaced by the storage shows a different code than the real device', async () => {
    const storage = new MemoryStorage();
    const real = await postJoinRequest(storage, device('Laptop'));
    // The storage drops the real request's a and puts its own commitment, then its own reveal.
    const evilStore = new MemoryStorage();
    const evil = await postJoinRequest(evilStore, device('Laptop'));
    await storage.put(pairingObject(real.requestId, 'a'), evilStore.objects.get(pairingObject(evil.requestId, 'a'))!);
    const answered = await answerRequest(storage, real.requestId);
    const realSide = await revealWhenAnswered(storage, real);
    await storage.put(pairingObject(real.requestId, 'c'), Buffer.from(JSON.stringify(evil.reveal)));
    const approverSide = await checkReveal(storage, real.requestId, answered!);
    if (!approverSide || approverSide === 'invalid' || !realSide) throw new Error('unreachable');
    expect(approverSide.code).not.toBe(realSide.code);
  });

  it('a commitment swapped in after the answer does not count (the storage cannot aim at the code)', async () => {
    const storage = new MemoryStorage();
    const real = await postJoinRequest(storage, device('Laptop'));
    const answered = await answerRequest(storage, real.requestId);
    await revealWhenAnswered(storage, real);
    // The storage now knows the answer: it swaps in its own commitment and a reveal that matches it.
    const evilStore = new MemoryStorage();
    const evil = await postJoinRequest(evilStore, device('Laptop'));
    await storage.put(pairingObject(real.requestId, 'a'), evilStore.objects.get(pairingObject(evil.requestId, 'a'))!);
    await storage.put(pairingObject(real.requestId, 'c'), Buffer.from(JSON.stringify(evil.reveal)));
    expect(await checkReveal(storage, real.requestId, answered!)).toBe('invalid');
  });

  it('a request without a commitment is not answered', async () => {
    const storage = new MemoryStorage();
    await storage.put(pairingObject('0123456789abcdef01234567', 'c'), Buffer.from('{}'));
    expect(await answerRequest(storage, '0123456789abcdef01234567')).toBeNull();
  });

  it('a grant for someone else does not open, and a second answer is refused', async () => {
    const storage = new MemoryStorage();
    const req = await postJoinRequest(storage, device('Laptop'));
    const first = await answerRequest(storage, req.requestId);
    expect(await answerRequest(storage, req.requestId)).toBeNull();
    const joined = await revealWhenAnswered(storage, req);
    const checked = await checkReveal(storage, req.requestId, first!);
    if (!checked || checked === 'invalid' || !joined) throw new Error('unreachable');
    await grant(storage, req.requestId, { ...first!, reveal: checked.reveal, transcript: checked.transcript }, payload);
    const other = await postJoinRequest(new MemoryStorage(), device('Other'));
    expect(await receiveGrant(storage, { ...other, requestId: req.requestId }, joined)).toBe('invalid');
  });
});
