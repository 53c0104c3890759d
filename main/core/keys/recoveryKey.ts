import { createHash, randomBytes } from 'node:crypto';
import { base32crockford } from '@scure/base';
import { CubbyError } from '../errors';

/**
 * A recovery key is 160 random bits written as Crockford base32 (no I, L, O, U; those typed
 * by mistake read as 1 and 0), plus 4 check characters, in groups of four:
 * `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-CCCC`.
 */
const KEY_BYTES = 20;
const BODY_CHARS = 32;
const CHECK_CHARS = 4;

function checksum(bytes: Uint8Array): string {
  const digest = createHash('sha256').update('cubby-recovery-key').update(bytes).digest();
  return base32crockford.encode(digest.subarray(0, 5)).slice(0, CHECK_CHARS);
}

export function newRecoveryKey(): { text: string; bytes: Buffer } {
  const bytes = randomBytes(KEY_BYTES);
  const chars = base32crockford.encode(bytes) + checksum(bytes);
  return { text: chars.match(/.{4}/g)!.join('-'), bytes };
}

export function invalidRecoveryKey(): CubbyError {
  return new CubbyError(
    'RECOVERY_KEY_INVALID',
    'That recovery key is not valid. Check it for typos: it has 36 letters and digits in groups of four.',
  );
}

/** Parse what a person typed; a typo fails the checksum instead of producing a wrong key. */
export function parseRecoveryKey(input: string): Buffer {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== BODY_CHARS + CHECK_CHARS) throw invalidRecoveryKey();
  let bytes: Uint8Array;
  try {
    bytes = base32crockford.decode(compact.slice(0, BODY_CHARS));
  } catch {
    throw invalidRecoveryKey();
  }
  const check = compact.slice(BODY_CHARS).replace(/O/g, '0').replace(/[IL]/g, '1');
  if (bytes.length !== KEY_BYTES || checksum(bytes) !== check) throw invalidRecoveryKey();
  return Buffer.from(bytes);
}
