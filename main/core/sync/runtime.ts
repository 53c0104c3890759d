/**
 * One per app: each open session's SyncService, made on first use (a window binding to the
 * session starts it) and gone with the session. A session's service reads and writes only that
 * session's vault and storage target.
 */
import type { Accounts } from '../accounts/accounts';
import type { Session } from '../accounts/session';
import { parseRecoveryKey } from '../keys/recoveryKey';
import type { EffectivePolicy } from '../policy/effective';
import { requirePolicy } from '../policy/enforce';
import type { SyncRuntime, SyncService, SyncTargetInput } from './api';
import { SessionSync } from './service';
import { openStorage, requireSyncTargetAllowed, targetLabel } from './storage';
import type { SyncStorage } from './storage/types';

export interface SyncRuntimeOptions {
  /** How often a round runs (ms). Default 30 s; tests use less. */
  intervalMs?: number;
  openStorage?: (target: SyncTargetInput) => SyncStorage;
  /** Own segments between snapshots (tests: a few, to see compaction). */
  snapshotEvery?: number;
  /** How long compaction waits for a device that is away (tests: none). */
  compactionGraceMs?: number;
  now?: () => number;
}

export function createSyncRuntime(accounts: Accounts, policy: EffectivePolicy, opts: SyncRuntimeOptions = {}): SyncRuntime & { stopAll(): void } {
  const services = new Map<Session, SessionSync>();
  // One person may have two sessions open (a background one and a window's): their rounds take turns.
  const turns = new Map<string, Promise<unknown>>();
  const exclusive = (userId: string) => <T>(fn: () => Promise<T>): Promise<T> => {
    const run = (turns.get(userId) ?? Promise.resolve()).catch(() => undefined).then(fn);
    turns.set(userId, run);
    void run.finally(() => turns.get(userId) === run && turns.delete(userId)).catch(() => undefined);
    return run;
  };
  return {
    forSession(session: Session): SyncService {
      let s = services.get(session);
      if (!s) {
        s = new SessionSync(session, {
          openStorage: opts.openStorage ?? ((t) => openStorage(t)),
          recoverySecret: (sess, text, mustMatch) => (mustMatch ? accounts.checkRecoveryKey(sess, text) : parseRecoveryKey(text)),
          checkPolicy: (target) => {
            requirePolicy(policy.values, 'allowSync');
            if (target) requireSyncTargetAllowed(policy.values, target);
          },
          targetLabel,
          intervalMs: opts.intervalMs ?? 30_000,
          snapshotEvery: opts.snapshotEvery,
          compactionGraceMs: opts.compactionGraceMs,
          now: opts.now,
          exclusive: exclusive(session.user.id),
        });
        services.set(session, s);
        session.onClose(() => services.delete(session));
      }
      return s;
    },
    stopAll() {
      for (const s of services.values()) s.close();
      services.clear();
    },
  };
}
