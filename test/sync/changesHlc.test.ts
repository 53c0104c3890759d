/** Hybrid logical clocks for sync (issue 12). */
import { describe, expect, test } from 'vitest';
import { HybridClock, MAX_CLOCK_DRIFT_MS, deviceOfHlc, isHlc, msOfHlc } from '../../main/core/sync/changes';

const A = '00000000000000aa';
const B = '00000000000000bb';

describe('HybridClock', () => {
  test('clocks have the documented format, carry the device and the wall time, and sort by time', () => {
    let now = 1_800_000_000_000;
    const clock = new HybridClock(A, () => now);
    const first = clock.tick();
    expect(first).toMatch(/^[0-9a-z]{11}\.[0-9a-z]{4}\.[0-9a-f]{16}$/);
    expect(isHlc(first)).toBe(true);
    expect(deviceOfHlc(first)).toBe(A);
    expect(msOfHlc(first)).toBe(now);
    now += 1;
    expect(clock.tick() > first).toBe(true);
  });

  test('never goes backwards: the same millisecond counts on, a clock set back keeps counting from the highest time', () => {
    let now = 1_800_000_000_000;
    const clock = new HybridClock(A, () => now);
    const seen = [clock.tick(), clock.tick()];
    now -= 3_600_000; // the computer's clock jumps back an hour
    seen.push(clock.tick(), clock.tick());
    now += 3_600_000 + 5;
    seen.push(clock.tick());
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect(msOfHlc(seen[2]!)).toBe(1_800_000_000_000);
    expect(msOfHlc(seen[4]!)).toBe(1_800_000_000_005);
  });

  test('a full counter borrows the next millisecond rather than wrapping', () => {
    const clock = new HybridClock(A, () => 1_800_000_000_000);
    clock.observe(`${(1_800_000_000_000).toString(36).padStart(11, '0')}.zzzz.${B}`);
    const next = clock.tick();
    expect(msOfHlc(next)).toBe(1_800_000_000_001);
    expect(next.slice(12, 16)).toBe('0000');
  });

  test('after observing another device’s clock (even ahead of ours), every tick sorts after it', () => {
    const now = 1_800_000_000_000;
    const a = new HybridClock(A, () => now);
    const b = new HybridClock(B, () => now + 60_000); // b's computer runs a minute fast
    const remote = b.tick();
    a.observe(remote);
    const mine = a.tick();
    expect(mine > remote).toBe(true);
    expect(deviceOfHlc(mine)).toBe(A);
  });

  test('a clock more than a day ahead is refused and leaves this clock as it was', () => {
    const now = 1_800_000_000_000;
    const a = new HybridClock(A, () => now);
    const before = a.tick();
    const far = new HybridClock(B, () => now + MAX_CLOCK_DRIFT_MS + 60_000).tick();
    expect(() => a.observe(far)).toThrow(expect.objectContaining({ code: 'SYNC_OBJECT_REJECTED', message: expect.stringMatching(/date and time/) }));
    expect(msOfHlc(a.tick())).toBe(msOfHlc(before));
    // Just under a day ahead is accepted.
    a.observe(new HybridClock(B, () => now + MAX_CLOCK_DRIFT_MS - 60_000).tick());
    expect(msOfHlc(a.tick())).toBe(now + MAX_CLOCK_DRIFT_MS - 60_000);
  });

  test('malformed clocks and device ids are refused', () => {
    const a = new HybridClock(A, () => 1);
    for (const bad of ['', 'x', '0000000000.0000.00000000000000aa', '00000000000.0000.00000000000000AA', `00000000000.0000.${A}x`]) {
      expect(() => a.observe(bad)).toThrow(expect.objectContaining({ code: 'SYNC_OBJECT_REJECTED' }));
    }
    expect(() => new HybridClock('not-hex')).toThrow();
  });
});
