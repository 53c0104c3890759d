import { powerMonitor } from 'electron';
import { IdleLock, ScreenLockWatch, startWindowIdleLock } from '../ipc/autoLock';
import type { Router } from '../ipc/router';

const SCREEN_LOCK_POLL_MS = 5_000;

/**
 * Auto-lock: OS screen lock and suspend lock every session at once; so does the machine being
 * idle for the timeout (the OS idle time, since on a shared computer nobody at it is the point);
 * and each window locks on its own when its person has not used it for the timeout, so one
 * person working keeps nobody else's window open.
 */
export function installAutoLock(router: Router, idleTimeoutSeconds: number): IdleLock {
  const lockForSystem = () => router.lockAll('system');
  powerMonitor.on('lock-screen', lockForSystem);
  powerMonitor.on('suspend', () => router.suspend()); // also ends background sessions
  // Linux emits no lock-screen event; its idle state says 'locked' where the desktop reports it.
  const screen = new ScreenLockWatch(() => powerMonitor.getSystemIdleState(1) === 'locked', lockForSystem);
  setInterval(() => screen.check(), SCREEN_LOCK_POLL_MS).unref();
  startWindowIdleLock(router, idleTimeoutSeconds);
  const idle = new IdleLock({
    getIdleSeconds: () => powerMonitor.getSystemIdleTime(),
    timeoutSeconds: idleTimeoutSeconds,
    lock: () => router.lockAll('idle'),
  });
  idle.start();
  return idle;
}
