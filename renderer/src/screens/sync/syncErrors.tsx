import type { BridgeCallError } from '../../bridge';
import type { ErrorCode } from '../../bridge/types';
import { ErrorAlert } from '../../components/ErrorAlert';

/** What to try next after a sync failure, by its code (main's message says what happened). */
export const SYNC_NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  SYNC_AUTH_FAILED: 'Check the access key and secret (or user name and password), and that they may read and write this bucket or folder.',
  SYNC_UNREACHABLE: 'Check the address and your network connection; Cubby tries again by itself.',
  SYNC_STORAGE_ERROR: 'Check that the bucket or folder exists and that the address points at it.',
  SYNC_OBJECT_REJECTED: 'Nothing of it was applied. If it keeps happening, someone may be changing your storage: check who has access to it.',
  SYNC_NOT_SET_UP: 'Set up sync again, or join from a computer that still syncs.',
  SYNC_PAIRING_FAILED: 'Start again: ask to join from the new computer, then approve it on one that already syncs.',
  NOT_SUPPORTED: '',
};

/** A failed sync action: main's message, and the next step for its code. */
export function SyncErrorAlert({ error }: { error: BridgeCallError | null }) {
  const next = error ? SYNC_NEXT_STEP[error.code] : undefined;
  return <ErrorAlert error={error}>{next ? <p className="hint">{next}</p> : null}</ErrorAlert>;
}
