/** Events main sends, only to the windows of the session they belong to. */
import { z } from 'zod';
import { SessionInfo } from './shared';

export const LOCK_REASONS = ['user', 'idle', 'system', 'signed-out', 'account-changed', 'replaced', 'closed'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

export const events = {
  'session.locked': z.strictObject({ reason: z.enum(LOCK_REASONS) }),
  /** An administrator changed this person's account (their role): what the window shows follows. */
  'session.changed': z.strictObject({ session: SessionInfo.strict() }),
} as const;
