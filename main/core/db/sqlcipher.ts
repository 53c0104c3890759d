import Database from 'better-sqlite3-multiple-ciphers';
import { CubbyError } from '../errors';
import { ensurePrivateFile } from '../paths';

export type Db = Database.Database;

const HEX = '0123456789abcdef';

/**
 * SQLCipher's raw-key form `x'<64 hex>'`, built straight into a Buffer so the key never
 * becomes an immutable JS string. The caller zeroes it.
 */
function rawKeyLiteral(key: Buffer): Buffer {
  const out = Buffer.alloc(3 + key.length * 2);
  out[0] = 0x78; // x
  out[1] = 0x27; // '
  for (let i = 0; i < key.length; i++) {
    const byte = key[i]!;
    out[2 + i * 2] = HEX.charCodeAt(byte >> 4);
    out[3 + i * 2] = HEX.charCodeAt(byte & 15);
  }
  out[out.length - 1] = 0x27;
  return out;
}

export interface OpenOptions {
  /** Larger page cache: encrypted point reads get close to plain SQLite. In KiB. */
  cacheKiB?: number;
  /** FULL for the catalog (small, must survive power loss); NORMAL is enough for vaults in WAL. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Overwrite deleted content with zeros (the catalog: deleted users' wrapped keys). */
  secureDelete?: boolean;
}

/**
 * Open (or create) a SQLCipher database with a raw 256-bit key, in WAL mode, with temp
 * files kept in memory (SQLite temp files are not encrypted by the cipher layer).
 * A wrong key surfaces as `badKey`.
 */
export function openEncrypted(file: string, key: Buffer, badKey: () => CubbyError, opts: OpenOptions = {}): Db {
  if (key.length !== 32) throw new Error('expected a 256-bit key');
  ensurePrivateFile(file);
  const db = new Database(file);
  const literal = rawKeyLiteral(key);
  try {
    // Cipher pragmas go first and outside any transaction.
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.key(literal);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      throw badKey();
    }
    db.pragma('temp_store=MEMORY');
    db.pragma('journal_mode=WAL');
    db.pragma(`synchronous=${opts.synchronous ?? 'NORMAL'}`);
    db.pragma('foreign_keys=ON');
    db.pragma(`cache_size=-${opts.cacheKiB ?? 16384}`);
    db.pragma('busy_timeout=5000');
    if (opts.secureDelete) db.pragma('secure_delete=ON');
    return db;
  } catch (e) {
    db.close();
    throw e;
  } finally {
    literal.fill(0);
  }
}
