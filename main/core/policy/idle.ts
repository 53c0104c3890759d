/**
 * A person's own idle-lock time, kept in their vault, under the machine's ceiling.
 *
 * Setting a time longer than the ceiling answers POLICY_FORBIDS (the person is told, nothing
 * changes). A time stored before the ceiling came down is clamped where it is read, so a
 * stricter policy applies at once without rewriting anyone's vault; a shorter personal time is
 * always kept.
 */
import type { Session } from '../accounts/session';
import { CubbyError } from '../errors';
import { deleteSetting, getSetting, setSetting } from '../vault/settings';
import { policyForbids } from './enforce';

export const IDLE_SETTING_KEY = 'lock.idleMinutes';
export const IDLE_MINUTES_MAX = 1440;

/** What a window shows about its person's idle lock. */
export interface IdlePreference {
  /** The time in force for this person, in minutes (0: this machine does not lock on idle). */
  minutes: number;
  /** What the person chose, or null for the machine's time. */
  chosen: number | null;
  /** The longest time allowed here (0: no limit). */
  maxMinutes: number;
}

function parseMinutes(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= IDLE_MINUTES_MAX ? n : null;
}

/** The person's stored choice, ignoring anything malformed (it then falls back to the machine's time). */
export function chosenIdleMinutes(session: Session): number | null {
  return parseMinutes(getSetting(session, IDLE_SETTING_KEY));
}

/**
 * The idle limit for one person in ms, given the machine's limit (0: off). Their own shorter
 * time wins; a longer one stored earlier is clamped to the machine's.
 */
export function personalIdleLimitMs(chosenMinutes: number | null, machineMs: number): number {
  if (chosenMinutes === null) return machineMs;
  const own = chosenMinutes * 60_000;
  return machineMs > 0 ? Math.min(own, machineMs) : own;
}

export function idlePreference(session: Session, machineSeconds: number): IdlePreference {
  const chosen = chosenIdleMinutes(session);
  const limitMs = personalIdleLimitMs(chosen, machineSeconds * 1000);
  return { minutes: Math.ceil(limitMs / 60_000), chosen, maxMinutes: Math.floor(machineSeconds / 60) };
}

/** Store a person's choice (null: use the machine's time). Longer than the ceiling: POLICY_FORBIDS. */
export function setIdleMinutes(session: Session, minutes: number | null, machineSeconds: number): void {
  if (minutes === null) {
    deleteSetting(session, IDLE_SETTING_KEY);
    return;
  }
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > IDLE_MINUTES_MAX) {
    throw new CubbyError('VALIDATION', `Choose between 1 and ${IDLE_MINUTES_MAX} minutes.`);
  }
  if (machineSeconds > 0 && minutes * 60 > machineSeconds) {
    const max = Math.floor(machineSeconds / 60);
    throw policyForbids(`Your organization locks Cubby after at most ${max} minute${max === 1 ? '' : 's'} without use. Choose ${max} or fewer.`);
  }
  setSetting(session, IDLE_SETTING_KEY, String(minutes));
}

/** The generic settings channel must not become a way around the ceiling. */
export function setSettingChecked(session: Session, key: string, value: string, machineSeconds: number): void {
  if (key !== IDLE_SETTING_KEY) {
    setSetting(session, key, value);
    return;
  }
  if (value === '') return setIdleMinutes(session, null, machineSeconds);
  const minutes = parseMinutes(value);
  if (minutes === null) throw new CubbyError('VALIDATION', `Choose between 1 and ${IDLE_MINUTES_MAX} minutes.`);
  setIdleMinutes(session, minutes, machineSeconds);
}
