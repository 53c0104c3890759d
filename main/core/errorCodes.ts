/** Stable error codes: the vocabulary the bridge and the UI share. Pure, so the renderer can import it. */
export const ERROR_CODES = [
  'WRONG_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_ENTRY_MISSING',
  'CATALOG_KEY_MISSING',
  'RECOVERY_KEY_INVALID',
  'INVITE_INVALID',
  'PASSWORD_POLICY',
  'USERNAME_INVALID',
  'USERNAME_TAKEN',
  'ALREADY_SET_UP',
  'NOT_SET_UP',
  'NOT_FOUND',
  'FORBIDDEN',
  'LAST_ADMIN',
  'SCHEMA_TOO_NEW',
  'LOCKED',
  'VALIDATION',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
