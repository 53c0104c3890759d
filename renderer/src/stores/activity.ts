import { bridge } from '../bridge';
import { useAppStore } from './appStore';

/** At most one ping per this long: idle timeouts are minutes, and a ping is one cheap call. */
const PING_EVERY_MS = 15_000;
const INPUT_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

let lastPing = 0;

/**
 * Tell main the person is using this window, so its per-window idle lock does not fire while
 * they read or type without calling anything. Only a signed-in window has anything to keep open.
 */
export function reportActivity(now = Date.now()): void {
  if (useAppStore.getState().phase !== 'workspace' || now - lastPing < PING_EVERY_MS) return;
  lastPing = now;
  void bridge.call('session.activity', {});
}

export function watchActivity(target: EventTarget): void {
  for (const type of INPUT_EVENTS) target.addEventListener(type, () => reportActivity(), { capture: true, passive: true });
}
