import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CubbyError } from '../errors';
import { migrate } from '../db/migrations';
import { openEncrypted, type Db } from '../db/sqlcipher';
import type { KeyService } from '../keys/keyService';
import { ensureDataDirs, type DataPaths } from '../paths';
import { AgentUsage } from './agentUsage';
import { AuditLog } from './audit';
import { Groups } from './groups';
import { Invites } from './invites';
import { LoginFailures } from './loginFailures';
import { CATALOG_MIGRATIONS } from './schema';
import { SharedAgents } from './sharedAgents';
import { Users } from './users';
import { VaultDeletions } from './vaultDeletions';

/** install.json names this install's keychain entry for the catalog key. It holds nothing secret. */
function installId(paths: DataPaths): string {
  if (existsSync(paths.installFile)) {
    const parsed = JSON.parse(readFileSync(paths.installFile, 'utf8')) as { installId?: unknown };
    if (typeof parsed.installId === 'string' && /^[0-9a-f-]{36}$/.test(parsed.installId)) return parsed.installId;
    throw new CubbyError('INTERNAL', 'The Cubby install file is damaged.');
  }
  const id = randomUUID();
  writeFileSync(paths.installFile, JSON.stringify({ installId: id }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return id;
}

export class Catalog {
  readonly users: Users;
  readonly invites: Invites;
  readonly loginFailures: LoginFailures;
  readonly audit: AuditLog;
  readonly vaultDeletions: VaultDeletions;
  readonly groups: Groups;
  readonly sharedAgents: SharedAgents;
  readonly agentUsage: AgentUsage;

  /** `installId` names this install's keychain entries (the catalog key, the shared-credential key). */
  private constructor(
    readonly db: Db,
    readonly installId: string,
  ) {
    this.users = new Users(db);
    this.vaultDeletions = new VaultDeletions(db);
    this.invites = new Invites(db);
    this.loginFailures = new LoginFailures(db);
    this.audit = new AuditLog(db);
    this.groups = new Groups(db);
    this.sharedAgents = new SharedAgents(db);
    this.agentUsage = new AgentUsage(db);
  }

  /** Open the catalog, creating it (and its keychain key) on first run. */
  static async open(paths: DataPaths, keys: KeyService): Promise<Catalog> {
    ensureDataDirs(paths);
    const firstRun = !existsSync(paths.catalog);
    if (firstRun && hasVaults(paths)) {
      // Starting over here would strand every vault: the account list holds their wrapped keys.
      throw new CubbyError(
        'CATALOG_MISSING',
        "Cubby's account list is missing, but people's encrypted workspaces are still here. Restore catalog.db from a backup; to start over instead, move the vaults folder away first.",
      );
    }
    const install = installId(paths);
    const key = await keys.catalogKey(`catalog:${install}`, firstRun);
    let db: Db;
    try {
      db = openEncrypted(
        paths.catalog,
        key,
        () => new CubbyError('CATALOG_KEY_MISSING', "The key in this computer's keychain does not open Cubby's account list."),
        // secure_delete: a deleted user's wrapped keys are overwritten, not left in free pages.
        { synchronous: 'FULL', secureDelete: true },
      );
    } finally {
      key.fill(0);
    }
    try {
      migrate(db, CATALOG_MIGRATIONS, 'account list');
    } catch (e) {
      db.close();
      throw e;
    }
    return new Catalog(db, install);
  }

  /** A per-install random value kept inside the encrypted catalog (e.g. to key HMACs). */
  secret(name: string): Buffer {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(`secret:${name}`) as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'base64');
    const value = randomBytes(32);
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`secret:${name}`, value.toString('base64'));
    return value;
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Fold the WAL back into the file and truncate it, so old row versions do not linger there. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function hasVaults(paths: DataPaths): boolean {
  return readdirSync(paths.vaultsDir).some((name) => name.endsWith('.db'));
}
