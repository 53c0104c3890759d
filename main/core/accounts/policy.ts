import { dictionary } from '@zxcvbn-ts/language-common';
import { CubbyError } from '../errors';
import { KDF_FLOOR, type KdfParams } from '../keys/kdf';

export interface AccountPolicy {
  minPasswordLength: number;
  inviteTtlMs: number;
  inviteMaxAttempts: number;
  /** Failures allowed before the first wait. */
  freeFailures: number;
  /** First wait; it doubles with every further failure, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
  /** Argon2id target per unlock at first-run calibration. */
  kdfTargetMs: number;
  /** Argon2id floor for new password wraps (KDF_FLOOR, or higher by machine policy). */
  kdfFloor: KdfParams;
}

export const DEFAULT_POLICY: AccountPolicy = {
  minPasswordLength: 10,
  inviteTtlMs: 72 * 3600_000,
  inviteMaxAttempts: 5,
  freeFailures: 3,
  baseLockMs: 30_000,
  maxLockMs: 60 * 60_000,
  kdfTargetMs: 500,
  kdfFloor: KDF_FLOOR,
};

let common: Set<string> | undefined;

function isCommonPassword(password: string): boolean {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

export function checkPassword(policy: AccountPolicy, password: string, username?: string): void {
  if ([...password].length < policy.minPasswordLength) {
    throw new CubbyError('PASSWORD_POLICY', `Choose a password of at least ${policy.minPasswordLength} characters.`);
  }
  if (isCommonPassword(password) || (username && password.toLowerCase().includes(username.toLowerCase()))) {
    throw new CubbyError('PASSWORD_POLICY', 'That password is too easy to guess. Choose a less common one, without your username.');
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/i;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new CubbyError(
      'USERNAME_INVALID',
      'A username has 2 to 32 letters, digits, dots, dashes or underscores, and starts with a letter or digit.',
    );
  }
}

export function checkDisplayName(name: string): void {
  if (name.trim().length === 0 || name.length > 64) {
    throw new CubbyError('VALIDATION', 'A display name has 1 to 64 characters.');
  }
}

/** How long the account waits after `failures` consecutive failures. */
export function lockDuration(policy: AccountPolicy, failures: number): number {
  if (failures <= policy.freeFailures) return 0;
  return Math.min(policy.baseLockMs * 2 ** (failures - policy.freeFailures - 1), policy.maxLockMs);
}
