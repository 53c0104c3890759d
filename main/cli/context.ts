import { existsSync } from 'node:fs';
import { Accounts, type UserSummary } from '../core/accounts/accounts';
import type { Session } from '../core/accounts/session';
import { CubbyError, notFound } from '../core/errors';
import { KeytarKeychain } from '../core/keys/keychain';
import { dataPaths } from '../core/paths';
import { applyMachinePolicy } from '../core/policy/apply';
import { machinePolicySource } from '../core/policy/effective';
import { notice } from './output';
import type { Prompter } from './prompt';

export interface CliContext {
  readonly dataDir: string;
  readonly prompt: Prompter;
}

/**
 * The same core the app uses, with the real OS keychain (CUBBY_KEYCHAIN_SERVICE lets tests use
 * their own entries), under the same machine policy (floors for passwords and Argon2id).
 */
export function openAccounts(ctx: CliContext): Promise<Accounts> {
  const { accountPolicy } = applyMachinePolicy(machinePolicySource(), { error: notice });
  return Accounts.open({ dataDir: ctx.dataDir, keychain: new KeytarKeychain(process.env.CUBBY_KEYCHAIN_SERVICE), policy: accountPolicy });
}

/** Everything but `setup` needs an existing install; never create one as a side effect. */
export async function openExisting(ctx: CliContext): Promise<Accounts> {
  if (!existsSync(dataPaths(ctx.dataDir).catalog)) {
    throw new CubbyError('NOT_SET_UP', 'Cubby is not set up in this data directory. Run `cubby setup` first, or check --data-dir.');
  }
  return openAccounts(ctx);
}

/**
 * Sign in as the admin (password from the prompt or stdin), run fn, then lock the session and
 * close the catalog, whatever happened.
 */
export async function asAdmin<T>(ctx: CliContext, adminName: string, fn: (accounts: Accounts, admin: Session) => Promise<T> | T): Promise<T> {
  const accounts = await openExisting(ctx);
  try {
    const password = await ctx.prompt.secret(`Password for ${adminName}: `);
    const admin = await accounts.login(adminName, password);
    try {
      return await fn(accounts, admin);
    } finally {
      accounts.lock(admin);
    }
  } finally {
    accounts.close();
  }
}

/** Usernames compare case-insensitively, as in the catalog. */
export function findUser(accounts: Accounts, admin: Session, username: string): UserSummary {
  const wanted = username.toLowerCase();
  const user = accounts.listUsers(admin).find((u) => u.username.toLowerCase() === wanted);
  if (!user) throw notFound('account');
  return user;
}
