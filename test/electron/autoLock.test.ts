import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDLE_LOCK_SECONDS, IdleLock, idleTimeoutFrom } from '../../main/ipc/autoLock';

/** A machine whose idle time the test sets, and a count of locks. */
function rig(timeoutSeconds: number, pollMs?: number) {
  let idle = 0;
  const locks: number[] = [];
  const lock = new IdleLock({
    getIdleSeconds: () => idle,
    timeoutSeconds,
    lock: () => locks.push(idle),
    ...(pollMs === undefined ? {} : { pollMs }),
  });
  return {
    lock,
    locks,
    setIdle(s: number) {
      idle = s;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IdleLock decision', () => {
  it('does not lock before the timeout and locks once it is reached', () => {
    const r = rig(300);
    r.setIdle(299);
    expect(r.lock.check()).toBe(false);
    r.setIdle(300);
    expect(r.lock.check()).toBe(true);
    expect(r.locks).toEqual([300]);
  });

  it('locks once per idle stretch and re-arms after activity', () => {
    const r = rig(60);
    r.setIdle(61);
    r.lock.check();
    r.setIdle(500);
    r.lock.check();
    r.lock.check();
    expect(r.locks).toHaveLength(1);
    r.setIdle(2); // someone touched the machine
    expect(r.lock.check()).toBe(false);
    r.setIdle(60);
    expect(r.lock.check()).toBe(true);
    expect(r.locks).toEqual([61, 60]);
  });

  it('ignores a broken idle source rather than locking or re-arming', () => {
    const r = rig(60);
    r.setIdle(120);
    r.lock.check();
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      r.setIdle(bad);
      expect(r.lock.check()).toBe(false);
    }
    r.setIdle(120);
    expect(r.lock.check()).toBe(false); // still the same stretch: no second lock
    expect(r.locks).toHaveLength(1);
  });

  it('a timeout of 0 turns idle locking off', () => {
    const r = rig(0);
    r.setIdle(1e9);
    expect(r.lock.check()).toBe(false);
    r.lock.start();
    expect(r.lock.running).toBe(false);
    expect(r.locks).toEqual([]);
  });

  it('rejects a negative or non-finite timeout', () => {
    expect(() => rig(-1)).toThrow(RangeError);
    expect(() => rig(Number.NaN)).toThrow(RangeError);
  });
});

describe('IdleLock polling (fake clock)', () => {
  it('polls on its interval and locks within one poll of the timeout', () => {
    vi.useFakeTimers();
    const r = rig(120, 10_000);
    r.lock.start();
    // Idle time grows with the clock, as the OS reports it.
    for (let t = 0; t < 200; t += 10) {
      r.setIdle(t);
      vi.advanceTimersByTime(10_000);
    }
    expect(r.locks).toEqual([120]);
    r.lock.stop();
    expect(r.lock.running).toBe(false);
    r.setIdle(0);
    vi.advanceTimersByTime(10_000);
    r.setIdle(999);
    vi.advanceTimersByTime(60_000);
    expect(r.locks).toHaveLength(1); // stopped: no polls, no lock
  });

  it('derives the poll interval from the timeout, between 1 s and 15 s', () => {
    vi.useFakeTimers();
    const r = rig(8); // a quarter is 2 s
    r.lock.start();
    r.setIdle(8);
    vi.advanceTimersByTime(1_999);
    expect(r.locks).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(r.locks).toHaveLength(1);

    const long = rig(3600);
    long.lock.start();
    long.setIdle(3600);
    vi.advanceTimersByTime(14_999);
    expect(long.locks).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(long.locks).toHaveLength(1);
  });

  it('a new timeout applies to the running poller, and 0 stops it', () => {
    vi.useFakeTimers();
    const r = rig(600, 1_000);
    r.lock.start();
    r.setIdle(100);
    vi.advanceTimersByTime(5_000);
    expect(r.locks).toHaveLength(0);
    r.lock.setTimeoutSeconds(90);
    vi.advanceTimersByTime(1_000);
    expect(r.locks).toEqual([100]);
    r.lock.setTimeoutSeconds(0);
    expect(r.lock.running).toBe(false);
    r.lock.setTimeoutSeconds(30);
    expect(r.lock.running).toBe(true);
  });
});

describe('idleTimeoutFrom', () => {
  it('reads whole seconds, 0 for off, and falls back on anything else', () => {
    expect(idleTimeoutFrom('90')).toBe(90);
    expect(idleTimeoutFrom(' 0 ')).toBe(0);
    expect(idleTimeoutFrom(undefined)).toBe(DEFAULT_IDLE_LOCK_SECONDS);
    for (const bad of ['', '-5', '1.5', 'off', '1e3', '99999999']) expect(idleTimeoutFrom(bad)).toBe(DEFAULT_IDLE_LOCK_SECONDS);
    expect(idleTimeoutFrom('junk', 42)).toBe(42);
  });
});
