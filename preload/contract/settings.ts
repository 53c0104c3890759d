/** The signed-in person's settings, kept in their own vault. */
import { z } from 'zod';
import { channel, Empty } from './shared';

export const IdleLockView = z.object({
  /** The time in force for this person, in minutes (0: no idle lock on this machine). */
  minutes: z.number().int().nonnegative(),
  /** What the person chose, or null for the machine's time. */
  chosen: z.number().int().positive().nullable(),
  /** The longest time allowed here; null: no limit. */
  maxMinutes: z.number().int().nonnegative().nullable(),
  setByOrganization: z.boolean(),
});
export type IdleLockView = z.infer<typeof IdleLockView>;

const SettingKey = z.string().min(1).max(128).regex(/^[a-zA-Z0-9._-]+$/);

export const settingsChannels = {
  'settings.list': channel(Empty, z.record(z.string(), z.string()), 'session'),
  'settings.get': channel(z.strictObject({ key: SettingKey }), z.object({ value: z.string().nullable() }), 'session'),
  'settings.set': channel(z.strictObject({ key: SettingKey, value: z.string().max(65536) }), Empty, 'session'),
  /** This person's idle-lock time, under the machine's ceiling. */
  'settings.idleLock.get': channel(Empty, IdleLockView, 'session'),
  /** Longer than the machine allows: POLICY_FORBIDS. null: the machine's time. */
  'settings.idleLock.set': channel(z.strictObject({ minutes: z.number().int().min(1).max(1440).nullable() }), Empty, 'session'),
} as const;
