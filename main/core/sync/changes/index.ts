/** Vault-level change machinery for sync (issue 12): pure and synchronous, no crypto, storage or timers. */
export type { ApplyResult, FieldChange, Hlc, RowChange, SyncValue } from './types';
export { HybridClock, MAX_CLOCK_DRIFT_MS, deviceOfHlc, isHlc, msOfHlc } from './hlc';
export { captureChanges } from './capture';
export { applyRemoteChanges } from './apply';
export { countDeletions, snapshotChanges, syncedContentDigest, syncedContentDump } from './snapshot';
export { countConflicts, listConflicts, resolveConflict, type ConflictEntry, type ConflictReason } from './conflicts';
export { NOT_SYNCED, SYNCED_TABLES, type TableSpec } from './tables';
