/**
 * `npm run bench`: performance figures with ratios against baselines measured in the same
 * run. It prints; it never asserts a timing. Runs under test/with-keyring.sh (real keychain).
 */
import { cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3-multiple-ciphers';
import { benchAgents } from './agents';
import { benchBundles } from './bundles';
import { benchRouter } from './router';
import { benchSharing } from './sharing';
import { benchScheduler } from './scheduler';
import { benchStorage } from './storage';
import { benchUnlock } from './unlock';
import { benchTools } from './tools';
import { benchSync } from './sync';
import { benchSyncChanges } from './syncChanges';
import { fmt } from './report';

const started = performance.now();
const db = new Database(':memory:');
const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
db.close();
console.log('Cubby benchmarks');
console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, SQLite ${sqlite} (better-sqlite3-multiple-ciphers)`,
);

await benchUnlock(10, 500);
benchStorage();
await benchRouter();
await benchAgents();
benchSharing();
await benchScheduler();
await benchBundles();
await benchTools();
benchSyncChanges();
await benchSync();

console.log(`\nDone in ${fmt((performance.now() - started) / 1000, 1)} s.`);
