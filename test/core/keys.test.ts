import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { atLeastFloor, calibrateKdf, KDF_FLOOR } from '../../main/core/keys/kdf';
import { unwrapKey, wrapKey } from '../../main/core/keys/keyService';
import { newRecoveryKey, parseRecoveryKey } from '../../main/core/keys/recoveryKey';

describe('recovery key', () => {
  test('is 160 bits in nine groups of four, and parses back from what a person types', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { text, bytes } = newRecoveryKey();
      expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){8}[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(parseRecoveryKey(text).equals(bytes)).toBe(true);
      expect(parseRecoveryKey(` ${text.toLowerCase().replace(/-/g, '  ')} `).equals(bytes)).toBe(true);
      keys.add(text);
    }
    expect(keys.size).toBe(50);
  });

  test('Crockford look-alikes (O for 0, I or L for 1) read as digits', () => {
    let sample = newRecoveryKey();
    while (!/[01]/.test(sample.text)) sample = newRecoveryKey();
    const typed = sample.text.replace(/0/g, 'O').replace(/1/g, 'l');
    expect(parseRecoveryKey(typed).equals(sample.bytes)).toBe(true);
  });

  test('every single-character typo and every swap of neighbours is caught by the checksum', () => {
    const { text } = newRecoveryKey();
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let caught = 0;
    let tried = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '-') continue;
      for (const c of alphabet) {
        if (c === text[i]) continue;
        tried++;
        try {
          parseRecoveryKey(text.slice(0, i) + c + text.slice(i + 1));
        } catch (e) {
          if ((e as { code?: string }).code === 'RECOVERY_KEY_INVALID') caught++;
        }
      }
    }
    // A 20-bit check catches all but ~1 in a million; over ~1100 typos, allow none.
    expect(caught).toBe(tried);
    expect(() => parseRecoveryKey(text.slice(0, -1))).toThrow(expect.objectContaining({ code: 'RECOVERY_KEY_INVALID' }));
  });
});

describe('key wrapping', () => {
  test('AES-GCM wrap binds the key-encryption key and the associated data', () => {
    const kek = randomBytes(32);
    const dek = randomBytes(32);
    const ad = Buffer.from('cubby:dek:v1:password:user-a');
    const wrapped = wrapKey(kek, dek, ad);
    expect(unwrapKey(kek, wrapped, ad)!.equals(dek)).toBe(true);
    expect(unwrapKey(randomBytes(32), wrapped, ad)).toBeNull(); // wrong password
    expect(unwrapKey(kek, wrapped, Buffer.from('cubby:dek:v1:password:user-b'))).toBeNull(); // another user's row
    const tampered = Buffer.from(wrapped);
    tampered[20]! ^= 1;
    expect(unwrapKey(kek, tampered, ad)).toBeNull();
    expect(wrapKey(kek, dek, ad).equals(wrapped)).toBe(false); // fresh IV each time
  });

  test('Argon2id parameters never go below the floor', () => {
    expect(atLeastFloor({ alg: 'argon2id', m: 1024, t: 1, p: 1 })).toEqual(KDF_FLOOR);
    expect(atLeastFloor({ alg: 'argon2id', m: 262144, t: 5, p: 4 })).toEqual({ alg: 'argon2id', m: 262144, t: 5, p: 4 });
    expect(KDF_FLOOR).toEqual({ alg: 'argon2id', m: 65536, t: 3, p: 4 });
  });

  test('calibration starts at the floor and only ever raises the cost', async () => {
    expect(await calibrateKdf(0)).toEqual(KDF_FLOOR);
    const raised = await calibrateKdf(1000); // far above what the floor costs on any machine
    expect(raised.m).toBeGreaterThanOrEqual(KDF_FLOOR.m);
    expect(raised.p).toBe(KDF_FLOOR.p);
    expect(raised.t * raised.m).toBeGreaterThan(KDF_FLOOR.t * KDF_FLOOR.m);
  }, 60_000);
});
