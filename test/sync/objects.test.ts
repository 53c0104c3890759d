import { describe, expect, it } from 'vitest';
import { hkdf, newDeviceKeys, newSyncKey } from '../../main/core/keys/syncCrypto';
import { epochOf, openObject, paddedSize, sealObject, type ObjectContext } from '../../main/core/sync/protocol/objects';

const ctx: ObjectContext = { vaultId: 'vault-a', kind: 'segment', position: 'dev1:7:abc' };

function sealed(body: unknown = { changes: [{ tbl: 'agents', key: 'k', f: { name: { v: 'Helper', t: 't', p: null } } }] }) {
  const device = newDeviceKeys();
  const key = hkdf(newSyncKey(), 'content');
  const bytes = sealObject({ ctx, epoch: 0, contentKey: key, signer: device.signPrivate, body });
  return { device, key, bytes };
}

describe('sync object framing', () => {
  it('opens with the right key, signer and position, and gives the body back', () => {
    const { device, key, bytes } = sealed();
    const opened = openObject<{ changes: unknown[] }>(bytes, { ctx, keyFor: (e) => (e === 0 ? key : null), signerPublic: device.signPublic });
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(opened.body.changes).toHaveLength(1);
  });

  it('holds no plaintext: neither the body text nor the position', () => {
    const { bytes } = sealed({ changes: [{ tbl: 'agents', key: 'k', f: { name: { v: 'MARKER-PLAINTEXT-42', t: 't', p: null } } }] });
    expect(bytes.includes('MARKER-PLAINTEXT-42')).toBe(false);
    expect(bytes.includes('dev1')).toBe(false);
    expect(bytes.includes('vault-a')).toBe(false);
  });

  it('refuses another position (replay), another vault and another kind', () => {
    const { device, key, bytes } = sealed();
    const keyFor = () => key;
    for (const other of [
      { ...ctx, position: 'dev1:8:abc' },
      { ...ctx, position: 'dev1:7:abd' },
      { ...ctx, vaultId: 'vault-b' },
      { ...ctx, kind: 'snapshot' as const },
    ]) {
      const opened = openObject(bytes, { ctx: other, keyFor, signerPublic: device.signPublic });
      expect(opened.ok).toBe(false);
    }
  });

  it('refuses every single bit flip and every truncation', () => {
    const { device, key, bytes } = sealed();
    for (let i = 0; i < bytes.length; i += Math.max(1, Math.floor(bytes.length / 200))) {
      const flipped = Buffer.from(bytes);
      flipped.writeUInt8(flipped.readUInt8(i) ^ (1 << i % 8), i);
      expect(openObject(flipped, { ctx, keyFor: () => key, signerPublic: device.signPublic }).ok).toBe(false);
    }
    for (const cut of [1, 16, 64, bytes.length - 10]) {
      expect(openObject(bytes.subarray(0, bytes.length - cut), { ctx, keyFor: () => key, signerPublic: device.signPublic }).ok).toBe(false);
    }
  });

  it('says why: another signer is "signature", an unknown epoch is "epoch", another key is "decrypt"', () => {
    const { device, key, bytes } = sealed();
    const stranger = newDeviceKeys();
    expect(openObject(bytes, { ctx, keyFor: () => key, signerPublic: stranger.signPublic })).toMatchObject({ ok: false, reason: 'signature' });
    expect(openObject(bytes, { ctx, keyFor: () => null, signerPublic: device.signPublic })).toMatchObject({ ok: false, reason: 'epoch' });
    expect(openObject(bytes, { ctx, keyFor: () => hkdf(newSyncKey(), 'x'), signerPublic: device.signPublic })).toMatchObject({ ok: false, reason: 'decrypt' });
  });

  it('a changed epoch in the header does not open under the key it names', () => {
    const device = newDeviceKeys();
    const k0 = hkdf(newSyncKey(), 'content');
    const k1 = hkdf(newSyncKey(), 'content');
    const bytes = Buffer.from(sealObject({ ctx, epoch: 1, contentKey: k1, signer: device.signPrivate, body: { a: 1 } }));
    expect(epochOf(bytes, 'segment')).toBe(1);
    bytes.writeUInt32BE(0, 5);
    const keyFor = (e: number) => (e === 0 ? k0 : e === 1 ? k1 : null);
    expect(openObject(bytes, { ctx, keyFor, signerPublic: null }).ok).toBe(false);
  });

  it('is refused when larger than its kind allows', () => {
    const { device, key, bytes } = sealed();
    expect(openObject(bytes, { ctx, keyFor: () => key, signerPublic: device.signPublic, maxBytes: bytes.length - 1 })).toMatchObject({ ok: false });
  });

  it('pads to size buckets, so nearby sizes look the same', () => {
    const device = newDeviceKeys();
    const key = hkdf(newSyncKey(), 'content');
    const sizes = new Set<number>();
    for (const n of [10, 100, 300, 600, 900]) {
      const text = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
      sizes.add(sealObject({ ctx, epoch: 0, contentKey: key, signer: device.signPrivate, body: { text } }).length);
    }
    expect(sizes.size).toBe(1);
    expect(paddedSize(1500)).toBe(2048);
    expect(paddedSize(3 * 1024 * 1024 + 1)).toBe(4 * 1024 * 1024);
  });
});
