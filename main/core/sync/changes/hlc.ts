import { CubbyError } from '../../errors';
import type { Hlc } from './types';

/**
 * Hybrid logical clocks: wall-clock milliseconds plus a counter, made unique by the device id.
 * A clock never goes backwards, even when the computer's clock does (the counter carries on from
 * the highest clock seen), so a later edit on a device always sorts after its earlier ones.
 */

const HLC_PATTERN = /^[0-9a-z]{11}\.[0-9a-z]{4}\.[0-9a-f]{16}$/;
const DEVICE_PATTERN = /^[0-9a-f]{16}$/;
const MAX_COUNTER = 36 ** 4 - 1;
const MAX_MS = 36 ** 11 - 1;

/**
 * How far ahead of this computer's clock another device's clock may be. A change dated further
 * ahead is refused, not clamped: clamping would let that value beat every edit made here until
 * the real time catches up, and refusing lets the person fix the wrong clock.
 */
export const MAX_CLOCK_DRIFT_MS = 24 * 60 * 60 * 1000;

export function isHlc(value: unknown): value is Hlc {
  return typeof value === 'string' && HLC_PATTERN.test(value);
}

export function formatHlc(ms: number, counter: number, deviceId: string): Hlc {
  return `${ms.toString(36).padStart(11, '0')}.${counter.toString(36).padStart(4, '0')}.${deviceId}`;
}

export function parseHlc(hlc: Hlc): { ms: number; counter: number; deviceId: string } {
  if (!isHlc(hlc)) throw new CubbyError('SYNC_OBJECT_REJECTED', 'A change from another device carries a malformed clock.');
  return { ms: parseInt(hlc.slice(0, 11), 36), counter: parseInt(hlc.slice(12, 16), 36), deviceId: hlc.slice(17) };
}

/** The device that made a clock. */
export const deviceOfHlc = (hlc: Hlc): string => hlc.slice(17);

/** The clock's wall time in ms (for showing when a conflict happened). */
export const msOfHlc = (hlc: Hlc): number => parseInt(hlc.slice(0, 11), 36);

export class HybridClock {
  private ms = 0;
  private counter = 0;

  constructor(
    readonly deviceId: string,
    private readonly now: () => number = Date.now,
    private readonly maxDriftMs = MAX_CLOCK_DRIFT_MS,
  ) {
    if (!DEVICE_PATTERN.test(deviceId)) throw new Error('a device id is 16 lowercase hex characters');
  }

  /** A new clock, later than every clock this one has made or seen. */
  tick(): Hlc {
    const wall = Math.min(Math.max(Math.floor(this.now()), 0), MAX_MS);
    if (wall > this.ms) {
      this.ms = wall;
      this.counter = 0;
    } else if (this.counter < MAX_COUNTER) {
      this.counter++;
    } else {
      // The counter is full within one millisecond: borrow the next one.
      this.ms++;
      this.counter = 0;
    }
    return formatHlc(this.ms, this.counter, this.deviceId);
  }

  /**
   * Take a clock from another device into account: later ticks sort after it. A malformed clock,
   * or one more than a day ahead of this computer's clock, is refused (SYNC_OBJECT_REJECTED).
   */
  observe(remote: Hlc): void {
    const r = parseHlc(remote);
    if (r.ms > this.now() + this.maxDriftMs) {
      throw new CubbyError(
        'SYNC_OBJECT_REJECTED',
        "A change from another device is dated more than a day ahead of this computer's clock. Check the date and time on both computers.",
      );
    }
    this.advance(r.ms, r.counter);
  }

  /** Like observe, for clocks already accepted (stored in this vault): no drift check. */
  advancePast(known: Hlc): void {
    const r = parseHlc(known);
    this.advance(r.ms, r.counter);
  }

  private advance(ms: number, counter: number): void {
    if (ms > this.ms || (ms === this.ms && counter > this.counter)) {
      this.ms = ms;
      this.counter = counter;
    }
  }
}
