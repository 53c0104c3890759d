import { statSync } from 'node:fs';
import { dirname } from 'node:path';
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
  /** The keychain service; undefined means Cubby's own (tests pass theirs). */
  readonly keychainService?: string;
}

const SAME_ACCOUNT_HINT = 'Run the command as the OS account that uses Cubby, and check --data-dir (or CUBBY_DATA_DIR).';

function unusable(what: string): CubbyError {
  return new CubbyError('DATA_DIR_UNUSABLE', `The data directory ${what}. ${SAME_ACCOUNT_HINT}`);
}

/** What is at a path: a folder, something else, nothing, or a place this OS account may not look. */
function kindOf(path: string): 'dir' | 'other' | 'missing' | 'denied' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return 'denied';
  }
}

/**
 * Before anything opens or creates files: a clear answer for a wrong data directory, instead
 * of an error from deep inside. Setup may create the directory itself, but not its parent
 * (a typo must not start a new install somewhere unexpected).
 */
export function checkDataDir(dir: string, forSetup: boolean): void {
  const kind = kindOf(dir);
  if (kind === 'other') throw unusable('is not a folder');
  if (kind === 'denied') throw unusable('cannot be read by this OS account');
  if (kind === 'missing') {
    if (!forSetup) throw new CubbyError('NOT_SET_UP', `There is no Cubby data directory there. ${SAME_ACCOUNT_HINT}`);
    if (kindOf(dirname(dir)) !== 'dir') throw unusable("cannot be created: the folder it would go in does not exist");
  }
}

/** The same core the app uses, with the real OS keychain, under the same machine policy (floors for passwords and Argon2id). */
export function openAccounts(ctx: CliContext): Promise<Accounts> {
  const { accountPolicy } = applyMachinePolicy(machinePolicySource(), { error: notice });
  return Accounts.open({ dataDir: ctx.dataDir, keychain: new KeytarKeychain(ctx.keychainService), policy: accountPolicy });
}

/** Everything but `setup` needs an existing install; never create one as a side effect. */
export async function openExisting(ctx: CliContext): Promise<Accounts> {
  checkDataDir(ctx.dataDir, false);
  const catalog = kindOf(dataPaths(ctx.dataDir).catalog);
  if (catalog === 'denied') throw unusable('cannot be read by this OS account');
  if (catalog !== 'other') {
    throw new CubbyError('NOT_SET_UP', `Cubby is not set up in this data directory. Run \`cubby setup\` first. ${SAME_ACCOUNT_HINT}`);
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
