/**
 * Sync test worlds: whole Cubby installs (their own data directory, catalog and vault, the real
 * keychain) whose person turns sync on against a storage the test picks and can tamper with.
 */
import type { Accounts } from '../../main/core/accounts/accounts';
import type { Session } from '../../main/core/accounts/session';
import { vaultOf } from '../../main/core/accounts/session';
import { defaultPolicy } from '../../main/core/policy/effective';
import type { SyncService, SyncTargetInput } from '../../main/core/sync/api';
import { createSyncRuntime } from '../../main/core/sync/runtime';
import type { SyncStorage } from '../../main/core/sync/storage/types';
import { syncedContentDigest } from '../../main/core/sync/changes';
import { ADMIN, openAccounts, removeDir, tempDataDir } from '../helpers/env';

export interface Install {
  dir: string;
  accounts: Accounts;
  session: Session;
  recoveryKey: string;
  sync: SyncService;
  digest(): string;
  close(): Promise<void>;
}

export const FOLDER_TARGET = (path: string): SyncTargetInput => ({ kind: 'folder', path });

/** A fresh install where Ada set up her account; its sync talks to `storage` (or the real backend of the target). */
export async function newInstall(storage?: () => SyncStorage, person = ADMIN, extra: { snapshotEvery?: number; compactionGraceMs?: number } = {}): Promise<Install> {
  const dir = tempDataDir('cubby-sync-');
  const accounts = await openAccounts(dir);
  const { session, recoveryKey } = await accounts.setup(person);
  const runtime = createSyncRuntime(accounts, defaultPolicy(), { intervalMs: 3_600_000, ...extra, ...(storage ? { openStorage: storage } : {}) });
  return {
    dir,
    accounts,
    session,
    recoveryKey,
    sync: runtime.forSession(session),
    digest: () => syncedContentDigest(vaultOf(session)),
    async close() {
      runtime.stopAll();
      session.close();
      accounts.close();
      removeDir(dir);
    },
  };
}

/** Pair `joiner` to `owner`'s sync on the same target, comparing the codes as a person would. */
export async function pair(owner: Install, joiner: Install, target: SyncTargetInput, deviceName = 'Laptop'): Promise<string> {
  await joiner.sync.join({ target, deviceName });
  await owner.sync.syncNow(); // answers the request
  await joiner.sync.syncNow(); // reveals: the joiner's code appears
  await owner.sync.syncNow(); // checks the reveal: the request with its code appears
  const code = joiner.sync.status().joinCode;
  const request = owner.sync.status().pairRequests.find((r) => r.deviceName === deviceName);
  if (!code || !request || request.code !== code) throw new Error(`codes differ: ${code} vs ${request?.code}`);
  await owner.sync.approvePairing(request.id);
  await joiner.sync.syncNow(); // takes the grant and does its first sync
  return code;
}

/** Everyone syncs until nothing changes (two rounds each is enough for two devices). */
export async function settle(...installs: Install[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const i of installs) await i.sync.syncNow();
}

export { removeDir };
