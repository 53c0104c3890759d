import { execFileSync } from 'node:child_process';
import { readAdminOnlyObject, type OwnerCheckOptions } from './linuxFile';
import { POLICY_KEYS } from './schema';
import type { MachinePolicySource, PolicyReading } from './source';

export const MAC_BUNDLE_ID = 'app.cubby.desktop';
/** Forced preferences an MDM profile installs for the whole computer (not per OS user). */
export const MAC_MANAGED_PREFS = `/Library/Managed Preferences/${MAC_BUNDLE_ID}.plist`;

/** Converts a property list file to JSON text; `plutil` on macOS, a fake in tests. */
export type PlistToJson = (path: string) => string;

export const plutilToJson: PlistToJson = (path) =>
  execFileSync('/usr/bin/plutil', ['-convert', 'json', '-o', '-', '--', path], { encoding: 'utf8', maxBuffer: 1024 * 1024 });

/**
 * Forced managed preferences. Only the policy keys are read: a profile also carries its own
 * bookkeeping keys, which are reported as ignored rather than refused.
 */
export function macManagedPreferences(
  path = MAC_MANAGED_PREFS,
  toJson: PlistToJson = plutilToJson,
  opts: OwnerCheckOptions = {},
): MachinePolicySource {
  return {
    kind: 'managed-preferences',
    location: path,
    read(): PolicyReading {
      // The managed preferences directory is root's; anything else there was not put by MDM.
      const read = readAdminOnlyObject(path, opts, () => toJson(path), {
        notParsed: 'it cannot be read as a property list of policy values',
        notObject: 'it is not a dictionary',
      });
      if (read.status !== 'object') return read;
      const all = read.value;
      const known = new Set<string>(POLICY_KEYS);
      const values = Object.fromEntries(Object.entries(all).filter(([k]) => known.has(k)));
      return { status: 'found', values, ignored: Object.keys(all).filter((k) => !known.has(k)) };
    },
  };
}
