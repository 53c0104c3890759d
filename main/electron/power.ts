import { powerMonitor } from 'electron';
import { IdleLock } from '../ipc/autoLock';
import type { Router } from '../ipc/router';

/**
 * Auto-lock: OS screen lock and suspend lock every session at once; so does the machine being
 * idle for the timeout (the OS idle time, since on a shared computer nobody at it is the point).
 */
export function installAutoLock(router: Router, idleTimeoutSeconds: number): IdleLock {
  const lockForSystem = () => router.lockAll('system');
  powerMonitor.on('lock-screen', lockForSystem);
  powerMonitor.on('suspend', lockForSystem);
  const idle = new IdleLock({
    getIdleSeconds: () => powerMonitor.getSystemIdleTime(),
    timeoutSeconds: idleTimeoutSeconds,
    lock: () => router.lockAll('idle'),
  });
  idle.start();
  return idle;
}
