import { create } from 'zustand';
import { api } from '../bridge';
import type { PolicyView } from '../bridge/types';

/**
 * The machine policy as main reports it (policy.get): the same for everyone at this computer,
 * so it survives lock and sign-out. Main enforces it; this only lets the UI say so.
 */
interface PolicyState {
  policy: PolicyView | null;
}

export const usePolicyStore = create<PolicyState>()(() => ({ policy: null }));

let loading: Promise<void> | null = null;

export function loadPolicy(): Promise<void> {
  loading ??= api('policy.get', {})
    .then((policy) => usePolicyStore.setState({ policy }))
    .catch(() => {
      loading = null; // try again next time; until then the UI shows Cubby's own defaults
    });
  return loading;
}

/** The minimum password length in force (Cubby's own 10 until main has answered). */
export function useMinPasswordLength(): { value: number; setByOrganization: boolean } {
  return usePolicyStore((s) => s.policy?.minPasswordLength) ?? { value: 10, setByOrganization: false };
}
