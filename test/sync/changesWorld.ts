/**
 * Simulated devices of one person for the change-machinery tests: each its own vault (plain
 * in-memory SQLite with the full vault schema, or a real SQLCipher file), a Session over it so
 * the real repository functions run, its own hybrid clock, and its own append-only log of
 * captured batches. Deliveries apply another device's batches in that device's order.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { Session } from '../../main/core/accounts/session';
import { migrate } from '../../main/core/db/migrations';
import type { Db } from '../../main/core/db/sqlcipher';
import { applyRemoteChanges, captureChanges, HybridClock, type ApplyResult, type RowChange } from '../../main/core/sync/changes';
import { VAULT_MIGRATIONS } from '../../main/core/vault/schema';

export interface Device {
  name: string;
  id: string;
  db: Db;
  session: Session;
  clock: HybridClock;
  /** Batches this device captured, in order (its sync segments). */
  log: RowChange[][];
  /** Per other device: how many of its batches were applied here. */
  received: Map<string, number>;
  /** This device's wall clock is shifted by this much (ms). */
  skew: number;
}

export const deviceId = (i: number) => (i + 1).toString(16).padStart(16, '0');

export function openVaultDb(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys=ON');
  db.pragma('temp_store=MEMORY');
  migrate(db, VAULT_MIGRATIONS, 'vault');
  return db;
}

export function openDevice(i: number, now: () => number = Date.now, skew = 0, db: Db = openVaultDb()): Device {
  const id = deviceId(i);
  const session = new Session({ id: `person-${i}`, username: 'ada', displayName: 'Ada' }, Buffer.alloc(32, 7), db);
  return { name: `device ${i}`, id, db, session, clock: new HybridClock(id, () => now() + skew), log: [], received: new Map(), skew };
}

/** Capture what changed on a device into its log; returns the batch (possibly empty, then not logged). */
export function capture(d: Device): RowChange[] {
  const batch = captureChanges(d.db, d.clock);
  // What travels is JSON: make sure nothing depends on object identity.
  if (batch.length) d.log.push(JSON.parse(JSON.stringify(batch)));
  return batch;
}

/** Apply the next `n` batches of `from`'s log that `to` has not had yet. */
export function deliver(from: Device, to: Device, n = Infinity): ApplyResult[] {
  const results: ApplyResult[] = [];
  let done = to.received.get(from.id) ?? 0;
  while (done < from.log.length && results.length < n) {
    results.push(applyRemoteChanges(to.db, from.log[done]!, to.clock, from.id));
    done++;
  }
  to.received.set(from.id, done);
  return results;
}

/** Apply again the last batch `to` had from `from` (the protocol may deliver a batch twice). */
export function redeliverLast(from: Device, to: Device): ApplyResult | null {
  const done = to.received.get(from.id) ?? 0;
  return done ? applyRemoteChanges(to.db, from.log[done - 1]!, to.clock, from.id) : null;
}

/** Capture everywhere and deliver everything to everyone until nothing new is captured. */
export function syncAll(devices: Device[], maxRounds = 10): void {
  for (let round = 0; round < maxRounds; round++) {
    const captured = devices.map((d) => capture(d).length).reduce((a, b) => a + b, 0);
    for (const from of devices) for (const to of devices) if (from !== to) deliver(from, to);
    if (captured === 0 && round > 0) return;
  }
  throw new Error('sync did not settle');
}

export const count = (db: Db, sql: string, ...params: unknown[]) => db.prepare(sql).pluck().get(...params) as number;
