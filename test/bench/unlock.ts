/**
 * Unlock time of a real user, split into its parts: Argon2id at the calibrated cost, the
 * keychain read, then opening the vault and its first query. Real KeyService, real keychain
 * (under with-keyring.sh), real SQLCipher file.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../../main/core/accounts/session';
import { calibrateKdf } from '../../main/core/keys/kdf';
import { KeytarKeychain } from '../../main/core/keys/keychain';
import { KeyService, type UnlockTimings } from '../../main/core/keys/keyService';
import { dataPaths, ensureDataDirs } from '../../main/core/paths';
import { getSetting, setSetting } from '../../main/core/vault/settings';
import { elapsedMs, fmt, median, quantile, table, title } from './report';

const KEYCHAIN_SERVICE = 'Cubby-test';

export async function benchUnlock(runs = 10, targetMs = 500): Promise<void> {
  title(`a. Unlock time, ${runs} unlocks of one user`);
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-unlock-'));
  const paths = dataPaths(dir);
  ensureDataDirs(paths);
  const keys = new KeyService(new KeytarKeychain(KEYCHAIN_SERVICE));
  const user = { id: randomUUID(), username: 'bench', displayName: 'Bench' };
  const password = `bench ${randomBytes(12).toString('hex')}`;

  let start = performance.now();
  const kdf = await calibrateKdf(targetMs);
  console.log(`Argon2id calibrated to ${targetMs} ms in ${fmt(elapsedMs(start) / 1000, 1)} s: m=${kdf.m} KiB (${fmt(kdf.m / 1024, 0)} MiB), t=${kdf.t}, p=${kdf.p}`);

  try {
    const created = await keys.createUserKeys(user.id, password, kdf);
    const first = openSession(paths, user, created.dek);
    for (let i = 0; i < 200; i++) setSetting(first, `setting.${i}`, randomBytes(50).toString('hex'));
    first.close();

    const parts = { kdf: [] as number[], keychain: [] as number[], unwrap: [] as number[], open: [] as number[], query: [] as number[], total: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const timings: UnlockTimings = { kdfMs: 0, keychainMs: 0 };
      start = performance.now();
      const dek = await keys.unlockWithPassword(user.id, password, created.keys, timings);
      const unlocked = performance.now();
      const session = openSession(paths, user, dek); // takes over the DEK and zeroes it on close
      const opened = performance.now();
      if (getSetting(session, 'setting.7') === undefined) throw new Error('first query found nothing');
      const queried = performance.now();
      session.close();
      parts.kdf.push(timings.kdfMs);
      parts.keychain.push(timings.keychainMs);
      parts.unwrap.push(unlocked - start - timings.kdfMs - timings.keychainMs);
      parts.open.push(opened - unlocked);
      parts.query.push(queried - opened);
      parts.total.push(queried - start);
    }

    const total = median(parts.total);
    const row = (name: string, xs: number[]) => [name, fmt(median(xs), 2), fmt(quantile(xs, 0.95), 2), `${fmt((100 * median(xs)) / total, 1)} %`];
    table(
      ['phase', 'median ms', 'p95 ms', 'share of median total'],
      [
        row('KDF (Argon2id)', parts.kdf),
        row('keychain read (Secret Service)', parts.keychain),
        row('HKDF + AES-GCM unwrap', parts.unwrap),
        row('vault open (SQLCipher key + migrations check)', parts.open),
        row('first query', parts.query),
        row('vault open + first query', parts.open.map((x, i) => x + parts.query[i]!)),
        row('total unlock', parts.total),
      ],
    );
  } finally {
    await keys.forgetDevice(user.id);
    rmSync(dir, { recursive: true, force: true });
  }
}
