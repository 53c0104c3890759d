import { createRequire } from 'node:module';
import { POLICY_DEFS, POLICY_KEYS, type PolicyKey } from './schema';
import type { MachinePolicySource, PolicyReading } from './source';

/** Group Policy writes here (HKLM only: HKCU is writable by the signed-in OS user). */
export const REGISTRY_KEY = 'Software\\Policies\\Cubby';
export const REGISTRY_LOCATION = `HKLM\\${REGISTRY_KEY}`;

export type RegistryValue =
  | { type: 'dword' | 'qword'; value: number }
  | { type: 'sz'; value: string }
  | { type: 'multi_sz'; value: string[] }
  | { type: 'other' };

/** The part of the registry the source needs; native-reg on Windows, a fake in tests. */
export interface RegistryReader {
  /** The values of HKLM\<subKey> by name, or null when the key does not exist. */
  values(subKey: string): Map<string, RegistryValue> | null;
}

type Mapped = { ok: true; value: unknown } | { ok: false };

function listFrom(reg: RegistryReader, name: string, own: RegistryValue | undefined): Mapped | null {
  // The ADMX list element writes a subkey of numbered REG_SZ values; a REG_MULTI_SZ also works.
  if (own?.type === 'multi_sz') return { ok: true, value: own.value.filter((s) => s.length > 0) };
  if (own) return { ok: false };
  const sub = reg.values(`${REGISTRY_KEY}\\${name}`);
  if (!sub) return null;
  const items: string[] = [];
  for (const name of [...sub.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) {
    const v = sub.get(name)!;
    if (v.type !== 'sz') return { ok: false };
    items.push(v.value);
  }
  return { ok: true, value: items };
}

/** One registry value as the JSON value the schema expects; null when it is not set. */
export function mapRegistryValue(reg: RegistryReader, key: PolicyKey, own: RegistryValue | undefined): Mapped | null {
  const def = POLICY_DEFS[key];
  switch (def.type) {
    case 'integer':
      if (!own) return null;
      return own.type === 'dword' || own.type === 'qword' ? { ok: true, value: own.value } : { ok: false };
    case 'boolean':
      if (!own) return null;
      if (own.type !== 'dword' || (own.value !== 0 && own.value !== 1)) return { ok: false };
      return { ok: true, value: own.value === 1 };
    case 'enum':
      if (!own) return null;
      return own.type === 'sz' ? { ok: true, value: own.value } : { ok: false };
    case 'publicKey':
      if (!own) return null;
      // The ADMX multiText element stores one line per string.
      if (own.type === 'multi_sz') return { ok: true, value: `${own.value.filter((l) => l.length > 0).join('\n')}\n` };
      return own.type === 'sz' ? { ok: true, value: own.value } : { ok: false };
    case 'enumList':
    case 'urlList':
      return listFrom(reg, key, own);
  }
}

/** HKLM\Software\Policies\Cubby: one value (or list subkey) per policy, named as in the JSON file. */
export function windowsRegistryPolicy(reg: RegistryReader): MachinePolicySource {
  return {
    kind: 'registry',
    location: REGISTRY_LOCATION,
    read(): PolicyReading {
      let own: Map<string, RegistryValue> | null;
      try {
        own = reg.values(REGISTRY_KEY);
      } catch {
        return { status: 'invalid', reason: 'the policy key cannot be read' };
      }
      const values: Record<string, unknown> = {};
      let any = own !== null;
      for (const key of POLICY_KEYS) {
        let mapped: Mapped | null;
        try {
          mapped = mapRegistryValue(reg, key, own?.get(key));
        } catch {
          return { status: 'invalid', reason: `${key} cannot be read` };
        }
        if (mapped === null) continue;
        any = true;
        if (!mapped.ok) return { status: 'invalid', reason: `${key} has the wrong registry type` };
        values[key] = mapped.value;
      }
      if (!any) return { status: 'absent' };
      const known = new Set<string>(POLICY_KEYS);
      const ignored = [...(own?.keys() ?? [])].filter((n) => !known.has(n));
      return { status: 'found', values, ignored };
    },
  };
}

/** The real registry through native-reg, loaded only on Windows (an optional dependency). */
export function nativeRegistryReader(): RegistryReader {
  const reg = createRequire(import.meta.url)('native-reg') as typeof import('native-reg');
  return {
    values(subKey) {
      const key = reg.openKey(reg.HKLM, subKey, reg.Access.READ | reg.Access.WOW64_64KEY);
      if (!key) return null;
      try {
        const out = new Map<string, RegistryValue>();
        for (const name of reg.enumValueNames(key)) {
          const raw = reg.queryValueRaw(key, name);
          const parsed = reg.parseValue(raw);
          switch (raw?.type) {
            case reg.ValueType.DWORD:
            case reg.ValueType.QWORD:
              out.set(name, { type: raw.type === reg.ValueType.DWORD ? 'dword' : 'qword', value: Number(parsed) });
              break;
            case reg.ValueType.SZ:
            case reg.ValueType.EXPAND_SZ:
              out.set(name, { type: 'sz', value: String(parsed) });
              break;
            case reg.ValueType.MULTI_SZ:
              out.set(name, { type: 'multi_sz', value: parsed as string[] });
              break;
            default:
              out.set(name, { type: 'other' });
          }
        }
        return out;
      } finally {
        reg.closeKey(key);
      }
    },
  };
}
