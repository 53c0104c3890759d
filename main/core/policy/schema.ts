/**
 * Machine policy: every setting IT can fix for the whole computer, in one list. Each entry has
 * a name, a description and a default; the zod schema, the JSON schema for the Linux file, the
 * ADMX/ADML pair and the .mobileconfig template are all generated from this list.
 *
 * Policies are floors and ceilings: a person's own setting may be stricter, never looser. The
 * defaults are Cubby's own behaviour, so a machine without policy works as before.
 */
import { z } from 'zod';

export const PROVIDER_KINDS = ['openai-compatible', 'anthropic'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const SYNC_TARGET_KINDS = ['folder', 's3', 'webdav'] as const;
export type SyncTargetKindName = (typeof SYNC_TARGET_KINDS)[number];

export const UPDATE_MODES = ['off', 'notify', 'automatic'] as const;

/** How a policy limits people: a floor (at least), a ceiling (at most), an allowlist, or a switch. */
export type PolicyBound = 'floor' | 'ceiling' | 'allowlist' | 'switch' | 'value';

export type PolicyType =
  | { type: 'integer'; min: number; max: number; unit: string }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'enumList'; values: readonly string[] }
  | { type: 'urlList' }
  | { type: 'publicKey' };

export type PolicyDef = PolicyType & {
  readonly title: string;
  readonly description: string;
  readonly category: 'Passwords and encryption' | 'Locking' | 'Providers and tools' | 'Sync and updates';
  readonly bound: PolicyBound;
};

const PEM_PUBLIC_KEY = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\r?\n?$/;

/** The policies, in the order IT sees them. Keys are also the registry value and plist key names. */
export const POLICY_DEFS = {
  minPasswordLength: {
    title: 'Minimum password length',
    description: 'The fewest characters a Cubby password may have. Cubby never accepts fewer than 10.',
    category: 'Passwords and encryption',
    bound: 'floor',
    type: 'integer',
    min: 10,
    max: 128,
    unit: 'characters',
  },
  argon2idMemoryMiB: {
    title: 'Argon2id memory floor',
    description: 'The least memory (MiB) Argon2id may use when a password is set. Existing passwords keep their cost until changed.',
    category: 'Passwords and encryption',
    bound: 'floor',
    type: 'integer',
    min: 64,
    max: 4096,
    unit: 'MiB',
  },
  argon2idIterations: {
    title: 'Argon2id iterations floor',
    description: 'The fewest Argon2id passes when a password is set. Existing passwords keep their cost until changed.',
    category: 'Passwords and encryption',
    bound: 'floor',
    type: 'integer',
    min: 3,
    max: 64,
    unit: 'passes',
  },
  argon2idParallelism: {
    title: 'Argon2id parallelism floor',
    description: 'The fewest Argon2id lanes when a password is set. Existing passwords keep their cost until changed.',
    category: 'Passwords and encryption',
    bound: 'floor',
    type: 'integer',
    min: 4,
    max: 16,
    unit: 'lanes',
  },
  maxIdleMinutes: {
    title: 'Maximum idle time before locking',
    description: 'Cubby locks a window nobody has used for this many minutes. People may choose a shorter time, not a longer one.',
    category: 'Locking',
    bound: 'ceiling',
    type: 'integer',
    min: 1,
    max: 1440,
    unit: 'minutes',
  },
  allowedProviderKinds: {
    title: 'Allowed model provider kinds',
    description: 'The kinds of model provider Cubby may connect to.',
    category: 'Providers and tools',
    bound: 'allowlist',
    type: 'enumList',
    values: PROVIDER_KINDS,
  },
  allowedProviderBaseUrls: {
    title: 'Allowed provider addresses',
    description:
      'If set, Cubby connects only to providers whose base URL starts with one of these (same scheme, host and port; the path at a / boundary). Not set: any address.',
    category: 'Providers and tools',
    bound: 'allowlist',
    type: 'urlList',
  },
  allowOwnProviders: {
    title: 'Let people add their own providers',
    description: 'When off, people use only the providers an administrator shares.',
    category: 'Providers and tools',
    bound: 'switch',
    type: 'boolean',
  },
  allowOwnToolServers: {
    title: 'Let people add their own tool servers',
    description: 'When off, people use only the tool servers an administrator shares.',
    category: 'Providers and tools',
    bound: 'switch',
    type: 'boolean',
  },
  allowWorkflowsWhileLocked: {
    title: 'Let workflows run while locked',
    description: "When off, a person's workflows stop when their window locks.",
    category: 'Locking',
    bound: 'switch',
    type: 'boolean',
  },
  allowSync: {
    title: 'Allow sync',
    description: 'When off, nobody can turn on sync to other devices.',
    category: 'Sync and updates',
    bound: 'switch',
    type: 'boolean',
  },
  allowedSyncTargets: {
    title: 'Allowed sync targets',
    description: 'The kinds of storage people may sync their vault to: a folder, an S3-compatible bucket, a WebDAV server.',
    category: 'Sync and updates',
    bound: 'allowlist',
    type: 'enumList',
    values: SYNC_TARGET_KINDS,
  },
  recoveryEscrowPublicKey: {
    title: 'Recovery escrow public key',
    description:
      "An administrator's public key (PEM, SPKI) that new vault keys are sealed to, so an administrator can restore access. Not set: no escrow.",
    category: 'Passwords and encryption',
    bound: 'value',
    type: 'publicKey',
  },
  updateMode: {
    title: 'Updates',
    description: 'Whether Cubby checks for updates: off (IT deploys them), notify, or automatic.',
    category: 'Sync and updates',
    bound: 'value',
    type: 'enum',
    values: UPDATE_MODES,
  },
} as const satisfies Record<string, PolicyDef>;

export type PolicyKey = keyof typeof POLICY_DEFS;
export const POLICY_KEYS = Object.keys(POLICY_DEFS) as PolicyKey[];

export function isPolicyKey(key: string): key is PolicyKey {
  return Object.hasOwn(POLICY_DEFS, key);
}

/** A URL an allowlist entry may name: http or https, no credentials, no query or fragment. */
const AllowlistUrl = z.url({ protocol: /^https?$/ }).refine((u) => {
  const url = new URL(u);
  return !url.username && !url.password && !url.search && !url.hash;
}, 'An allowed address is an http(s) URL without credentials, query or fragment.');

const key = <T extends z.ZodType>(k: PolicyKey, schema: T) =>
  schema.meta({ title: POLICY_DEFS[k].title, description: POLICY_DEFS[k].description });

function int(k: 'minPasswordLength' | 'argon2idMemoryMiB' | 'argon2idIterations' | 'argon2idParallelism' | 'maxIdleMinutes', def: number) {
  const d = POLICY_DEFS[k];
  return key(k, z.int().min(d.min).max(d.max).default(def));
}

/** The policy as a whole, with its defaults. Unknown keys are refused: a typo must not loosen anything. */
export const MachinePolicySchema = z.strictObject({
  $schema: z.string().optional().meta({ description: 'Where an editor finds this schema; ignored by Cubby.' }),
  minPasswordLength: int('minPasswordLength', 10),
  argon2idMemoryMiB: int('argon2idMemoryMiB', 64),
  argon2idIterations: int('argon2idIterations', 3),
  argon2idParallelism: int('argon2idParallelism', 4),
  maxIdleMinutes: int('maxIdleMinutes', 15),
  allowedProviderKinds: key('allowedProviderKinds', z.array(z.enum(PROVIDER_KINDS)).max(PROVIDER_KINDS.length).default([...PROVIDER_KINDS])),
  allowedProviderBaseUrls: key('allowedProviderBaseUrls', z.array(AllowlistUrl).max(256).nullable().default(null)),
  allowOwnProviders: key('allowOwnProviders', z.boolean().default(true)),
  allowOwnToolServers: key('allowOwnToolServers', z.boolean().default(true)),
  allowWorkflowsWhileLocked: key('allowWorkflowsWhileLocked', z.boolean().default(true)),
  allowSync: key('allowSync', z.boolean().default(true)),
  allowedSyncTargets: key('allowedSyncTargets', z.array(z.enum(SYNC_TARGET_KINDS)).max(SYNC_TARGET_KINDS.length).default([...SYNC_TARGET_KINDS])),
  recoveryEscrowPublicKey: key('recoveryEscrowPublicKey', z.string().max(16_384).regex(PEM_PUBLIC_KEY).nullable().default(null)),
  updateMode: key('updateMode', z.enum(UPDATE_MODES).default('off')),
});

export type MachinePolicy = Omit<z.output<typeof MachinePolicySchema>, '$schema'>;

export const DEFAULT_MACHINE_POLICY: MachinePolicy = (() => {
  const { $schema: _ignored, ...values } = MachinePolicySchema.parse({});
  return values;
})();

/** The JSON schema for /etc/cubby/policy.json (every key optional; unset keys keep their defaults). */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(MachinePolicySchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://cubby.app/schemas/policy.json',
    title: 'Cubby machine policy',
    description: 'Floors and ceilings for every Cubby user on this computer. Root-owned, not writable by group or others.',
  };
}
