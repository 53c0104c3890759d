import { randomUUID } from 'node:crypto';
import { session, type Session } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { hardenSession } from './hardening';
import { serveRenderer } from './protocol';

/**
 * A fresh in-memory session for one window (no "persist:" prefix, a name never reused), so no
 * cookie, cache or storage outlives the window or crosses to another person's window.
 */
export function createWindowSession(rendererDir: string): Session {
  const ses = session.fromPartition(`cubby-window-${randomUUID()}`, { cache: false });
  hardenSession(ses);
  serveRenderer(ses, rendererDir);
  return ses;
}

/**
 * In-memory partitions live as long as the app: once the window is gone, drop what the
 * renderer stored and stop serving the renderer in that partition.
 */
export async function disposeWindowSession(ses: Session): Promise<void> {
  try {
    ses.protocol.unhandle(APP_SCHEME);
    await ses.clearStorageData();
    await ses.clearCache();
  } catch {
    // The app may be quitting; an in-memory partition dies with the process anyway.
  }
}
