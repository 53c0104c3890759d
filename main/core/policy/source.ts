/**
 * Where a machine policy comes from. Every source reads only a place an OS administrator alone
 * can write; each platform has one (Linux: a root-owned file, Windows: HKLM, macOS: forced
 * managed preferences). A source never interprets values beyond their type; effective.ts does.
 */
export type PolicySourceKind = 'file' | 'registry' | 'managed-preferences';

export type PolicyReading =
  /** Nothing there: every policy keeps its default. */
  | { status: 'absent' }
  /** Something there that an administrator alone could not have written: ignored. */
  | { status: 'refused'; reason: string }
  /** An administrator's policy that cannot be read as one: Cubby will not run looser than meant. */
  | { status: 'invalid'; reason: string }
  /** Raw values keyed by policy name, before validation. */
  | { status: 'found'; values: Record<string, unknown>; ignored: string[] };

export interface MachinePolicySource {
  readonly kind: PolicySourceKind;
  /** Shown by `cubby policy show` and in log lines: a fixed, well-known place, never user data. */
  readonly location: string;
  read(): PolicyReading;
}

/** Where each effective value came from. */
export type PolicyOrigin = { kind: 'default' } | { kind: PolicySourceKind; location: string };

/** A source with nothing in it, for callers that want Cubby's defaults (and for tests). */
export const NO_POLICY_SOURCE: MachinePolicySource = {
  kind: 'file',
  location: '(none)',
  read: () => ({ status: 'absent' }),
};
