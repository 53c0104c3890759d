import { expect, test } from 'vitest';
import { ScreenLockWatch } from '../../main/ipc/autoLock';

/** Linux screen locks, seen by polling the idle state: one lock per time the screen locks. */
test('locks once each time the screen turns locked, and a failing probe neither throws nor locks', () => {
  const states: (boolean | Error)[] = [false, true, true, false, new Error('no display'), true, true];
  let locks = 0;
  const watch = new ScreenLockWatch(
    () => {
      const next = states.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
    () => locks++,
  );
  const seen: number[] = [];
  while (states.length > 0) {
    expect(() => watch.check()).not.toThrow();
    seen.push(locks);
  }
  expect(seen).toEqual([0, 1, 1, 1, 1, 2, 2]);
});
