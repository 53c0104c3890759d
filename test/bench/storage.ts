/**
 * Vault (SQLCipher through openEncrypted, as a vault opens it) versus plain SQLite (the same
 * library without a key, same WAL / synchronous / cache / temp_store pragmas), on the same
 * write and read workloads, alternating engines each round.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { openEncrypted, type Db } from '../../main/core/db/sqlcipher';
import { CubbyError } from '../../main/core/errors';
import { fmt, median, table, title } from './report';

const CACHE_KIB = 65536; // what openSession gives a vault
const BATCHED_ROWS = 20_000;
const BATCH = 100;
const AUTOCOMMIT_ROWS = 2_000;
const POINT_READS = 50_000;
const RANGE_SCANS = 200;
const RANGE_ROWS = 1_000;
const SMALL_CACHE_KIB = 2000; // SQLite's default cache, for contrast
const ROUNDS = 5;

type Engine = 'plain' | 'vault';

function openPlain(file: string, cacheKiB: number): Db {
  const db = new Database(file);
  db.pragma('temp_store=MEMORY');
  db.pragma('journal_mode=WAL');
  db.pragma('synchronous=NORMAL');
  db.pragma('foreign_keys=ON');
  db.pragma(`cache_size=-${cacheKiB}`);
  db.pragma('busy_timeout=5000');
  return db;
}

function open(engine: Engine, file: string, key: Buffer, cacheKiB = CACHE_KIB): Db {
  if (engine === 'plain') return openPlain(file, cacheKiB);
  return openEncrypted(file, key, () => new CubbyError('INTERNAL', 'bench: bad key'), { cacheKiB });
}

/** ops per second of fn(), which performs `ops` operations. */
function rate(ops: number, fn: () => void): number {
  const start = performance.now();
  fn();
  return ops / ((performance.now() - start) / 1000);
}

interface Rates {
  batched: number;
  autocommit: number;
  point: number;
  range: number;
  pointSmallCache: number;
}

function round(engine: Engine, dir: string, bodies: string[], pointIds: number[], rangeStarts: number[]): Rates {
  const file = join(dir, `${engine}-${randomBytes(4).toString('hex')}.db`);
  const key = randomBytes(32);
  let db = open(engine, file, key);
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const insertBatch = db.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) insert.run(bodies[i]!);
  });
  const batched = rate(BATCHED_ROWS, () => {
    for (let i = 0; i < BATCHED_ROWS; i += BATCH) insertBatch(i);
  });
  const autocommit = rate(AUTOCOMMIT_ROWS, () => {
    for (let i = BATCHED_ROWS; i < BATCHED_ROWS + AUTOCOMMIT_ROWS; i++) insert.run(bodies[i]!);
  });
  db.close();

  // Reads start on a fresh connection: its page cache is cold, as after an unlock.
  db = open(engine, file, key);
  const get = db.prepare('SELECT body FROM rows WHERE id = ?').pluck();
  let bytes = 0;
  const point = rate(POINT_READS, () => {
    for (const id of pointIds) bytes += (get.get(id) as string).length;
  });
  const scan = db.prepare('SELECT id, body FROM rows WHERE id >= ? ORDER BY id LIMIT ?').raw();
  const range = rate(RANGE_SCANS * RANGE_ROWS, () => {
    for (const from of rangeStarts) bytes += scan.all(from, RANGE_ROWS).length;
  });
  db.close();

  // The same point reads with a small page cache: most reads decrypt a page again.
  db = open(engine, file, key, SMALL_CACHE_KIB);
  const getSmall = db.prepare('SELECT body FROM rows WHERE id = ?').pluck();
  const pointSmallCache = rate(POINT_READS, () => {
    for (const id of pointIds) bytes += (getSmall.get(id) as string).length;
  });
  db.close();
  key.fill(0);
  if (bytes === 0) throw new Error('reads returned nothing');
  return { batched, autocommit, point, range, pointSmallCache };
}

export function benchStorage(): void {
  title('b. Vault (SQLCipher) versus plain SQLite, same pragmas, same workload');
  const totalRows = BATCHED_ROWS + AUTOCOMMIT_ROWS;
  const bodies = Array.from({ length: totalRows }, () => randomBytes(100).toString('hex')); // 200-byte rows
  const pointIds = Array.from({ length: POINT_READS }, () => randomInt(1, totalRows + 1));
  const rangeStarts = Array.from({ length: RANGE_SCANS }, () => randomInt(1, totalRows - RANGE_ROWS + 2));
  const dir = mkdtempSync(join(tmpdir(), 'cubby-bench-storage-'));
  const results: Record<Engine, Rates[]> = { plain: [], vault: [] };
  try {
    round('plain', dir, bodies, pointIds.slice(0, 1000), rangeStarts.slice(0, 5)); // warm-up: JIT, allocator
    round('vault', dir, bodies, pointIds.slice(0, 1000), rangeStarts.slice(0, 5));
    for (let r = 0; r < ROUNDS; r++) {
      const order: Engine[] = r % 2 === 0 ? ['plain', 'vault'] : ['vault', 'plain'];
      for (const engine of order) results[engine].push(round(engine, dir, bodies, pointIds, rangeStarts));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${ROUNDS} rounds, engines alternating, median of each; both with cache_size=-${CACHE_KIB} (a vault's), WAL, synchronous=NORMAL, temp_store=MEMORY.`);
  const row = (name: string, unit: string, pick: (r: Rates) => number) => {
    const plain = median(results.plain.map(pick));
    const vault = median(results.vault.map(pick));
    return [name, `${fmt(plain, 0)} ${unit}`, `${fmt(vault, 0)} ${unit}`, fmt(vault / plain, 2)];
  };
  table(
    ['workload', 'plain SQLite', 'vault (SQLCipher)', 'vault/plain'],
    [
      row(`write: ${fmt(BATCHED_ROWS, 0)} inserts, ${BATCH} per transaction`, 'rows/s', (r) => r.batched),
      row(`write: ${fmt(AUTOCOMMIT_ROWS, 0)} single-row autocommit inserts`, 'rows/s', (r) => r.autocommit),
      row(`read: ${fmt(POINT_READS, 0)} random point reads by primary key`, 'reads/s', (r) => r.point),
      row(`read: ${RANGE_SCANS} range scans of ${fmt(RANGE_ROWS, 0)} rows`, 'rows/s', (r) => r.range),
      row(`read: the point reads with a ${fmt(SMALL_CACHE_KIB / 1024, 0)} MiB cache (for contrast)`, 'reads/s', (r) => r.pointSmallCache),
    ],
  );
  console.log('Reads start on a freshly opened connection (cold page cache). ratio < 1: the vault is slower.');
}
