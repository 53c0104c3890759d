import { useState } from 'react';
import { asBridgeError, type BridgeCallError } from '../bridge';

/**
 * The busy flag and the error of one panel, and `run`, which does an action with them: busy while
 * it runs, its error shown, then `after` (reload what the panel shows). Answers whether it worked.
 */
export function useBusyAction(after: () => Promise<unknown> | void = () => undefined) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeCallError | null>(null);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await after();
      return true;
    } catch (e) {
      setError(asBridgeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
