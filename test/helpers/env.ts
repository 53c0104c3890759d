import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts, type AccountsOptions } from '../../main/core/accounts/accounts';
import type { AccountPolicy } from '../../main/core/accounts/policy';
import { Catalog } from '../../main/core/catalog/catalog';
import { KeytarKeychain, type Keychain } from '../../main/core/keys/keychain';
import { KeyService } from '../../main/core/keys/keyService';
import { dataPaths } from '../../main/core/paths';

/**
 * Tests use the real OS keychain (gnome-keyring under dbus-run-session in CI) under their own
 * service name, so a developer's real Cubby entries are never touched.
 */
export const TEST_KEYCHAIN_SERVICE = 'Cubby-test';
export const testKeychain = () => new KeytarKeychain(TEST_KEYCHAIN_SERVICE);

/** The test keychain, counting reads; deletes fail while `failDeletes` is set (a keychain that went away). */
export function countingKeychain() {
  const real = testKeychain();
  let reads = 0;
  const keychain = {
    failDeletes: false,
    reads: () => reads,
    get: (account: string) => {
      reads++;
      return real.get(account);
    },
    set: (account: string, secret: Buffer) => real.set(account, secret),
    delete: async (account: string) => {
      if (keychain.failDeletes) throw new Error('keychain gone');
      return real.delete(account);
    },
  } satisfies Keychain & Record<string, unknown>;
  return keychain;
}

/** Argon2id at its floor (calibration target 0) keeps tests fast; the floor itself still applies. */
export const TEST_POLICY: Partial<AccountPolicy> = { kdfTargetMs: 0 };

export const ADMIN = { username: 'ada', displayName: 'Ada Admin', password: 'correct horse battery' };
export const BOB = { username: 'bob', displayName: 'Bob Builder', password: 'purple monkey dishwasher' };

export function tempDataDir(prefix = 'cubby-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function openAccounts(dataDir: string, extra: Partial<AccountsOptions> = {}): Promise<Accounts> {
  return Accounts.open({ dataDir, keychain: testKeychain(), policy: TEST_POLICY, ...extra });
}

/** First run + one invited, redeemed user: the two-user world most tests start from. */
export async function twoUsers(dataDir: string, extra: Partial<AccountsOptions> = {}) {
  const accounts = await openAccounts(dataDir, extra);
  const { session: admin, recoveryKey: adminRecovery } = await accounts.setup(ADMIN);
  const invite = await accounts.createInvite(admin, { username: BOB.username, displayName: BOB.displayName, role: 'user' });
  const { session: bob, recoveryKey: bobRecovery } = await accounts.redeemInvite({
    username: BOB.username,
    code: invite.code,
    password: BOB.password,
  });
  return { accounts, admin, bob, adminRecovery, bobRecovery, bobId: invite.userId };
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Files under dir that contain needle in UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f);
    return forms.some((form) => bytes.includes(form));
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Edit the catalog behind the app's back, as a restored backup or another process would: for
 * states the product itself refuses to reach (no active administrator).
 */
export async function editCatalog<T>(dataDir: string, fn: (catalog: Catalog) => T): Promise<T> {
  const catalog = await Catalog.open(dataPaths(dataDir), new KeyService(testKeychain()));
  try {
    return fn(catalog);
  } finally {
    catalog.close();
  }
}
