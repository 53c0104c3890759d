/**
 * Access levels on a shared agent and what each allows: the one table every check reads.
 *
 *   view   name and description only
 *   use    chat with it and run it, never its instructions, parameters or credential
 *   edit   change the definition; the credential is write-only
 *   share  grant or revoke view and use
 *   manage any grant up to manage, delete, transfer, quotas, the access log
 *
 * The owner and every administrator have manage.
 */
export const ACCESS_LEVELS = ['view', 'use', 'edit', 'share', 'manage'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Stored as 1..5 so the effective level is a MAX over grants. */
export const levelRank = (level: AccessLevel): number => ACCESS_LEVELS.indexOf(level) + 1;
export const levelOfRank = (rank: number): AccessLevel | null => ACCESS_LEVELS[rank - 1] ?? null;

export const atLeast = (have: AccessLevel | null, need: AccessLevel): boolean => have !== null && levelRank(have) >= levelRank(need);

export const SHARED_AGENT_ACTIONS = [
  'see',
  'readDefinition',
  'chat',
  'edit',
  'replaceCredential',
  'listGrants',
  'revoke',
  'delete',
  'transfer',
  'setQuota',
  'readAccessLog',
] as const;
export type SharedAgentAction = (typeof SHARED_AGENT_ACTIONS)[number];

/** The lowest level that may take each action (granting is levelToGrant below). */
export const ACTION_NEEDS: Record<SharedAgentAction, AccessLevel> = {
  see: 'view',
  readDefinition: 'edit',
  chat: 'use',
  edit: 'edit',
  replaceCredential: 'edit',
  listGrants: 'share',
  revoke: 'share',
  delete: 'manage',
  transfer: 'manage',
  setQuota: 'manage',
  readAccessLog: 'manage',
};

/** The highest level a person at `have` may grant or revoke: share hands out view and use. */
export function highestGrantable(have: AccessLevel | null): AccessLevel | null {
  if (have === 'manage') return 'manage';
  if (have === 'share') return 'use';
  return null;
}
