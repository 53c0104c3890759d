/**
 * Counts the ends of sessions in this window (lock, sign-out, main's session.locked). A load
 * that was asked for before a lock may still be answered after it; the loaders compare the
 * count from before their call with the count after, and drop a stale answer instead of
 * filling the stores again with the person's data.
 */
let sessionEnds = 0;

export function endSessionEpoch(): void {
  sessionEnds++;
}

/** Call before an await; the returned check says whether the session is still the same one. */
export function sameSession(): () => boolean {
  const started = sessionEnds;
  return () => started === sessionEnds;
}
